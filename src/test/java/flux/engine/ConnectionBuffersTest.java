package flux.engine;

import bt.net.buffer.BorrowedBuffer;
import bt.runtime.Config;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConnectionBuffersTest {
    private static final int SMALL = 256 << 10;

    private static ConnectionBuffers buffers() {
        Config config = new Config();
        config.setNetworkBufferSize(SMALL);
        return ConnectionBuffers.of(config);
    }

    private static int capacity(BorrowedBuffer<ByteBuffer> buffer) {
        try {
            return buffer.lockAndGet().capacity();
        } finally {
            buffer.unlock();
        }
    }

    @Test
    void theFirstBuffersAreLargeAndTheRestSmall() {
        ConnectionBuffers buffers = buffers();
        List<BorrowedBuffer<ByteBuffer>> borrowed = new ArrayList<>();
        for (int i = 0; i < ConnectionBuffers.LARGE_BUFFERS + 3; i++) {
            borrowed.add(buffers.borrowByteBuffer());
        }
        for (int i = 0; i < borrowed.size(); i++) {
            int expected = i < ConnectionBuffers.LARGE_BUFFERS ? ConnectionBuffers.LARGE_BYTES : SMALL;
            assertEquals(expected, capacity(borrowed.get(i)), "buffer " + i);
        }
        assertEquals(0, buffers.largeLeft());
    }

    @Test
    void aReleasedLargeBufferFreesItsPlaceOnce() {
        ConnectionBuffers buffers = buffers();
        List<BorrowedBuffer<ByteBuffer>> large = new ArrayList<>();
        for (int i = 0; i < ConnectionBuffers.LARGE_BUFFERS; i++) {
            large.add(buffers.borrowByteBuffer());
        }
        BorrowedBuffer<ByteBuffer> small = buffers.borrowByteBuffer();
        small.release();
        assertEquals(0, buffers.largeLeft(), "a small buffer's release frees no large place");

        large.get(3).release();
        large.get(3).release();
        assertEquals(1, buffers.largeLeft(), "released twice, freed once");
        assertEquals(ConnectionBuffers.LARGE_BYTES, capacity(buffers.borrowByteBuffer()));
        assertEquals(SMALL, capacity(buffers.borrowByteBuffer()));
    }
}
