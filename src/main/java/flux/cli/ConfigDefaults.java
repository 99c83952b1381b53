package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Defaults for every option from the environment ({@code FLUX_PORT=9000}) and from the config
 * file ({@code $XDG_CONFIG_HOME/flux/config}, lines {@code port = 9000}, optionally under a
 * {@code [stream]}-style section for one command). The command line wins, then the environment,
 * then the file, then the built-in default.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    static final String HELP = "Every option can also be set by an environment variable FLUX_<OPTION> (--cache-dir: "
            + "FLUX_CACHE_DIR) or by a line '<option> = value' in $XDG_CONFIG_HOME/flux/config (under a [stream] "
            + "or other command's section it applies to that command only). The command line wins.";

    private final Map<String, String> environment;
    private final Map<String, Map<String, String>> file;

    ConfigDefaults(Map<String, String> environment, Path configFile) {
        this.environment = environment;
        this.file = read(configFile);
    }

    static ConfigDefaults fromSystem() {
        return new ConfigDefaults(System.getenv(), Directories.config().resolve("config"));
    }

    /** The environment variable of an option: --cache-dir is FLUX_CACHE_DIR. */
    static String variable(OptionSpec option) {
        return variable(key(option));
    }

    private static String variable(String key) {
        return "FLUX_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The option's long name without dashes: the config file key. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** True when the environment or the file gives {@code command} a default for one of these options (config-file keys). */
    boolean setsAny(String command, Collection<String> keys) {
        for (String key : keys) {
            if (environment.containsKey(variable(key)) || environment.containsKey(variable("no-" + key))
                    || fileValue(command, key) != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String key = key(option);
        String value = environment.get(variable(option));
        if (value == null && option.negatable()) {
            // --dht/--no-dht: FLUX_DHT=false or FLUX_NO_DHT=true
            String negated = environment.get(variable("no-" + key));
            value = negated == null ? null : Boolean.toString(!Boolean.parseBoolean(negated));
        }
        if (value == null) {
            value = fileValue(option.command() == null ? "" : option.command().name(), key);
        }
        return value;
    }

    /** The file's value for {@code key}: from {@code command}'s section, else from the top. */
    private String fileValue(String command, String key) {
        String value = file.getOrDefault(command, Map.of()).get(key);
        return value != null ? value : file.getOrDefault("", Map.of()).get(key);
    }

    private static Map<String, Map<String, String>> read(Path path) {
        Map<String, Map<String, String>> sections = new HashMap<>();
        if (!Files.isRegularFile(path)) {
            return sections;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(path);
        } catch (IOException e) {
            throw new FluxException(ExitCode.IO, "cannot read " + path + ": " + e.getMessage());
        }
        String section = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new FluxException(ExitCode.USAGE, path + " line " + (i + 1) + ": expected 'option = value', got '" + line + "'",
                        "for example: port = 9000");
            }
            sections.computeIfAbsent(section, s -> new HashMap<>())
                    .put(line.substring(0, eq).strip().replaceFirst("^-+", ""), line.substring(eq + 1).strip());
        }
        return sections;
    }
}
