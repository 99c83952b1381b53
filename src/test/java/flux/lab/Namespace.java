package flux.lab;

import flux.FluxProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A shell script run in a network namespace of its own ({@code unshare -rn}: a user namespace
 * too, so a non-root CI user can), for tests of what happens on a LAN: a router, a TV. The
 * namespace has only the links the script makes, none of them with a port, so nothing it sends
 * leaves it.
 */
public final class Namespace {
    private Namespace() {
    }

    /**
     * The script's line for flux with these arguments ({@code jvmOptions} before the jar's), as
     * {@link FluxProcess} would start it.
     */
    public static String flux(List<String> args, List<String> jvmOptions) {
        List<String> command = new ArrayList<>(FluxProcess.builder(args).command());
        command.addAll(1, jvmOptions);
        StringBuilder line = new StringBuilder();
        for (String part : command) {
            line.append(' ').append(Tools.shellQuote(part));
        }
        return line.substring(1);
    }

    /** Runs the script in {@code dir}; its output (stdout and stderr), once it exited 0 within the time. */
    public static String run(Path dir, long timeoutSeconds, String... lines) throws IOException, InterruptedException {
        String script = "set -e\ncd " + Tools.shellQuote(dir.toString()) + "\nip link set lo up\n" + String.join("\n", lines);
        ProcessBuilder namespace = new ProcessBuilder(Tools.require("unshare"), "-rn", "sh", "-c", script).redirectErrorStream(true);
        namespace.environment().clear();
        namespace.environment().putAll(FluxProcess.builder(List.of()).environment()); // no FLUX_ settings, no user config
        Process p = namespace.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the namespace's script did not end\n" + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("the namespace's script failed (" + p.exitValue() + ")\n" + out);
        }
        return out;
    }
}
