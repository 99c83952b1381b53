package flux.cli;

import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configures slf4j-simple before the first logger exists. Logs always go to stderr so that
 * stdout stays free for the video bytes or JSON lines.
 */
public final class Logging {
    private Logging() {
    }

    public static void configure(String[] args) {
        properties(args).forEach(Logging::set);
        // SLF4J binds on first use. Left to whichever thread logs first, the engine's threads
        // started moments later raced it, and SLF4J printed three "calls intercepted and
        // replayed" warnings on most `flux stream` starts: bind it here, before they exist.
        LoggerFactory.getILoggerFactory();
        OutOfMemory.prepare();
        Thread.setDefaultUncaughtExceptionHandler(Logging::threadDied);
        if (!verbose()) {
            System.setErr(new DhtLibraryTraces(System.err));
        }
    }

    /**
     * A thread of bt's that dies speaks as bt does, only with --verbose: its receiving loop can
     * die of a ConcurrentModificationException when the runtime closes its selector on the way
     * out (seen once as a stream ended on a full disk), and the user's one error line is what
     * matters then. Any other thread's death is reported as the JVM would; one that ran out of
     * memory ends flux ({@link OutOfMemory}).
     */
    private static void threadDied(Thread thread, Throwable e) {
        if (e instanceof OutOfMemoryError) {
            OutOfMemory.exit();
        } else if (isLibraryThread(thread.getName())) {
            LoggerFactory.getLogger("bt.thread").error("thread {} stopped", thread.getName(), e);
        } else {
            System.err.print("Exception in thread \"" + thread.getName() + "\" ");
            e.printStackTrace();
        }
    }

    /** bt names its threads after its services, e.g. "6881.bt.net.data-receiver". */
    static boolean isLibraryThread(String name) {
        return name.startsWith("bt.") || name.contains(".bt.");
    }

    /** slf4j-simple's settings for a command line (a property set on the JVM's command line wins). */
    static Map<String, String> properties(String[] args) {
        List<String> list = List.of(args);
        boolean verbose = list.contains("-v") || list.contains("--verbose");
        boolean quiet = list.contains("-q") || list.contains("--quiet");
        String fluxLevel = verbose ? "debug" : quiet ? "error" : "info";
        // bt logs expected network failures (a peer hanging up, shutdown) at ERROR with stack traces:
        // flux reports what matters itself, so libraries speak only with --verbose.
        String libraryLevel = verbose ? "info" : "off";
        Map<String, String> p = new LinkedHashMap<>();
        p.put("org.slf4j.simpleLogger.logFile", "System.err");
        p.put("org.slf4j.simpleLogger.defaultLogLevel", libraryLevel);
        p.put("org.slf4j.simpleLogger.log.flux", fluxLevel);
        p.put("org.slf4j.simpleLogger.showThreadName", Boolean.toString(verbose));
        // A stream's log has no time of day: slf4j-simple's date format loads the JDK's calendar
        // and locale data on the main thread before the engine starts (lab, 8 alternating pairs
        // each way: the tracker's answer 0.10 s sooner, bt's wiring 0.10-0.13 s sooner). Its few
        // lines go to the terminal beside the status line, as webtorrent-cli's and peerflix's do;
        // with --verbose each line starts with the milliseconds since the log began, which is
        // what a slow start is read by. Long-running commands (seed) keep the time of day.
        boolean stream = args.length > 0 && args[0].equals("stream");
        p.put("org.slf4j.simpleLogger.showDateTime", Boolean.toString(verbose || !stream));
        if (!stream) {
            p.put("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        }
        // which class speaks is for --verbose; a user reads "INFO fetching metadata: 3 peers found"
        p.put("org.slf4j.simpleLogger.showShortLogName", Boolean.toString(verbose));
        p.put("org.slf4j.simpleLogger.showLogName", "false"); // the full name, when the short one is off
        p.put("org.slf4j.simpleLogger.levelInBrackets", "false");
        // Undertow and XNIO log through jboss-logging: send that to SLF4J too.
        p.put("org.jboss.logging.provider", "slf4j");
        return p;
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** True with --quiet: only results and errors. */
    public static boolean quiet() {
        return "error".equals(System.getProperty("org.slf4j.simpleLogger.log.flux"));
    }

    /** True when stack traces should be shown: only with --verbose. */
    public static boolean verbose() {
        return "debug".equals(System.getProperty("org.slf4j.simpleLogger.log.flux"));
    }
}
