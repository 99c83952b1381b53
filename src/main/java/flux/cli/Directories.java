package flux.cli;

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

    private static Path xdg(String variable, String fallback) {
        String value = System.getenv(variable);
        if (value != null && !value.isBlank() && Path.of(value).isAbsolute()) {
            return Path.of(value);
        }
        return Path.of(System.getProperty("user.home")).resolve(fallback);
    }
}
