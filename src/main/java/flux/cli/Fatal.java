package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Ends the command from any thread: its error line and hint, then the exit with its code, while
 * the shutdown hook still cleans up (stops the engine, deletes the cache). For failures the engine
 * notices on its own threads while the command's thread waits on something that would never end
 * (a piece that cannot be written).
 */
final class Fatal {
    private static volatile FluxException failure;

    private Fatal() {
    }

    static synchronized void exit(FluxException e) {
        if (failure != null) {
            return;
        }
        failure = e;
        Thread exit = new Thread(() -> {
            PrintWriter err = new PrintWriter(System.err, true);
            FluxCommand.printError(err, e);
            System.exit(e.exitCode().code);
        }, "flux-fatal");
        exit.start();
    }

    /**
     * For a download that cannot be written (a full disk): bt would ask for the block again and
     * again, and the stream would never end; this ends it with the reason.
     */
    static Consumer<IOException> onWriteFailure(Path directory, String hint) {
        return e -> exit(new FluxException(ExitCode.IO, "cannot write the download in " + directory + ": "
                + IoErrors.reason(e), hint, e));
    }

    /** The failure that is ending the process, if any: what fails after it is a consequence. */
    static FluxException failure() {
        return failure;
    }
}
