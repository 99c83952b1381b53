package flux.ui;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Status;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Two status lines kept at the bottom of the terminal (JLine's {@link Status}) while log lines
 * scroll above them: stderr is re-routed so every log line is printed with the status suspended.
 * Only for a terminal; {@link #open} returns null for pipes, files, TERM=dumb and --quiet.
 */
public final class LiveStatus implements AutoCloseable {
    private final Terminal terminal;
    private final Status status;
    private final PrintStream originalErr;
    private final boolean color;

    private LiveStatus(Terminal terminal, Status status, PrintStream originalErr, boolean color) {
        this.terminal = terminal;
        this.status = status;
        this.originalErr = originalErr;
        this.color = color;
    }

    public static LiveStatus open(boolean stderrIsTerminal, boolean quiet) {
        String term = System.getenv("TERM");
        if (!stderrIsTerminal || quiet || term == null || term.equals("dumb")) {
            return null;
        }
        try {
            Terminal terminal = TerminalBuilder.builder().system(true)
                    .systemOutput(TerminalBuilder.SystemOutput.SysErr)
                    .nativeSignals(true).signalHandler(Terminal.SignalHandler.SIG_DFL).build();
            if (Terminal.TYPE_DUMB.equals(terminal.getType()) || terminal.getWidth() < 20) {
                terminal.close();
                return null;
            }
            Status status = Status.getStatus(terminal, true);
            LiveStatus live = new LiveStatus(terminal, status, System.err, System.getenv("NO_COLOR") == null);
            System.setErr(new PrintStream(live.new Above(), true, StandardCharsets.UTF_8));
            return live;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Redraws the two lines: the progress line and a bar of which parts of the file are there. */
    public synchronized void show(Progress progress, double[] fileMap, double readerAt) {
        int width = Math.max(10, terminal.getWidth() - 1);
        String first = progress.line();
        if (first.length() > width) {
            first = first.substring(0, width);
        }
        status.update(List.of(new AttributedString(first), bar(fileMap, readerAt, width)));
    }

    /**
     * One cell per slice of the file: '#' there, '+' partly there, '.' missing; the reader's
     * position is a '|'.
     */
    private AttributedString bar(double[] fileMap, double readerAt, int width) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        int cells = width - 2;
        int readerCell = readerAt < 0 ? -1 : (int) Math.min(cells - 1, readerAt * cells);
        b.append('[');
        for (int c = 0; c < cells; c++) {
            int from = (int) ((long) c * fileMap.length / cells);
            int to = Math.max(from + 1, (int) ((long) (c + 1) * fileMap.length / cells));
            double have = 0;
            for (int i = from; i < to && i < fileMap.length; i++) {
                have += fileMap[i];
            }
            have /= Math.max(1, to - from);
            char ch = c == readerCell ? '|' : have >= 0.999 ? '#' : have > 0 ? '+' : '.';
            AttributedStyle style = !color ? AttributedStyle.DEFAULT
                    : ch == '|' ? AttributedStyle.BOLD.foreground(AttributedStyle.YELLOW)
                    : ch == '#' ? AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN)
                    : AttributedStyle.DEFAULT;
            b.style(style).append(ch);
        }
        b.style(AttributedStyle.DEFAULT).append(']');
        return b.toAttributedString();
    }

    private synchronized void printAbove(String line) {
        status.suspend();
        terminal.writer().print(line);
        terminal.writer().flush();
        status.restore();
    }

    @Override
    public synchronized void close() {
        status.update(List.of());
        status.close();
        terminal.flush();
        System.setErr(originalErr);
        try {
            terminal.close();
        } catch (IOException ignored) {
            // closing the terminal at exit
        }
    }

    /** stderr while the status is shown: whole lines go above the status lines. */
    private final class Above extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                flushLine();
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(bytes[i]);
            }
        }

        @Override
        public synchronized void flush() {
            if (line.size() > 0 && line.toByteArray()[line.size() - 1] == '\n') {
                flushLine();
            }
        }

        private void flushLine() {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            printAbove(text);
        }
    }
}
