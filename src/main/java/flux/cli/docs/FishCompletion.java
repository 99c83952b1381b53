package flux.cli.docs;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Fish completions from the picocli model (picocli itself generates bash only): one {@code complete}
 * line per subcommand and per option, each guarded by a condition on the subcommands typed so far.
 * File names are completed only where a command takes positional parameters or an option takes a path.
 */
public final class FishCompletion {
    private FishCompletion() {
    }

    public static String script(CommandLine cli) {
        String program = cli.getCommandName();
        StringBuilder out = new StringBuilder();
        out.append("# fish completion for ").append(program).append(GenerateDocs.HEADER_NOTE);
        out.append("complete -c ").append(program).append(" -e\n");
        out.append("complete -c ").append(program).append(" -f\n");
        command(out, program, cli, List.of());
        return out.toString();
    }

    private static void command(StringBuilder out, String program, CommandLine cli, List<String> path) {
        CommandSpec spec = cli.getCommandSpec();
        List<CommandLine> subcommands = visibleSubcommands(cli);
        List<String> names = subcommands.stream().map(CommandLine::getCommandName).toList();
        String here = "complete -c " + program + " -n " + quote(condition(path, names));

        out.append("\n# ").append(spec.qualifiedName()).append('\n');
        for (CommandLine sub : subcommands) {
            out.append(here).append(" -a ").append(sub.getCommandName())
                    .append(" -d ").append(quote(summary(headline(sub.getCommandSpec())))).append('\n');
        }
        if (spec.userObject() instanceof CommandLine.HelpCommand && cli.getParent() != null) {
            // `flux help COMMAND`: the parent's other subcommands
            List<String> siblings = visibleSubcommands(cli.getParent()).stream().map(CommandLine::getCommandName)
                    .filter(n -> !n.equals(cli.getCommandName())).toList();
            out.append(here).append(" -a ").append(quote(String.join(" ", siblings))).append('\n');
        } else {
            for (PositionalParamSpec positional : spec.positionalParameters()) {
                if (!positional.hidden()) {
                    out.append(here).append(positional.completionCandidates() != null
                            ? " -a " + quote(String.join(" ", positional.completionCandidates()))
                            : " -F").append('\n');   // torrents, directories: file names
                }
            }
        }
        for (OptionSpec option : spec.options()) {
            if (!option.hidden()) {
                out.append(here).append(option(option, spec)).append('\n');
            }
        }
        for (CommandLine sub : subcommands) {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getCommandName());
            command(out, program, sub, subPath);
        }
    }

    /** Top level: no subcommand yet; below: every subcommand on the path typed, and none of this one's. */
    private static String condition(List<String> path, List<String> subcommands) {
        if (path.isEmpty()) {
            return "__fish_use_subcommand";
        }
        List<String> tests = new ArrayList<>();
        path.forEach(p -> tests.add("__fish_seen_subcommand_from " + p));
        if (!subcommands.isEmpty()) {
            tests.add("not __fish_seen_subcommand_from " + String.join(" ", subcommands));
        }
        return String.join("; and ", tests);
    }

    private static String option(OptionSpec option, CommandSpec spec) {
        Set<String> names = new LinkedHashSet<>(List.of(option.names()));
        if (option.negatable()) {
            for (String name : option.names()) {
                names.add(spec.negatableOptionTransformer().makeNegative(name, spec));
            }
        }
        StringBuilder line = new StringBuilder();
        for (String name : names) {
            if (name.startsWith("--")) {
                line.append(" -l ").append(name.substring(2));
            } else if (name.length() == 2) {
                line.append(" -s ").append(name.substring(1));
            } else {
                line.append(" -o ").append(name.substring(1));
            }
        }
        if (option.arity().max() > 0) {
            Class<?> type = option.typeInfo().isMultiValue() ? option.typeInfo().getAuxiliaryTypes()[0] : option.type();
            if (option.completionCandidates() != null) {
                line.append(" -x -a ").append(quote(String.join(" ", option.completionCandidates())));
            } else if (type == File.class || type == Path.class) {
                line.append(" -r -F");
            } else {
                line.append(" -x");
            }
        }
        return line.append(" -d ").append(quote(summary(option.description()))).toString();
    }

    private static List<CommandLine> visibleSubcommands(CommandLine cli) {
        // a command with aliases appears once per name in getSubcommands(): keep the first
        Set<CommandLine> seen = new LinkedHashSet<>(cli.getSubcommands().values());
        return seen.stream().filter(c -> !c.getCommandSpec().usageMessage().hidden()).toList();
    }

    /** A command's header, or else its description (as in picocli's list of commands). */
    private static String[] headline(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        return header.length > 0 ? header : spec.usageMessage().description();
    }

    /**
     * Fish shows one short line: the description's first clause, without parentheses.
     * "Log details (and stack traces) to stderr." becomes "Log details to stderr".
     */
    static String summary(String[] description) {
        String text = description.length == 0 ? "" : description[0].replace("%n", " ").strip();
        text = text.replaceAll("\\s*\\([^()]*\\)", "");
        text = text.split("(?<=[.:;])\\s", 2)[0];
        return text.replaceAll("[.:;]$", "");
    }

    /** A fish single-quoted string: only backslash and quote are special. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
