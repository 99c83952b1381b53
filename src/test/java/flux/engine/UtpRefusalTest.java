package flux.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UtpRefusalTest {

    /** A uTP header (BEP 29) of this type and version, with a connection id and sequence number. */
    private static ByteBuffer packet(int type, int version, int connectionId, int sequence, int length) {
        ByteBuffer p = ByteBuffer.allocate(length);
        p.put(0, (byte) (type << 4 | version));
        p.putShort(2, (short) connectionId);
        p.putShort(16, (short) sequence);
        return p;
    }

    @Test
    void aSynIsAnsweredWithAResetOnItsConnectionIdAcknowledgingItsSequence() {
        ByteBuffer out = ByteBuffer.allocate(UtpRefusal.HEADER);
        assertTrue(UtpRefusal.reset(packet(UtpRefusal.ST_SYN, 1, 0xfa15, 0x9c01, 20), out, 123_456));
        assertEquals(UtpRefusal.HEADER, out.remaining());
        assertEquals(UtpRefusal.ST_RESET << 4 | 1, out.get(0) & 0xff);
        assertEquals(0xfa15, out.getShort(2) & 0xffff);
        assertEquals(123_456, out.getInt(4));
        assertEquals(0x9c01, out.getShort(18) & 0xffff);
    }

    @Test
    void anythingButAVersionOneSynOfAFullHeaderGetsNoAnswer() {
        ByteBuffer out = ByteBuffer.allocate(UtpRefusal.HEADER);
        assertFalse(UtpRefusal.reset(packet(UtpRefusal.ST_SYN, 1, 7, 7, 19), out, 0), "short");
        assertFalse(UtpRefusal.reset(packet(UtpRefusal.ST_SYN, 0, 7, 7, 20), out, 0), "version 0");
        assertFalse(UtpRefusal.reset(packet(UtpRefusal.ST_RESET, 1, 7, 7, 20), out, 0), "a reset");
        assertFalse(UtpRefusal.reset(packet(0, 1, 7, 7, 1400), out, 0), "data");
        ByteBuffer dht = ByteBuffer.wrap("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe".getBytes());
        assertFalse(UtpRefusal.reset(dht, out, 0), "a DHT query");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void onLoopbackOnlyTheSynIsAnswered() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (UtpRefusal refusal = UtpRefusal.on(new InetSocketAddress(loopback, 0)).orElseThrow();
             DatagramChannel dialler = DatagramChannel.open()) {
            dialler.bind(new InetSocketAddress(loopback, 0));
            InetSocketAddress target = new InetSocketAddress(loopback, refusal.port());
            dialler.send(packet(0, 1, 41, 5, 40), target);                    // data: no answer
            dialler.send(packet(UtpRefusal.ST_SYN, 1, 42, 6, 20), target);
            ByteBuffer answer = ByteBuffer.allocate(64);
            dialler.receive(answer);                                          // blocks until the first answer
            answer.flip();
            assertEquals(UtpRefusal.HEADER, answer.remaining());
            assertEquals(UtpRefusal.ST_RESET << 4 | 1, answer.get(0) & 0xff);
            assertEquals(42, answer.getShort(2), "the first answer is the SYN's: the data packet had none");
        }
    }

    @Test
    void aTakenPortLeavesNoRefusal() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramChannel taken = DatagramChannel.open()) {
            taken.bind(new InetSocketAddress(loopback, 0));
            assertTrue(UtpRefusal.on((InetSocketAddress) taken.getLocalAddress()).isEmpty());
        }
    }
}
