package flux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The reasons of real failing file operations, as the commands meet them. */
class IoErrorsTest {
    @TempDir
    Path dir;

    private static String reasonOf(Executable failing) {
        return IoErrors.reason(assertThrows(IOException.class, failing));
    }

    @Test
    void missingFile() {
        assertEquals("no such file or directory", reasonOf(() -> Files.readAllBytes(dir.resolve("gone"))));
    }

    @Test
    void directoryWhereAFileIs() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals("a file of that name is in the way", reasonOf(() -> Files.createDirectories(file)));
    }

    @Test
    void directoryUnderAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        // the operating system's own words, without the path the JDK puts in front of them
        assertEquals("not a directory", reasonOf(() -> Files.createDirectories(file.resolve("sub"))));
    }

    @Test
    void anyOtherFailureKeepsItsMessage() {
        assertEquals("no space left on device", IoErrors.reason(new IOException("No space left on device")));
        assertEquals("EIO from the driver", IoErrors.reason(new IOException("EIO from the driver")));
        assertEquals("IOException", IoErrors.reason(new IOException()));
    }
}
