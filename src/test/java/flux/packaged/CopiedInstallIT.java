package flux.packaged;

import flux.FluxProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher as `mvn package` leaves it, installed by copying: run after packaging (failsafe),
 * since it needs target/flux, flux.jar and flux.classlist. The JVM uses a class-data-sharing
 * archive only with the jar and JDK it was made from, so a copy must make its own; `-Xshare:on`
 * makes the JVM refuse to start rather than run without the archive, which is what these tests
 * check a start by.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CopiedInstallIT {
    private static final Path TARGET = Path.of("target");

    @TempDir
    Path tmp;
    private Path install;

    @BeforeEach
    void copyTheLauncherTheJarAndTheClassList() throws IOException {
        install = Files.createDirectories(tmp.resolve("install"));
        for (String file : List.of("flux", "flux.jar", "flux.classlist")) {
            Files.copy(TARGET.resolve(file), install.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    @Test
    void aCopiedInstallMakesItsOwnClassArchiveOnItsFirstRunAndStartsWithItAfter() throws Exception {
        Path builtArchive = only(archivesIn(TARGET));
        // the archive the build made is refused for the copy: what made copies slow to start
        Run refused = run(List.of(FluxProcess.java(), "-Xshare:on", "-XX:SharedArchiveFile=" + builtArchive.toAbsolutePath(),
                "-jar", install.resolve("flux.jar").toString(), "--version"), Map.of());
        assertNotEquals(0, refused.exit, refused.stdout);
        assertEquals(List.of(), archivesIn(install));

        Run first = run("");
        assertEquals(0, first.exit, first.stderr);
        assertTrue(first.stdout.startsWith("flux "), first.stdout);
        assertEquals("", first.stderr, "nothing on stderr when it is not a terminal");
        Path archive = only(archivesIn(install));

        Path classes = tmp.resolve("classes.log");
        Run second = run("-Xshare:on -Xlog:class+load=info:file=" + classes);
        assertEquals(0, second.exit, "the JVM could not use " + archive + ": " + second.stdout + second.stderr);
        assertTrue(second.stdout.startsWith("flux "), second.stdout);
        // -Xshare:on alone would also pass with the JDK's own archive: flux's classes must come from this one
        assertTrue(Files.readString(classes).contains("flux.Main source: shared objects file"), "flux.Main was not loaded from " + archive);
        assertEquals(List.of(archive), archivesIn(install), "no second archive for the same jar");
    }

    @Test
    void aNewJarGetsANewArchiveInPlaceOfTheOldOne() throws Exception {
        assertEquals(0, run("").exit);
        Path old = only(archivesIn(install));

        Path jar = install.resolve("flux.jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        Run rebuilt = run("-Xshare:on");
        assertEquals(0, rebuilt.exit, rebuilt.stdout + rebuilt.stderr);
        Path fresh = only(archivesIn(install));
        assertNotEquals(old, fresh);
        assertFalse(Files.exists(old));
    }

    @Test
    void anArchiveThatCannotBeMadeIsTriedOnceAndStartsGoOnWithoutIt() throws Exception {
        // a java that fails every dump (a full disk, a JVM without class sharing) and counts them
        Path attempts = tmp.resolve("dumps");
        Path failingJava = tmp.resolve("java-without-dumps");
        Files.writeString(failingJava, "#!/bin/sh\n"
                + "case \"$*\" in *-Xshare:dump*) echo dump >> '" + attempts + "'; exit 1 ;; esac\n"
                + "exec '" + FluxProcess.java() + "' \"$@\"\n");
        Files.setPosixFilePermissions(failingJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("JAVA", failingJava.toString(), "XDG_CACHE_HOME", tmp.resolve("cache").toString());
        for (int start = 0; start < 2; start++) {
            Run run = run(List.of("sh", install.resolve("flux").toString(), "--version"), env);
            assertEquals(0, run.exit, run.stderr);
            assertTrue(run.stdout.startsWith("flux "), run.stdout);
            assertEquals("", run.stderr);
        }
        assertEquals(List.of("dump"), Files.readAllLines(attempts), "tried once, not at every start");
        assertEquals(List.of(), archivesIn(install));
    }

    @Test
    void withoutJavaTheLauncherSaysSoInOneLine() throws Exception {
        // a PATH with the tools the launcher uses, and no java
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("readlink", "stat", "cksum")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool));
        }
        Run run = run(List.of("/bin/sh", install.resolve("flux").toString(), "--version"), Map.of("PATH", bin.toString()));
        assertEquals(127, run.exit);
        assertEquals("", run.stdout);
        assertEquals("flux: Java not found ('java'): install Java 17 or later, or set JAVA to the java program\n", run.stderr);
    }

    /** Runs the copied launcher's `--version`, with JVM options added, its cache in the temporary directory. */
    private Run run(String javaOptions) throws IOException, InterruptedException {
        return run(List.of("sh", install.resolve("flux").toString(), "--version"), Map.of(
                "FLUX_JAVA_OPTS", javaOptions, "XDG_CACHE_HOME", tmp.resolve("cache").toString(), "JAVA", FluxProcess.java()));
    }

    private Run run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("FLUX_") || k.equals("JAVA"));
        builder.environment().putAll(environment);
        builder.redirectOutput(tmp.resolve("stdout").toFile()).redirectError(tmp.resolve("stderr").toFile());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not exit within 120 s");
        }
        return new Run(process.exitValue(), Files.readString(tmp.resolve("stdout")), Files.readString(tmp.resolve("stderr")));
    }

    private static List<Path> archivesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("flux.*\\.jsa")).sorted().toList();
        }
    }

    private static Path only(List<Path> archives) {
        assertEquals(1, archives.size(), "archives: " + archives);
        return archives.get(0);
    }

    private record Run(int exit, String stdout, String stderr) {
    }
}
