package flux.cli;

import java.io.PrintStream;

/**
 * Standard error without the stack traces the DHT library (mldht, inside bt-dht) prints itself,
 * past the logging: on a machine with no route to the Internet (a laptop offline, a box whose
 * network is down) it printed 14 lines every 10 seconds while the DHT looked for an address, and
 * one when its port was taken. Such a trace is left out; everything else passes. It stands in for
 * standard error only without --verbose, which shows them as before. {@link
 * Throwable#printStackTrace()} holds this stream's lock for the whole trace, so its lines cannot
 * mix with another thread's.
 */
final class DhtLibraryTraces extends PrintStream {
    private static final String LIBRARY = "lbms.plugins.mldht.";

    /** Guarded by this stream's lock. */
    private boolean inLibraryTrace;

    DhtLibraryTraces(PrintStream err) {
        super(err, true);
    }

    @Override
    public void println(Object x) {
        synchronized (this) {
            if (x instanceof Throwable t && fromTheLibrary(t)) {
                inLibraryTrace = true;
                return;
            }
            if (inLibraryTrace && x instanceof String line && isTraceLine(line.stripLeading())) {
                return;
            }
            inLibraryTrace = false;
            super.println(x);
        }
    }

    /** A line of a trace after its first: a frame, "... n more", a cause, a suppressed exception. */
    private static boolean isTraceLine(String line) {
        return line.startsWith("at ") || line.startsWith("... ") || line.startsWith("Caused by: ") || line.startsWith("Suppressed: ");
    }

    private static boolean fromTheLibrary(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().startsWith(LIBRARY)) {
                return true;
            }
        }
        return false;
    }
}
