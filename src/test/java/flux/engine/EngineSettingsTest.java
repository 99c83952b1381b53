package flux.engine;

import flux.ExitCode;
import flux.FluxException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The watchdog's stall window (a low download limit is not a stall), and the DHT's port. */
class EngineSettingsTest {
    @Test
    void theStallWindowIsTenSecondsUnlessTheDownloadLimitMakesFourBlocksTakeLonger() {
        EngineSettings settings = EngineSettings.defaults();

        assertEquals(Duration.ofSeconds(10), settings.stallWindow());
        assertEquals(Duration.ofSeconds(10), settings.withDownloadLimit(100 << 10).stallWindow(), "100 KiB/s");
        assertEquals(Duration.ofSeconds(32), settings.withDownloadLimit(2 << 10).stallWindow(), "64 KiB at 2 KiB/s");
    }

    @Test
    void theDhtTakesThePortAfterThePeerPortUnlessOneIsChosen() {
        EngineSettings settings = EngineSettings.defaults();

        assertEquals(6882, settings.dhtPortFor(6881), "the peer port's own UDP is left to the uTP refusal");
        assertEquals(65534, settings.dhtPortFor(65535), "no port after the last");
        assertEquals(6881, settings.withDhtPort(6881).dhtPortFor(6881), "chosen: shared, and uTP is not refused");
    }

    @Test
    void aTakenDhtPortIsReplacedByAFreeOneUnlessItWasChosen() throws Exception {
        try (DatagramChannel taken = DatagramChannel.open()) {
            taken.bind(new InetSocketAddress(0));
            int busy = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            EngineSettings settings = EngineSettings.defaults();

            int instead = Engine.dhtPort(settings, busy - 1);
            assertNotEquals(busy, instead);
            try (DatagramChannel check = DatagramChannel.open()) {
                check.bind(new InetSocketAddress(instead)); // it was free
            }
            FluxException chosen = assertThrows(FluxException.class, () -> Engine.dhtPort(settings.withDhtPort(busy), busy - 1));
            assertEquals(ExitCode.NETWORK, chosen.exitCode());
        }
    }
}
