package flux.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoggingTest {
    private static final String SHOW_TIME = "org.slf4j.simpleLogger.showDateTime";
    private static final String TIME_FORMAT = "org.slf4j.simpleLogger.dateTimeFormat";
    private static final String SHOW_CLASS = "org.slf4j.simpleLogger.showShortLogName";

    @Test
    void aStreamLogsWithoutTheTimeOfDaySoThatNoDateFormatIsLoadedBeforeTheEngineStarts() {
        Map<String, String> p = withoutDateFormat("stream", "magnet:?xt=urn:btih:x");
        assertEquals("false", p.get(SHOW_TIME));
        assertEquals("info", p.get("org.slf4j.simpleLogger.log.flux"));
        assertEquals("off", p.get("org.slf4j.simpleLogger.defaultLogLevel"));
        assertEquals("false", p.get(SHOW_CLASS), "class names are for --verbose");
    }

    @Test
    void aVerboseStreamCountsMillisecondsSinceStartStillWithoutADateFormat() {
        Map<String, String> p = withoutDateFormat("stream", "--verbose", "x.torrent");
        assertEquals("true", p.get(SHOW_TIME), "without a pattern slf4j-simple prints the time since start");
        assertEquals("debug", p.get("org.slf4j.simpleLogger.log.flux"));
        assertEquals("info", p.get("org.slf4j.simpleLogger.defaultLogLevel"));
        assertEquals("true", p.get(SHOW_CLASS));
    }

    /** The settings for a command line, checked to set no date pattern (slf4j-simple builds its date format whenever one is set). */
    private static Map<String, String> withoutDateFormat(String... args) {
        Map<String, String> p = Logging.properties(args);
        assertFalse(p.containsKey(TIME_FORMAT), String.join(" ", args));
        return p;
    }

    @Test
    void longRunningCommandsKeepTheTimeOfDay() {
        for (String[] args : new String[][]{{"seed", "movie.mkv"}, {"seed", "-v", "movie.mkv"}, {"create", "dir"}, {}}) {
            Map<String, String> p = Logging.properties(args);
            assertEquals("true", p.get(SHOW_TIME), String.join(" ", args));
            assertEquals("HH:mm:ss.SSS", p.get(TIME_FORMAT), String.join(" ", args));
        }
        assertEquals("error", Logging.properties(new String[]{"seed", "-q", "a"}).get("org.slf4j.simpleLogger.log.flux"));
    }

    @Test
    void btsThreadsAreToldFromOthersByTheirNames() {
        assertTrue(Logging.isLibraryThread("38449.bt.net.data-receiver"));
        assertTrue(Logging.isLibraryThread("bt.net.pool.incoming-acceptor-0"));
        assertFalse(Logging.isLibraryThread("flux-scout"));
        assertFalse(Logging.isLibraryThread("main"));
        assertFalse(Logging.isLibraryThread("XNIO-1 I/O-1"));
    }
}
