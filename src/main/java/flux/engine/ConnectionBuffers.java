package flux.engine;

import bt.net.buffer.BorrowedBuffer;
import bt.net.buffer.BufferManager;
import bt.net.buffer.IBufferManager;
import bt.runtime.Config;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The buffers bt gives each connection, one for what comes in and one for what goes out: the
 * first {@link #LARGE_BUFFERS} borrowed at a time are large, the rest small. bt keeps every block
 * that arrives in the connection's inbound buffer until its data worker has written it, and stops
 * reading the socket while that buffer is full (it looks again 1 ms later), so a small buffer caps
 * what one fast peer can send: with 256 KiB, a 146 MiB file in 1 MiB pieces from one aria2c
 * seeder on this machine came in 1.65-2.3 s after the stream was ready, with up to 340 KB waiting
 * unread in flux's socket; with 1 MiB, 1.2-1.6 s (libtorrent's streamer: 0.9 s). Every buffer is
 * direct memory, touched whole when it is made, so only the first connections get large ones: at
 * the default 60 peers, 1 MiB each would be 120 MiB. Used for streams; a seed's inbound buffers
 * hold requests ({@link EngineModule}).
 */
final class ConnectionBuffers implements IBufferManager {
    /** A large buffer's size. */
    static final int LARGE_BYTES = 1 << 20;
    /** Large buffers at most: both buffers of the first 8 connections (16 MiB). */
    static final int LARGE_BUFFERS = 16;

    private final IBufferManager large;
    private final IBufferManager small;
    private final AtomicInteger largeLeft = new AtomicInteger(LARGE_BUFFERS);

    /**
     * @param large makes and pools the large buffers
     * @param small makes and pools the small ones
     */
    ConnectionBuffers(IBufferManager large, IBufferManager small) {
        this.large = large;
        this.small = small;
    }

    /** Large buffers of {@link #LARGE_BYTES}, small ones of the config's network buffer size. */
    static ConnectionBuffers of(Config config) {
        Config large = new Config(config);
        large.setNetworkBufferSize(LARGE_BYTES);
        return new ConnectionBuffers(new BufferManager(large), new BufferManager(config));
    }

    @Override
    public BorrowedBuffer<ByteBuffer> borrowByteBuffer() {
        if (largeLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            return new LargeBuffer(large.borrowByteBuffer());
        }
        return small.borrowByteBuffer();
    }

    /** Large buffers that may be borrowed now. */
    int largeLeft() {
        return largeLeft.get();
    }

    /** A large buffer, whose release frees its place for the next connection. */
    private final class LargeBuffer implements BorrowedBuffer<ByteBuffer> {
        private final BorrowedBuffer<ByteBuffer> buffer;
        private final AtomicBoolean released = new AtomicBoolean();

        LargeBuffer(BorrowedBuffer<ByteBuffer> buffer) {
            this.buffer = buffer;
        }

        @Override
        public ByteBuffer lockAndGet() {
            return buffer.lockAndGet();
        }

        @Override
        public void unlock() {
            buffer.unlock();
        }

        @Override
        public void release() {
            buffer.release();
            if (released.compareAndSet(false, true)) {
                largeLeft.incrementAndGet();
            }
        }
    }
}
