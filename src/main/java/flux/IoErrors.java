package flux;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Why an I/O operation failed, in words for a one-line error. The JDK's file exceptions carry the
 * path as their message ("cannot read /x: /x") and the operating system's reason apart.
 */
public final class IoErrors {
    private IoErrors() {
    }

    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return reason != null ? lowerCaseSentence(reason) : e.getClass().getSimpleName();
    }

    /** Creates {@code dir} and its parents, or fails (exit code 5) with the reason and {@code hint} (may be null). */
    public static Path createDirectories(Path dir, String hint) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new FluxException(ExitCode.IO, "cannot create directory " + dir + ": " + reason(e), hint, e);
        }
    }

    /** True when {@code t} or one of its causes is a failure to bind a socket (the address or port in use). */
    public static boolean isBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** The operating system's words ("No space left on device") as the rest of a flux message, not an acronym ("EIO"). */
    private static String lowerCaseSentence(String s) {
        boolean word = s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1));
        return word ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }
}
