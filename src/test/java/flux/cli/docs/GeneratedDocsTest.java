package flux.cli.docs;

import flux.ExitCode;
import flux.cli.FluxCommand;
import flux.lab.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The committed completions/ and man/ are what GenerateDocs makes now, and each shell and man accept them. */
@Timeout(180)
class GeneratedDocsTest {
    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final List<String> DIRS = List.of("completions", "man");

    @Test
    void committedDocsMatchTheCommands(@TempDir Path tmp) throws IOException {
        GenerateDocs.generate(tmp);
        List<String> stale = new ArrayList<>();
        for (String dir : DIRS) {
            TreeSet<String> names = new TreeSet<>(list(REPO.resolve(dir)));
            names.addAll(list(tmp.resolve(dir)));
            for (String name : names) {
                Path committed = REPO.resolve(dir).resolve(name);
                Path fresh = tmp.resolve(dir).resolve(name);
                if (!Files.exists(fresh)) {
                    stale.add(dir + "/" + name + " (no longer generated)");
                } else if (!Files.exists(committed)) {
                    stale.add(dir + "/" + name + " (missing)");
                } else if (!Files.readString(committed).equals(Files.readString(fresh))) {
                    stale.add(dir + "/" + name + " (differs)");
                }
            }
        }
        if (!stale.isEmpty()) {
            fail("completions/man pages are out of date: " + String.join(", ", stale)
                    + "\n  run: " + GenerateDocs.REGENERATE + "   (and commit the result)");
        }
    }

    @Test
    void manRendersEveryPageWithoutWarnings() throws Exception {
        String man = Tools.require("man");
        List<String> pages = list(REPO.resolve("man"));
        assertTrue(pages.contains("flux.1") && pages.contains("flux-stream.1"), pages.toString());
        for (String page : pages) {
            Run r = run(List.of(man, "--warnings", "-l", "man/" + page));
            assertEquals(0, r.exitCode(), page + ": " + r.stderr());
            assertEquals("", r.stderr(), page + " has warnings");
            assertTrue(r.stdout().contains("SYNOPSIS"), page + ":\n" + r.stdout());
        }
        String stream = run(List.of(man, "-l", "man/flux-stream.1")).stdout();
        assertTrue(stream.contains("EXAMPLES") && stream.contains("flux stream movie.torrent --list"), stream);
        assertTrue(stream.contains("EXIT STATUS"), stream);
    }

    @Test
    void helpAndManPageListEveryExitCode() throws Exception {
        String help = flat(FluxCommand.commandLine().getUsageMessage());
        String page = flat(run(List.of(Tools.require("man"), "-l", "man/flux.1")).stdout());
        for (ExitCode code : ExitCode.values()) {
            assertTrue(help.contains(code.code + " " + code.meaning), "flux --help lacks " + code + ":\n" + help);
            assertTrue(page.contains(code.code + " " + code.meaning), "man/flux.1 lacks " + code + ":\n" + page);
        }
        assertEquals(ExitCode.values().length, FluxCommand.exitCodeList().size());
    }

    @Test
    void everySubcommandHasHelpWithExitCodes() {
        CommandLine cli = FluxCommand.commandLine();
        for (String name : cli.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            StringWriter out = new StringWriter();
            CommandLine fresh = FluxCommand.commandLine();
            fresh.setOut(new PrintWriter(out));
            assertEquals(0, fresh.execute(name, "--help"), name + " --help");
            assertTrue(out.toString().contains("Usage: flux " + name) && out.toString().contains("Exit codes:"), out.toString());
        }
    }

    @Test
    void bashLoadsTheCompletionAndCompletes() throws Exception {
        Run loaded = run(List.of("bash", "-c", "source completions/flux.bash && complete -p flux"));
        assertEquals(0, loaded.exitCode(), loaded.stderr());
        assertTrue(loaded.stdout().contains("_complete_flux"), loaded.stdout());

        String words = "source completions/flux.bash\n"
                + "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMPREPLY=();"
                + " _complete_flux 2>/dev/null; echo \"${COMPREPLY[*]}\"; }\n"
                + "t flux st; t flux stream --cache-d; t flux stream pom.x\n";
        Run completed = run(List.of("bash", "-c", words));
        assertEquals(List.of("stream", "--cache-dir", "pom.xml"), completed.stdout().lines().toList(), completed.stderr());
    }

    @Test
    void zshParsesItsCompletion() throws Exception {
        Run r = run(List.of(Tools.require("zsh"), "-n", "completions/_flux"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(Files.readString(REPO.resolve("completions/_flux")).startsWith("#compdef flux\n"));
    }

    @Test
    void fishLoadsTheCompletionAndCompletes() throws Exception {
        String fish = Tools.require("fish");
        Run r = run(List.of(fish, "--no-config", "-c",
                "source completions/flux.fish; complete -C 'flux st'; complete -C 'flux stream --cache-d'"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("", r.stderr());
        assertTrue(r.stdout().startsWith("stream\t"), r.stdout());
        assertTrue(r.stdout().contains("--cache-dir\t"), r.stdout());
        assertFalse(r.stdout().contains("${"), r.stdout());
    }

    private static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    /** Runs in the repository, with man's output fixed: 80 columns, UTF-8, no pager. */
    private static Run run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile());
        Map<String, String> env = pb.environment();
        env.put("MANWIDTH", "80");
        env.put("LC_ALL", "C.UTF-8");
        env.put("MANPAGER", "cat");
        env.put("PAGER", "cat");
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
        }
        return new Run(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
