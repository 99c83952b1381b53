package flux.lab;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Kills, when the test JVM exits, whatever process a test started and did not stop: a test that
 * timed out while its thread was blocked never reaches its own cleanup, and a flux stream, a
 * seeder or mpv left running would outlive the build and hold its ports.
 */
public final class Leftovers {
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private Leftovers() {
    }

    /** Installs the exit hook once; every place that starts lab processes calls it. */
    public static void killAtExit() {
        if (INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(
                    () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "lab-leftovers"));
        }
    }
}
