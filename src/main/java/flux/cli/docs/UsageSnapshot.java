package flux.cli.docs;

import flux.cli.FluxCommand;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes `flux --help` as text into the jar at build time. Building picocli's model by reflection
 * costs about 0.3 s of JVM warm-up; with the snapshot `flux --help` answers without it.
 */
public final class UsageSnapshot {
    private UsageSnapshot() {
    }

    public static String text() {
        StringWriter out = new StringWriter();
        CommandLine cli = GenerateDocs.withBuiltInDefaults(FluxCommand.commandLine());
        cli.usage(new PrintWriter(out, true), CommandLine.Help.Ansi.OFF);
        return out.toString();
    }

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        Files.createDirectories(target.getParent());
        Files.writeString(target, text());
    }
}
