package flux.cli;

import flux.FluxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ConfigDefaultsTest {
    @TempDir
    Path dir;

    private StreamCommand parse(Map<String, String> env, String config, String... args) throws Exception {
        Path file = Files.writeString(dir.resolve("config"), config);
        CommandLine cli = FluxCommand.commandLine();
        cli.setDefaultValueProvider(new ConfigDefaults(env, file));
        CommandLine.ParseResult result = cli.parseArgs(args);
        return (StreamCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void builtInDefaultsWithoutConfig() throws Exception {
        StreamCommand s = parse(Map.of(), "", "stream", "x");
        assertEquals("127.0.0.1", s.host);
        assertEquals(32, s.windowMiB);
        assertTrue(s.network.dht);
    }

    @Test
    void fileThenSectionThenEnvironmentThenCommandLine() throws Exception {
        String config = "# my defaults\nwindow = 48\nhost = 0.0.0.0\n[stream]\nwindow = 64\n[seed]\nwindow = 99\n";
        StreamCommand fromFile = parse(Map.of(), config, "stream", "x");
        assertEquals(64, fromFile.windowMiB, "a [stream] line beats a global one");
        assertEquals("0.0.0.0", fromFile.host);
        StreamCommand fromEnv = parse(Map.of("FLUX_WINDOW", "80"), config, "stream", "x");
        assertEquals(80, fromEnv.windowMiB);
        StreamCommand fromArgs = parse(Map.of("FLUX_WINDOW", "80"), config, "stream", "x", "--window", "8");
        assertEquals(8, fromArgs.windowMiB);
    }

    @Test
    void negatableOptionsFromEitherName() throws Exception {
        assertFalse(parse(Map.of("FLUX_DHT", "false"), "", "stream", "x").network.dht);
        assertFalse(parse(Map.of("FLUX_NO_DHT", "true"), "", "stream", "x").network.dht);
        assertFalse(parse(Map.of(), "dht = false\n", "stream", "x").network.dht);
        assertTrue(parse(Map.of("FLUX_DHT", "false"), "", "stream", "x", "--dht").network.dht);
    }

    @Test
    void tellsWhetherAnyOfSomeOptionsIsSetOutsideTheCommandLine() throws Exception {
        Path file = Files.writeString(dir.resolve("config"), "window = 48\n[stream]\nmax-peers = 9\n[seed]\nlsd = true\n");
        List<String> network = List.of("bind", "dht", "lsd", "max-peers");
        assertTrue(new ConfigDefaults(Map.of(), file).setsAny("stream", network), "[stream] max-peers");
        assertFalse(new ConfigDefaults(Map.of(), file).setsAny("stream", List.of("bind", "dht", "lsd")),
                "lsd is set for seed only");
        assertTrue(new ConfigDefaults(Map.of("FLUX_NO_DHT", "true"), file).setsAny("stream", List.of("dht")));
        assertTrue(new ConfigDefaults(Map.of("FLUX_BIND", "::1"), file).setsAny("stream", List.of("bind")));
        assertFalse(new ConfigDefaults(Map.of("FLUX_WINDOW", "8"), file).setsAny("stream", List.of("bind", "dht")));
    }

    @Test
    void aMalformedLineIsAUsageErrorNamingTheLine() throws Exception {
        Path file = Files.writeString(dir.resolve("config"), "port = 1\nthis is not an option line\n");
        FluxException e = assertThrows(FluxException.class, () -> new ConfigDefaults(Map.of(), file));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
