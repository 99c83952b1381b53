package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Things to undo when a command ends, normally or by Ctrl-C / SIGTERM: run once, newest first,
 * each bounded in time so a stuck close cannot keep the process alive.
 */
public final class Cleanup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Cleanup.class);
    private final Deque<Step> steps = new ArrayDeque<>();
    private static volatile boolean signalled;
    private volatile java.util.function.IntSupplier exitCodeOnSignal;
    private final Thread hook = new Thread(() -> {
        signalled = true;
        runAll();
        java.util.function.IntSupplier code = exitCodeOnSignal;
        if (code != null) {
            // for a command whose normal end is a signal (seeding), the JVM's 130/143 would be wrong
            Runtime.getRuntime().halt(code.getAsInt());
        }
    }, "flux-shutdown");

    /** Exit with this code (after cleaning up) when stopped by SIGINT/SIGTERM, instead of 130/143. */
    public void exitCodeOnSignal(java.util.function.IntSupplier code) {
        this.exitCodeOnSignal = code;
    }
    private boolean done;

    private record Step(String name, ThrowingRunnable action) {
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    public Cleanup() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** True once Ctrl-C / SIGTERM started the shutdown: errors after that are consequences, not news. */
    public static boolean signalled() {
        return signalled;
    }

    /**
     * A step to run at the end. Once the steps have run (Ctrl-C or SIGTERM came while the command
     * was still starting) it runs at once and the command stops here: what it acquired since is
     * released, and it acquires nothing more. A stream stopped between taking its cache lock and
     * registering its release left the lock and its download behind (InterruptIT, once in a full
     * run), for the next stream's sweep.
     */
    public void add(String name, ThrowingRunnable action) {
        synchronized (this) {
            if (!done) {
                steps.push(new Step(name, action));
                return;
            }
        }
        run(new Step(name, action));
        throw new FluxException(ExitCode.INTERRUPTED, "interrupted");
    }

    private void runAll() {
        Deque<Step> todo;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            todo = new ArrayDeque<>(steps);
        }
        for (Step step : todo) {
            if (!run(step)) {
                return;
            }
        }
    }

    /** Runs the step on a thread of its own for at most 5 s; false if this thread was interrupted meanwhile. */
    private static boolean run(Step step) {
        Thread t = new Thread(() -> {
            try {
                step.action().run();
            } catch (Exception e) {
                log.debug("cleanup step '{}' failed", step.name(), e);
            }
        }, "flux-cleanup");
        t.setDaemon(true);
        t.start();
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (t.isAlive()) {
            log.debug("cleanup step '{}' did not finish in 5 s", step.name());
        }
        return true;
    }

    @Override
    public void close() {
        runAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }
}
