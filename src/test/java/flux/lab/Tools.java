package flux.lab;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the third-party programs the lab is made of; every run is bounded in time. */
public final class Tools {
    static {
        Leftovers.killAtExit();
    }

    private Tools() {
    }

    /** The path of a program from .ci/run's packages; failing (not skipping) when it is missing. */
    public static String require(String program) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(program + " is not installed: run .ci/run (or apt-get install it) first");
    }

    /** {@code s} as one word for sh, in single quotes. */
    public static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Runs a command to completion and returns its stdout; fails on a non-zero exit or timeout. */
    public static String run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("lab-", ".log");
        Path out = Files.createTempFile("lab-", ".out");
        // both streams to files: a read of a pipe would outlast the timeout if a child kept it open
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s: "
                        + Files.readString(log));
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + Files.readString(log));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            // a shell's children (a pipeline) outlive it unless stopped themselves
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Files.deleteIfExists(log);
            Files.deleteIfExists(out);
        }
    }

    public static String sha256(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    public static String sha256(java.io.InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until a TCP port accepts connections. */
    public static void awaitPort(String host, int port, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            try (var s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(host, port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError(host + ":" + port + " did not open within " + timeoutMillis + " ms");
    }

    /**
     * Waits until a program just started listens; if it does not, it is killed and the failure
     * says what it logged.
     */
    public static void awaitPort(Process started, Path log, String host, int port, long timeoutMillis)
            throws IOException, InterruptedException {
        try {
            awaitPort(host, port, timeoutMillis);
        } catch (AssertionError e) {
            kill(started);
            throw new AssertionError(e.getMessage() + ": " + Files.readString(log));
        }
    }

    /** Stops lab processes at the end of a test class; one that fails to close does not keep the others running. */
    public static void closeAll(AutoCloseable... all) {
        for (AutoCloseable c : all) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    public static void kill(Process p) {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
