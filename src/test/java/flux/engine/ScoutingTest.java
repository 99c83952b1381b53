package flux.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

@Timeout(30)
class ScoutingTest {
    private static final EngineSettings LOOPBACK = EngineSettings.defaults().withBind(InetAddress.getLoopbackAddress())
            .withPeerPort(0).withDht(false);
    // a tracker nobody listens on: the scout starts and finds nothing
    private static final TorrentInput MAGNET = TorrentInput.parse("magnet:?xt=urn:btih:" + "cd".repeat(20)
            + "&tr=http%3A%2F%2F127.0.0.1%3A9%2Fannounce");

    @Test
    void anEngineWithTheSameSettingsTakesOverTheScoutStartedAhead() {
        Scouting ahead = Scouting.ahead(LOOPBACK, true, MAGNET).join();
        Scouting taken = Scouting.take(LOOPBACK, true, MAGNET);
        assertSame(ahead, taken, "same port, peer id and scout as announced ahead");
        assertNotEquals(PeerScout.NONE, taken.scout());
        Scouting fresh = Scouting.take(LOOPBACK, true, MAGNET);
        assertNotSame(ahead, fresh, "a scouting is taken over once");
        assertNotEquals(taken.peerId(), fresh.peerId());
        taken.close();
        fresh.close();
    }

    @Test
    void anEngineWithOtherSettingsStartsItsOwn() {
        Scouting.ahead(LOOPBACK, true, MAGNET);
        Scouting ahead = Scouting.ahead(LOOPBACK, true, MAGNET).join(); // replaces (and closes) the first
        Scouting other = Scouting.take(LOOPBACK.withDht(true), true, MAGNET);
        assertNotSame(ahead, other);
        assertEquals(true, other.key().dht());
        other.close();
        assertEquals(PeerScout.NONE, Scouting.take(LOOPBACK, true, null).scout(), "nothing to scout for, and the"
                + " one started ahead was used up");
    }
}
