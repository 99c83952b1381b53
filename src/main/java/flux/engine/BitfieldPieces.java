package flux.engine;

import bt.protocol.Bitfield;

import java.util.BitSet;
import java.util.function.IntPredicate;

/** The pieces a peer's Bitfield message says it has: piece 0 is the high bit of the first byte. */
final class BitfieldPieces {
    private BitfieldPieces() {
    }

    static BitSet of(Bitfield bitfield) {
        byte[] bits = bitfield.getBitfield();
        BitSet has = new BitSet(bits.length * 8);
        for (int piece = 0; piece < bits.length * 8; piece++) {
            if ((bits[piece >> 3] & (0x80 >> (piece & 7))) != 0) {
                has.set(piece);
            }
        }
        return has;
    }

    /** Whether the message names a piece that {@code wanted} accepts. */
    static boolean namesAny(Bitfield bitfield, IntPredicate wanted) {
        BitSet has = of(bitfield);
        for (int piece = has.nextSetBit(0); piece >= 0; piece = has.nextSetBit(piece + 1)) {
            if (wanted.test(piece)) {
                return true;
            }
        }
        return false;
    }
}
