package flux.engine;

import bt.data.DataRange;
import bt.data.digest.Digester;
import bt.data.range.Range;

import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * bt's piece digester, with the SHA-1 {@link Sha1Sums#underC1} chooses in place of the JDK's; used
 * where the JVM compiles with C1 alone ({@link #forThisJvm}). Reads a piece through one buffer per
 * thread, as bt's own digester does, so bt's hashing threads (a resume check) each keep theirs.
 */
final class PieceDigester implements Digester {
    private final int step;
    private final Supplier<InOrderHashes.Sum> newSum;
    private final ThreadLocal<byte[]> buffer;

    /** @param newSum a new SHA-1 sum, taken for each piece (the native one once it is loaded) */
    PieceDigester(int step, Supplier<InOrderHashes.Sum> newSum) {
        this.step = step;
        this.newSum = newSum;
        this.buffer = ThreadLocal.withInitial(() -> new byte[step]);
    }

    /** The digester pieces are checked with in this JVM: this one under C1 alone, else {@code jdk}. */
    static Digester forThisJvm(Digester jdk, int step) {
        return Sha1Sums.c1Only() ? new PieceDigester(step, Sha1Sums::underC1) : jdk;
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
        InOrderHashes.Sum digest = newSum.get();
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
        InOrderHashes.Sum digest = newSum.get();
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
        return new PieceDigester(step, newSum);
    }
}
