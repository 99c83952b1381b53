package flux.engine;

import bt.data.BlockSet;

import java.util.BitSet;

/** A piece's blocks for tests: {@code length} bytes in blocks of {@code blockSize}, the last one maybe shorter. */
final class FakeBlocks implements BlockSet {
    final BitSet present = new BitSet();
    private final long length;
    private final long blockSize;

    FakeBlocks(long length, long blockSize) {
        this.length = length;
        this.blockSize = blockSize;
    }

    @Override
    public int blockCount() {
        return (int) ((length + blockSize - 1) / blockSize);
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long blockSize() {
        return blockSize;
    }

    @Override
    public long lastBlockSize() {
        return length - (blockCount() - 1) * blockSize;
    }

    @Override
    public boolean isPresent(int blockIndex) {
        return present.get(blockIndex);
    }

    @Override
    public boolean isComplete() {
        return present.cardinality() == blockCount();
    }

    @Override
    public boolean isEmpty() {
        return present.isEmpty();
    }

    @Override
    public void clear() {
        present.clear();
    }
}
