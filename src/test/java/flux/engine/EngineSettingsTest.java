package flux.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The watchdog's stall window: a low download limit is not a stall. */
class EngineSettingsTest {
    @Test
    void theStallWindowIsTenSecondsUnlessTheDownloadLimitMakesFourBlocksTakeLonger() {
        EngineSettings settings = EngineSettings.defaults();

        assertEquals(Duration.ofSeconds(10), settings.stallWindow());
        assertEquals(Duration.ofSeconds(10), settings.withDownloadLimit(100 << 10).stallWindow(), "100 KiB/s");
        assertEquals(Duration.ofSeconds(32), settings.withDownloadLimit(2 << 10).stallWindow(), "64 KiB at 2 KiB/s");
    }
}
