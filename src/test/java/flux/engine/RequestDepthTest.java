package flux.engine;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestDepthTest {
    private static final long FAR = EngineSettings.defaults().inFlightBytes();
    private static final long PIECE = 256 << 10;

    private static final int BLOCK = 16 << 10;

    @Test
    void peersOnThisMachineOrTheLanGetTheShallowDepth() throws Exception {
        assertEquals(new RequestDepth.Depth(4, 8),
                RequestDepth.of(List.of(prompt("127.0.0.2"), unknown("192.168.1.20")), FAR, PIECE, BLOCK),
                "1 MiB of pieces, and 128 KiB in flight: a seek waits behind what is asked between seeks");
        assertEquals(new RequestDepth.Depth(2, 8), RequestDepth.of(List.of(prompt("10.0.0.5")), FAR, 1 << 20, BLOCK),
                "at least two pieces");
        assertEquals(4, RequestDepth.of(List.of(prompt("10.0.0.5")), FAR, PIECE, 32 << 10).requests(),
                "the blocks in flight are counted in bytes");
    }

    @Test
    void oneDistantPeerOrNoneKnownKeepsTheDeepDepth() throws Exception {
        RequestDepth.Depth deep = new RequestDepth.Depth(32, RequestDepth.FAR_REQUESTS); // 8 MiB of 256 KiB pieces
        assertEquals(deep, RequestDepth.of(List.of(prompt("127.0.0.2"), unknown("203.0.113.9")), FAR, PIECE, BLOCK));
        assertEquals(deep, RequestDepth.of(List.of(), FAR, PIECE, BLOCK), "no peer known yet");
        assertEquals(4, RequestDepth.of(List.of(unknown("203.0.113.9")), FAR, 4 << 20, BLOCK).pieces(), "at least four pieces");
    }

    @Test
    void nearPeersNoneOfThemKnownToAnswerAtOnceKeepTheDeepDepth() throws Exception {
        // Transmission sends only what was asked for in the half second before each of its pulses
        RequestDepth.Depth deep = new RequestDepth.Depth(32, RequestDepth.FAR_REQUESTS); // 8 MiB of 256 KiB pieces
        assertEquals(deep, RequestDepth.of(List.of(unknown("192.168.1.20"), unknown("127.0.0.2")), FAR, PIECE, BLOCK),
                "Transmission seeders, or a .torrent's peers before any connection");
    }

    @Test
    void nearMeansLoopbackPrivateOrLinkLocal() throws Exception {
        for (String near : List.of("127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.1.1",
                "fe80::1", "fd12:3456::1")) {
            assertTrue(RequestDepth.isNear(ip(near)), near);
        }
        for (String far : List.of("8.8.8.8", "172.32.0.1", "2001:db8::1", "100.64.0.1")) {
            assertFalse(RequestDepth.isNear(ip(far)), far);
        }
    }

    private static RequestDepth.Known prompt(String literal) throws UnknownHostException {
        return new RequestDepth.Known(ip(literal), true);
    }

    private static RequestDepth.Known unknown(String literal) throws UnknownHostException {
        return new RequestDepth.Known(ip(literal), false);
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
