package flux;

/**
 * A failure the user can act on: one line saying what went wrong, an optional hint saying what
 * to do, and the exit code. Everything that ends a command with an error goes through this.
 */
public class FluxException extends RuntimeException {
    private final ExitCode exitCode;
    private final String hint;

    public FluxException(ExitCode exitCode, String message, String hint, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public FluxException(ExitCode exitCode, String message, String hint) {
        this(exitCode, message, hint, null);
    }

    public FluxException(ExitCode exitCode, String message) {
        this(exitCode, message, null, null);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public String hint() {
        return hint;
    }
}
