package flux;

import flux.lab.Leftovers;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts flux as a real child process (same classpath as the tests), the way a user runs it. */
public final class FluxProcess {
    private FluxProcess() {
    }

    public static ProcessBuilder builder(List<String> args) {
        Leftovers.killAtExit();
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        String command = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("");
        cmd.addAll(command.equals("seed") ? List.of("-Xms128m", "-Xmx1g") : List.of("-Xmx128m")); // as the launcher
        if (!command.equals("create") && !command.equals("seed")) {
            cmd.add("-Dflux.c1Only=true"); // as the launcher: pieces are checked by the native SHA-1, or flux's own
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("flux.Main");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("FLUX_"));
        env.put("XDG_CONFIG_HOME", System.getProperty("java.io.tmpdir") + File.separator + "flux-test-config");
        // resume records of kept streams and seeds go here, not into the user's home
        env.put("XDG_DATA_HOME", System.getProperty("java.io.tmpdir") + File.separator + "flux-test-data");
        return pb;
    }

    /** The java program of the JVM running the tests. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs to completion (bounded) and returns exit code, stdout and stderr. */
    public static Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        Process p = builder(List.of(args)).start();
        p.getOutputStream().close();
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        Thread a = new Thread(() -> copy(p.getInputStream(), out));
        Thread b = new Thread(() -> copy(p.getErrorStream(), err));
        a.start();
        b.start();
        if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("flux " + String.join(" ", args) + " did not exit within " + timeoutSeconds + " s");
        }
        a.join(5000);
        b.join(5000);
        return new Result(p.exitValue(), out.toString(), err.toString());
    }

    private static void copy(java.io.InputStream in, java.io.OutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process ended
        }
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }
}
