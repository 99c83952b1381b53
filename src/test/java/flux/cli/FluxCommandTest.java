package flux.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FluxCommandTest {

    @Test
    void aCommandLineThatNamesOneOfFluxsCommandsGetsOnlyThatOne() {
        assertEquals(List.of(StreamCommand.class), FluxCommand.subcommandsFor(new String[]{"stream", "magnet:?xt=x"}));
        assertEquals(List.of(InfoCommand.class), FluxCommand.subcommandsFor(new String[]{"-v", "info", "a.torrent"}));
        assertEquals(List.of(SeedCommand.class), FluxCommand.subcommandsFor(new String[]{"seed", "-", "--json"}));
    }

    @Test
    void helpATypoOrNothingGetsThemAll() {
        assertEquals(FluxCommand.SUBCOMMANDS, FluxCommand.subcommandsFor(new String[]{"help", "stream"}));
        assertEquals(FluxCommand.SUBCOMMANDS, FluxCommand.subcommandsFor(new String[]{"strem", "x"}));
        assertEquals(FluxCommand.SUBCOMMANDS, FluxCommand.subcommandsFor(new String[]{"-q"}));
        assertEquals(FluxCommand.SUBCOMMANDS, FluxCommand.subcommandsFor(new String[0]));
    }

    @Test
    void theSingleCommandModelParsesAndDocumentsLikeTheWholeOne() {
        CommandLine single = FluxCommand.model(FluxCommand.subcommandsFor(new String[]{"info", "a.torrent"}));
        CommandLine whole = FluxCommand.model(FluxCommand.SUBCOMMANDS);
        assertEquals(1, single.getSubcommands().size());
        CommandLine.ParseResult parsed = single.parseArgs("info", "-v", "-q", "--json", "a.torrent");
        InfoCommand info = (InfoCommand) parsed.subcommand().commandSpec().userObject();
        assertTrue(parsed.subcommand().hasMatchedOption("--verbose"), "the inherited -v is there");
        assertTrue(info.json);
        assertEquals("a.torrent", info.torrent);
        assertEquals(whole.getSubcommands().get("info").getUsageMessage(), single.getSubcommands().get("info").getUsageMessage());
    }
}
