package flux.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DhtLibraryTracesTest {

    private static Exception thrownAt(Exception e, String className, Throwable cause) {
        e.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("sun.nio.ch.Net", "connect0", "Net.java", -2),
                new StackTraceElement(className, "getDefaultRoute", "AddressUtils.java", 219),
                new StackTraceElement("java.lang.Thread", "run", "Thread.java", 840)});
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    @Test
    void aTracePrintedByTheDhtLibraryIsLeftOutAndTheLinesAroundItStay() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new DhtLibraryTraces(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        err.println("before");
        thrownAt(new SocketException("Network is unreachable"), "lbms.plugins.mldht.kad.utils.AddressUtils",
                new IOException("underneath")).printStackTrace(err);
        err.println("after");
        assertEquals("before" + System.lineSeparator() + "after" + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anyOtherTraceIsPrintedWhole() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new DhtLibraryTraces(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        thrownAt(new IllegalStateException("flux's own"), "flux.engine.Engine", new IOException("underneath")).printStackTrace(err);
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("java.lang.IllegalStateException: flux's own"), printed);
        assertTrue(printed.contains("\tat flux.engine.Engine.getDefaultRoute(AddressUtils.java:219)"), printed);
        assertTrue(printed.contains("Caused by: java.io.IOException: underneath"), printed);
    }
}
