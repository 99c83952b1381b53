package flux;

import flux.cli.FluxCommand;
import flux.cli.Logging;

/** Entry point: sets up logging from the verbosity flags, then hands over to picocli. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Logging.configure(args);
        System.exit(FluxCommand.run(args));
    }
}
