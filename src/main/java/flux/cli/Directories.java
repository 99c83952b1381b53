package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** XDG base directories (falling back to the spec's defaults under $HOME). */
public final class Directories {
    private Directories() {
    }

    public static Path cache() {
        return xdg("XDG_CACHE_HOME", ".cache").resolve("flux");
    }

    public static Path data() {
        return xdg("XDG_DATA_HOME", ".local/share").resolve("flux");
    }

    public static Path config() {
        return xdg("XDG_CONFIG_HOME", ".config").resolve("flux");
    }

    /** Creates {@code dir} and its parents, or fails with the reason and a hint naming the option that chose it. */
    public static Path create(Path dir, String option) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new FluxException(ExitCode.IO, "cannot create directory " + dir + ": " + IoErrors.reason(e),
                    "choose another with " + option, e);
        }
    }

    private static Path xdg(String variable, String fallback) {
        String value = System.getenv(variable);
        if (value != null && !value.isBlank() && Path.of(value).isAbsolute()) {
            return Path.of(value);
        }
        return Path.of(System.getProperty("user.home")).resolve(fallback);
    }
}
