package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The top-level `flux` command: subcommands, version, and the one place errors become exit codes. */
@Command(name = "flux",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,   // subcommands get -h/--help and -V/--version too
        versionProvider = VersionProvider.class,
        description = {"Stream torrents to any player while they download, and seed from headless boxes.", "",
                ConfigDefaults.HELP, ""})
public class FluxCommand implements Runnable {
    /** The subcommands, in the order help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(StreamCommand.class, SeedCommand.class, CreateCommand.class,
            InfoCommand.class, DemoCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Read by Logging.configure before parsing (logging must be set up before any logger exists);
    // declared here so that picocli accepts them on every subcommand and documents them.
    @CommandLine.Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Log details (and stack traces) to stderr.")
    boolean verbose;

    @CommandLine.Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Print only results and errors.")
    boolean quiet;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** The whole command line, every subcommand included (help, completions, man pages). */
    public static CommandLine commandLine() {
        return configured(model(SUBCOMMANDS));
    }

    /** picocli's model of flux with these subcommands, without flux's handlers and defaults. */
    static CommandLine model(List<Class<?>> subcommands) {
        CommandLine cli = new CommandLine(new FluxCommand());
        // a loop, not cli::addSubcommand: a method reference bound to picocli's CommandLine (a Java 5
        // class file) kept that class out of the class-data-sharing archive (see pom.xml)
        for (Class<?> subcommand : subcommands) {
            cli.addSubcommand(subcommand);
        }
        return cli;
    }

    /**
     * The subcommands a command line needs: only the one it names, when it names one of flux's
     * own. picocli builds the model of every subcommand it is given, up front: for all five that
     * was ~0.1 s of CPU at every start (`flux info` 0.41 -> 0.38 s). Help, a typo or no subcommand get
     * them all.
     */
    static List<Class<?>> subcommandsFor(String[] args) {
        String first = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        return SUBCOMMANDS.stream()
                .filter(c -> c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(first))
                .<List<Class<?>>>map(List::of)
                .findFirst().orElse(SUBCOMMANDS);
    }

    /** Handlers, exit codes and config defaults, for the subcommands the model has now. */
    private static CommandLine configured(CommandLine cli) {
        cli.setExecutionExceptionHandler(FluxCommand::handleExecutionException);
        cli.setParameterExceptionHandler(FluxCommand::handleParameterException);
        addExitCodes(cli);
        cli.setDefaultValueProvider(ConfigDefaults.fromSystem());
        return cli;
    }

    /** The "Exit codes:" section of every command's help (and man page's EXIT STATUS), from {@link ExitCode}. */
    private static void addExitCodes(CommandLine cli) {
        Object command = cli.getCommand();
        if (!(command instanceof CommandLine.HelpCommand)) {
            cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodeList());
        }
        cli.getSubcommands().values().forEach(FluxCommand::addExitCodes);
    }

    /** Code (right-aligned) to meaning, in the enum's order. */
    public static Map<String, String> exitCodeList() {
        Map<String, String> list = new LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            list.put(String.format("%3d", code.code), code.meaning);
        }
        return list;
    }

    public static int run(String... args) {
        CommandLine cli;
        try {
            cli = configured(model(subcommandsFor(args)));
        } catch (FluxException e) { // a malformed config file
            printError(new PrintWriter(System.err, true), e);
            return e.exitCode().code;
        }
        return cli.execute(args);
    }

    /** One line, a hint, no stack trace unless --verbose. */
    private static int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        OutOfMemory.exitIfCause(e);
        PrintWriter err = cli.getErr();
        FluxException fatal = Fatal.failure();
        if (fatal != null) {
            return fatal.exitCode().code; // already said, and the process is exiting with it
        }
        if (Cleanup.signalled()) {
            err.println("flux: interrupted");
            err.flush();
            return ExitCode.INTERRUPTED.code;
        }
        if (e instanceof FluxException fe) {
            printError(err, fe);
            return fe.exitCode().code;
        }
        err.println("flux: internal error: " + e);
        if (Logging.verbose()) {
            e.printStackTrace(err);
        } else {
            err.println("  run again with --verbose for details, and please report it");
        }
        err.flush();
        return ExitCode.FAILURE.code;
    }

    /** A failure the user can act on: "flux: what went wrong", the hint, the cause's trace only with --verbose. */
    static void printError(PrintWriter err, FluxException fe) {
        err.println("flux: " + fe.getMessage());
        if (fe.hint() != null) {
            err.println("  " + fe.hint());
        }
        if (Logging.verbose() && fe.getCause() != null) {
            fe.getCause().printStackTrace(err);
        }
        err.flush();
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("flux: " + e.getMessage());
        err.println("  see '" + cli.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return ExitCode.USAGE.code;
    }
}
