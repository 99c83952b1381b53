package flux.lab;

import flux.FluxProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A running `flux ... --json` process whose JSON events a test can wait for. */
public final class FluxRun implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path stderr;

    private FluxRun(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "flux-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    public static FluxRun start(Path workDir, List<String> args) throws IOException {
        return start(workDir, FluxProcess.builder(args));
    }

    /**
     * flux as a terminal's foreground job starts it: with SIGINT at its default, whatever this JVM
     * inherited. A shell starts background jobs with SIGINT ignored, their children inherit that,
     * and the JVM then installs no handler for it: a suite run from a backgrounded script would see
     * Ctrl-C do nothing. python3 resets it and execs flux in the same process (same pid).
     */
    public static FluxRun startInForeground(Path workDir, List<String> args) throws IOException {
        ProcessBuilder builder = FluxProcess.builder(args);
        builder.command().addAll(0, List.of("python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"));
        return start(workDir, builder);
    }

    private static FluxRun start(Path workDir, ProcessBuilder builder) throws IOException {
        Files.createDirectories(workDir);
        Path err = Files.createTempFile(workDir, "flux-", ".stderr");
        Process p = builder.redirectError(err.toFile()).start();
        return new FluxRun(p, err);
    }

    /**
     * {@code flux stream TORRENT} as the lab runs it: no DHT, a fresh loopback address, any peer
     * port, the cache under {@code work}, a 40 s metadata timeout; then {@code extra}.
     */
    public static List<String> streamArgs(Path work, String torrent, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("stream", torrent, "--no-dht", "--bind", Net.freshLoopback(),
                "--peer-port", "0", "--cache-dir", work.resolve("cache").toString(), "--timeout", "40"));
        args.addAll(List.of(extra));
        return args;
    }

    /** How long {@link #toStdout} lets a lab file take: every test class that calls it allows more. */
    public static final long TO_STDOUT_SECONDS = 90;

    /**
     * Runs a flux command that writes the file to stdout ({@code -o -}) to its end and returns the
     * SHA-256 of what it wrote; its stderr goes to {@code stderr}. Fails unless flux exits 0 within
     * {@link #TO_STDOUT_SECONDS}. A read of flux's stdout does not answer an interrupt, so a stalled
     * flux is killed at the deadline, which ends the read, rather than left to a test timeout.
     */
    public static String toStdout(Path stderr, List<String> args) throws IOException, InterruptedException {
        return toStdout(stderr, args, java.util.Map.of());
    }

    /** The same with these variables in flux's environment (JDK_JAVA_OPTIONS, say). */
    public static String toStdout(Path stderr, List<String> args, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = FluxProcess.builder(args).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        CompletableFuture<Process> exited = p.onExit();
        exited.completeOnTimeout(null, TO_STDOUT_SECONDS, TimeUnit.SECONDS).thenRun(p::destroyForcibly);
        try {
            String hash;
            try (var out = p.getInputStream()) {
                hash = Tools.sha256(out);
            }
            if (!p.waitFor(30, TimeUnit.SECONDS) || exited.getNow(p) == null) {
                throw new AssertionError("flux did not finish within " + TO_STDOUT_SECONDS + " s; its log ends:\n" + tail(stderr));
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("flux exited " + p.exitValue() + "; its log ends:\n" + tail(stderr));
            }
            return hash;
        } finally {
            p.destroyForcibly();
        }
    }

    /** The last lines of a log: a -v run's whole log would bury the failure. */
    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readString(log, StandardCharsets.ISO_8859_1).lines().toList(); // any bytes
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** Waits for a JSON line whose "event" is {@code event}; fails with flux's stderr on timeout. */
    public String awaitEvent(String event, long timeoutSeconds) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no '" + event + "' event within " + timeoutSeconds + " s; alive="
                        + process.isAlive() + "; stderr:\n" + stderr());
            }
            if (line.contains("\"event\":\"" + event + "\"")) {
                return line;
            }
        }
    }

    /** Waits until all these events were seen (a name twice means two of them); returns every line read. */
    public List<String> awaitEvents(long timeoutSeconds, String... events) throws InterruptedException, IOException {
        java.util.List<String> wanted = new java.util.ArrayList<>(List.of(events));
        java.util.List<String> seen = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!wanted.isEmpty()) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("still waiting for " + wanted + " after " + timeoutSeconds + " s; got "
                        + seen + "; stderr:\n" + stderr());
            }
            seen.add(line);
            wanted.removeIf(new java.util.function.Predicate<String>() {
                boolean done;

                @Override
                public boolean test(String e) {
                    if (!done && line.contains("\"event\":\"" + e + "\"")) {
                        done = true;
                        return true;
                    }
                    return false;
                }
            });
        }
        return seen;
    }

    /** The lines of stdout read and not yet awaited. */
    public List<String> unread() {
        List<String> out = new java.util.ArrayList<>();
        lines.drainTo(out);
        return out;
    }

    public static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[-0-9.]+|true|false|null)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no field " + name + " in " + json);
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    public String stderr() throws IOException {
        return Files.readString(stderr);
    }

    public Process process() {
        return process;
    }

    @Override
    public void close() {
        Tools.kill(process);
    }
}
