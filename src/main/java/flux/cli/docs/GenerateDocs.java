package flux.cli.docs;

import flux.cli.DeleteTree;
import flux.cli.FluxCommand;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Attributes;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import org.asciidoctor.log.LogHandler;
import org.asciidoctor.log.Severity;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes flux's shell completions and man pages from the picocli model of {@link FluxCommand}, so that
 * they follow its subcommands and options: {@code completions/flux.bash} (picocli's AutoComplete),
 * {@code completions/_flux} (zsh: the same through bashcompinit), {@code completions/flux.fish}
 * ({@link FishCompletion}) and {@code man/flux.1}, {@code man/flux-SUBCOMMAND.1}, ... (picocli's
 * ManPageGenerator writes AsciiDoc, Asciidoctor turns it into roff).
 * <p>
 * {@code mvn package} writes them to target/generated-docs; {@link #REGENERATE} refreshes the copies
 * committed at the top of the repository, which GeneratedDocsTest compares against.
 */
public final class GenerateDocs {
    public static final String REGENERATE = "mvn -q compile exec:java@docs -Ddocs.out=.";
    static final String HEADER_NOTE = ", generated from its picocli model by flux.cli.docs.GenerateDocs.\n"
            + "# Do not edit: regenerate with " + REGENERATE + "\n";

    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:\\w+(?::-(.*))?}");

    private GenerateDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GenerateDocs OUTPUT_ROOT   (writes OUTPUT_ROOT/completions and OUTPUT_ROOT/man)");
            System.exit(2);
        }
        List<Path> written = generate(Path.of(args[0]));
        System.out.println("GenerateDocs: wrote " + written.size() + " files to " + args[0] + "/completions and " + args[0] + "/man");
    }

    /** Writes root/completions/* and root/man/*.1 (removing pages of commands that no longer exist). */
    public static List<Path> generate(Path root) throws IOException {
        List<Path> written = new ArrayList<>();
        Path completions = Files.createDirectories(root.resolve("completions"));
        String bash = AutoComplete.bash("flux", forEach(model(), GenerateDocs::positionalsAsFiles));
        written.add(write(completions.resolve("flux.bash"), withNote("# bash completion for flux", bash)));
        written.add(write(completions.resolve("_flux"), zsh(bash)));
        written.add(write(completions.resolve("flux.fish"), FishCompletion.script(model())));
        written.addAll(manPages(model(), Files.createDirectories(root.resolve("man"))));
        return written;
    }

    /**
     * FluxCommand as the docs describe it: with the built-in defaults rather than this machine's
     * environment ({@code ${env:FLUX_WINDOW:-32}} reads as 32), and man-style section headings.
     */
    static CommandLine model() {
        return forEach(withBuiltInDefaults(FluxCommand.commandLine()), c -> {
            CommandSpec spec = c.getCommandSpec();
            UsageMessageSpec usage = spec.usageMessage();
            usage.footerHeading(usage.footerHeading().replace("%n", "").replaceAll(":\\s*$", "").strip());
            usage.exitCodeListHeading("Exit status");
        });
    }

    /** The command line with the built-in defaults, not this machine's environment or config file. */
    static CommandLine withBuiltInDefaults(CommandLine cli) {
        return forEach(cli, c -> c.getCommandSpec().defaultValueProvider(GenerateDocs::builtInDefault));
    }

    private static CommandLine forEach(CommandLine cli, Consumer<CommandLine> action) {
        action.accept(cli);
        cli.getSubcommands().values().forEach(sub -> forEach(sub, action));
        return cli;
    }

    /**
     * For bash: picocli completes file names only for File and Path parameters, and nothing for the
     * String TORRENT (a magnet or a file); positional parameters without candidates complete as
     * file names instead, as in fish.
     */
    private static void positionalsAsFiles(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        if (spec.userObject() instanceof CommandLine.HelpCommand) {
            return;
        }
        for (PositionalParamSpec p : List.copyOf(spec.positionalParameters())) {
            if (p.completionCandidates() == null && !p.hidden()) {
                spec.remove(p);
                spec.addPositional(PositionalParamSpec.builder().index(p.index()).arity(p.arity())
                        .paramLabel(p.paramLabel()).description(p.description()).type(Path.class).build());
            }
        }
    }

    private static String builtInDefault(ArgSpec arg) {
        if (!(arg.userObject() instanceof Field field)) {
            return null;
        }
        Option option = field.getAnnotation(Option.class);
        Parameters parameters = field.getAnnotation(Parameters.class);
        String raw = option != null ? option.defaultValue() : parameters != null ? parameters.defaultValue() : null;
        Matcher m = raw == null ? null : ENV_DEFAULT.matcher(raw);
        return m != null && m.matches() ? m.group(1) : null;
    }

    /** The script with "# WHAT, generated ... Do not edit ..." after its #! line. */
    private static String withNote(String what, String script) {
        int eol = script.indexOf('\n') + 1;
        return script.substring(0, eol) + what + HEADER_NOTE + script.substring(eol);
    }

    /**
     * zsh: the bash script (which loads bashcompinit when zsh runs it), as an autoloaded completion
     * function that also answers the request that loaded it. The script's
     * functions are parsed with the file, before its {@code alias compopt=complete} exists, so a
     * {@code compopt} that does nothing stands in (bash's compopt only tunes bash's own display).
     */
    static String zsh(String bash) {
        String body = bash.substring(bash.indexOf('\n') + 1);   // without the #! line
        return "#compdef flux\n"
                + "# zsh completion for flux" + HEADER_NOTE
                + "# Put this file in a directory on $fpath before compinit runs.\n"
                + "\n"
                + "(( $+functions[compopt] )) || compopt() { : }\n"
                + body
                + "\n"
                + "# this first request too (later ones go straight to _complete_flux)\n"
                + "_bash_complete -F _complete_flux -o default\n";
    }

    /** picocli writes AsciiDoc pages for the command and each subcommand; Asciidoctor makes them roff. */
    private static List<Path> manPages(CommandLine cli, Path dir) throws IOException {
        Path adoc = Files.createTempDirectory("flux-manpages");
        try {
            int status = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], false, cli.getCommandSpec());
            if (status != 0) {
                throw new IOException("picocli's ManPageGenerator failed with status " + status);
            }
            try (Stream<Path> old = Files.list(dir)) {
                for (Path page : old.filter(p -> p.getFileName().toString().matches("flux(-.+)?\\.1")).toList()) {
                    Files.delete(page);
                }
            }
            List<Path> written = new ArrayList<>();
            try (Asciidoctor asciidoctor = Asciidoctor.Factory.create(); Stream<Path> pages = Files.list(adoc)) {
                for (Path page : pages.sorted().toList()) {
                    String name = page.getFileName().toString().replaceFirst("\\.adoc$", ".1");
                    written.add(write(dir.resolve(name), roff(asciidoctor, page)));
                }
            }
            return written;
        } finally {
            DeleteTree.delete(adoc);
        }
    }

    /** One AsciiDoc page as roff; an Asciidoctor warning is an error. */
    private static String roff(Asciidoctor asciidoctor, Path page) throws IOException {
        List<String> problems = new ArrayList<>();
        LogHandler collect = r -> {
            if (r.getSeverity().ordinal() >= Severity.WARN.ordinal()) {
                problems.add(r.getSeverity() + ": " + r.getMessage() + (r.getCursor() == null ? "" : " at " + r.getCursor()));
            }
        };
        Options options = Options.builder().backend("manpage").standalone(true).safe(SafeMode.SAFE)
                // no date in the header, so that regenerating unchanged commands changes nothing
                .attributes(Attributes.builder().attribute("reproducible", "").build())
                .build();
        asciidoctor.registerLogHandler(collect);
        String roff;
        try {
            roff = asciidoctor.convert(Files.readString(page), options);
        } finally {
            asciidoctor.unregisterLogHandler(collect);
        }
        if (!problems.isEmpty()) {
            throw new IOException(page.getFileName() + ": " + String.join("; ", problems));
        }
        return roff.endsWith("\n") ? roff : roff + "\n";
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text);
    }
}
