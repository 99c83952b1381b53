package flux.engine;

import bt.data.DataRange;
import bt.data.digest.Digester;
import bt.data.range.Range;

import java.nio.ByteBuffer;

/**
 * bt's piece digester, with flux's {@link Sha1} in place of the JDK's; used where the JVM compiles
 * with C1 alone ({@link #forThisJvm}). Reads a piece through one buffer per thread, as bt's own
 * digester does, so bt's hashing threads (a resume check) each keep theirs.
 */
final class PieceDigester implements Digester {
    /**
     * Set by the launcher where it stops compilation at C1 (a stream): the JDK's SHA-1 is faster
     * wherever C2 runs (`create`, `seed`, or flux's jar started without the launcher).
     */
    static final String C1_ONLY_PROPERTY = "flux.c1Only";

    private final int step;
    private final ThreadLocal<Sha1> sha1 = ThreadLocal.withInitial(Sha1::new);
    private final ThreadLocal<byte[]> buffer;

    PieceDigester(int step) {
        this.step = step;
        this.buffer = ThreadLocal.withInitial(() -> new byte[step]);
    }

    /** The digester pieces are checked with in this JVM: this one under C1 alone, else {@code jdk}. */
    static Digester forThisJvm(Digester jdk, int step) {
        return Boolean.getBoolean(C1_ONLY_PROPERTY) ? new PieceDigester(step) : jdk;
    }

    /** The digest of the range's data as far as it can be read. */
    @Override
    public byte[] digest(DataRange data) {
        return digest(data, false);
    }

    /** The digest of the whole range; fails if any of it cannot be read. */
    @Override
    public byte[] digestForced(DataRange data) {
        return digest(data, true);
    }

    private byte[] digest(DataRange data, boolean whole) {
        Sha1 digest = sha1.get();
        digest.reset();
        byte[] bytes = buffer.get();
        ByteBuffer wrapped = ByteBuffer.wrap(bytes);
        data.visitUnits((unit, offset, limit) -> {
            for (long at = offset; at < limit; ) {
                wrapped.clear().limit((int) Math.min(step, limit - at));
                if (whole) {
                    unit.readBlockFully(wrapped, at);
                    if (wrapped.hasRemaining()) {
                        throw new IllegalStateException("could not read " + wrapped.remaining() + " bytes of a piece at " + at);
                    }
                } else if (unit.readBlock(wrapped, at) < 0) {
                    return false; // the end of the data
                }
                digest.update(bytes, 0, wrapped.position());
                at += wrapped.position();
            }
            return true;
        });
        return digest.digest();
    }

    @Override
    public byte[] digest(Range<?> data) {
        Sha1 digest = sha1.get();
        digest.reset();
        for (long at = 0, length = data.length(); at < length; at += step) {
            byte[] bytes = data.getSubrange(at, Math.min(step, length - at)).getBytes();
            digest.update(bytes, 0, bytes.length);
        }
        return digest.digest();
    }

    @Override
    public int length() {
        return Sha1.LENGTH;
    }

    @Override
    public Digester createCopy() {
        return new PieceDigester(step);
    }
}
