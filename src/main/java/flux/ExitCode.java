package flux;

/** The one table of exit codes flux uses everywhere (README and man pages print the same). */
public enum ExitCode {
    OK(0, "success"),
    FAILURE(1, "unexpected internal error (please report it, with --verbose output)"),
    USAGE(2, "usage error: unknown option, missing argument"),
    BAD_INPUT(3, "bad input: malformed magnet, torrent or info-hash, no such file, data not matching"),
    NETWORK(4, "network: no peers or metadata before the timeout, port in use, tracker unreachable"),
    IO(5, "local I/O: disk full, directory not writable, unreadable file, out of memory"),
    INTERRUPTED(130, "interrupted by SIGINT (Ctrl-C) before the work was done; SIGTERM gives 143");

    public final int code;
    public final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }
}
