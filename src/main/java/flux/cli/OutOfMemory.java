package flux.cli;

import flux.ExitCode;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An exhausted Java heap, on any thread, ends flux with one line that says how to give it more,
 * and exit 5 (a local resource, like a full disk: a restart would only meet it again). The
 * launcher caps the heap (128 MiB; 1 GiB for `seed`, whose torrents need ~32 KB each), and a
 * JVM that ran out of it half-way is in no state to go on. The line is made at start: when it is
 * needed there is no memory to make it with (a first version built it then, and the JVM reported
 * the handler's own OutOfMemoryError, thread by thread, above it).
 */
public final class OutOfMemory {
    private static final AtomicBoolean SAID = new AtomicBoolean();
    private static volatile byte[] line;
    private static volatile FileOutputStream stderr;

    private OutOfMemory() {
    }

    /** Makes the line and opens stderr for it, while there is memory to. */
    public static void prepare() {
        long most = Runtime.getRuntime().maxMemory() >> 20;
        line = ("flux: out of memory (the Java heap's " + most + " MiB are full): give it more with FLUX_JAVA_OPTS=-Xmx"
                + 2 * most + "m" + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
        stderr = new FileOutputStream(FileDescriptor.err);
    }

    /** Ends flux as {@link #exit} does if {@code e} or one of its causes is an OutOfMemoryError (bt wraps some). */
    public static void exitIfCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                exit();
            }
        }
    }

    /**
     * The first thread to run out prints the line and ends the process at once; the others,
     * which may be running out at the same moment, return and leave that to it.
     */
    public static void exit() {
        if (!SAID.compareAndSet(false, true)) {
            return;
        }
        try {
            stderr.write(line);
        } catch (IOException | RuntimeException unsaid) {
            // stderr is gone: the exit code still says it
        }
        Runtime.getRuntime().halt(ExitCode.IO.code);
    }
}
