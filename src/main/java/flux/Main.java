package flux;

import flux.cli.EarlyEngine;
import flux.cli.FluxCommand;
import flux.cli.Logging;
import flux.cli.OutOfMemory;
import flux.cli.VersionProvider;
import flux.engine.Metainfo;

import java.io.IOException;
import java.io.InputStream;

/** Entry point: sets up logging from the verbosity flags, then hands over to picocli. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && answeredWithoutModel(args[0])) {
            return;
        }
        Logging.configure(args);
        Metainfo.prepareParser();
        EarlyEngine.start(args);
        try {
            System.exit(FluxCommand.run(args));
        } catch (OutOfMemoryError e) {
            OutOfMemory.exit();
        }
    }

    /**
     * `flux --help` and `flux --version` are what people run most to check an install: answer
     * them from the build-time snapshot instead of building picocli's model (~0.3 s).
     */
    private static boolean answeredWithoutModel(String arg) {
        if (arg.equals("--version") || arg.equals("-V")) {
            for (String line : new VersionProvider().getVersion()) {
                System.out.println(line);
            }
            return true;
        }
        if (arg.equals("--help") || arg.equals("-h")) {
            try (InputStream usage = Main.class.getResourceAsStream("/flux/usage.txt")) {
                if (usage == null) {
                    return false; // running from classes without a packaged build: picocli prints it
                }
                usage.transferTo(System.out);
                System.out.flush();
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }
}
