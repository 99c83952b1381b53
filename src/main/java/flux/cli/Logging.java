package flux.cli;

import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Configures slf4j-simple before the first logger exists. Logs always go to stderr so that
 * stdout stays free for the video bytes or JSON lines.
 */
public final class Logging {
    private Logging() {
    }

    public static void configure(String[] args) {
        List<String> list = List.of(args);
        boolean verbose = list.contains("-v") || list.contains("--verbose");
        boolean quiet = list.contains("-q") || list.contains("--quiet");
        String fluxLevel = verbose ? "debug" : quiet ? "error" : "info";
        // bt logs expected network failures (a peer hanging up, shutdown) at ERROR with stack traces:
        // flux reports what matters itself, so libraries speak only with --verbose.
        String libraryLevel = verbose ? "info" : "off";
        set("org.slf4j.simpleLogger.logFile", "System.err");
        set("org.slf4j.simpleLogger.defaultLogLevel", libraryLevel);
        set("org.slf4j.simpleLogger.log.flux", fluxLevel);
        set("org.slf4j.simpleLogger.showThreadName", Boolean.toString(verbose));
        set("org.slf4j.simpleLogger.showDateTime", "true");
        set("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        set("org.slf4j.simpleLogger.showShortLogName", "true");
        set("org.slf4j.simpleLogger.levelInBrackets", "false");
        // Undertow and XNIO log through jboss-logging: send that to SLF4J too.
        set("org.jboss.logging.provider", "slf4j");
        // SLF4J binds on first use. Left to whichever thread logs first, the engine's threads
        // started moments later raced it, and SLF4J printed three "calls intercepted and
        // replayed" warnings on most `flux stream` starts: bind it here, before they exist.
        LoggerFactory.getILoggerFactory();
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
