package flux.lab;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mpv playing a URL without a window or sound, in real time, driven through its JSON IPC socket
 * as a user drives it with the keyboard: wait until it plays, seek, read where it is. Every wait
 * is bounded; closing stops mpv.
 */
public final class Mpv implements AutoCloseable {
    private static final Pattern REQUEST_ID = Pattern.compile("\"request_id\":(\\d+)");
    private static final Pattern EVENT = Pattern.compile("\"event\":\"([a-z-]+)\"");
    private static final Pattern NUMBER_DATA = Pattern.compile("\"data\":(-?[0-9.eE+-]+)");

    private final Process process;
    private final Path log;
    private final SocketChannel socket;
    private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
    private final StringBuilder pending = new StringBuilder();
    private final List<String> events = new ArrayList<>();
    private int lastRequest;

    private Mpv(Process process, Path log, SocketChannel socket) {
        this.process = process;
        this.log = log;
        this.socket = socket;
    }

    /** Starts mpv on {@code url} (its output to {@code dir/mpv.log}) and connects to its socket. */
    public static Mpv play(Path dir, String url, long timeoutSeconds) throws IOException, InterruptedException {
        Path sock = dir.resolve("mpv-" + System.nanoTime() + ".sock");
        Path log = dir.resolve("mpv.log");
        Process p = new ProcessBuilder(Tools.require("mpv"), "--no-config", "--vo=null", "--ao=null", "--ytdl=no",
                "--keep-open=yes", "--input-ipc-server=" + sock, url)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(sock));
                channel.configureBlocking(false); // polled, so that every wait keeps its deadline
                return new Mpv(p, log, channel);
            } catch (IOException e) {
                channel.close();
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new AssertionError("mpv's IPC socket never opened: " + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }
    }

    /** Waits until the playing position passes {@code seconds}: mpv plays there and does not stall. */
    public void awaitPlayingPast(double seconds, long timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Double at = null;
        while (System.nanoTime() < deadline) {
            at = number("time-pos");
            if (at != null && at >= seconds) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("mpv did not play past " + seconds + " s in " + timeoutSeconds + " s (at " + at + "): " + log());
    }

    /** Seeks to {@code percent} of the video as precisely as mpv can, and returns once it plays there again. */
    public void seekPercent(double percent, long timeoutSeconds) throws IOException {
        events.clear();
        command(timeoutSeconds, "\"seek\"", Double.toString(percent), "\"absolute-percent+exact\"");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!events.contains("playback-restart")) {
            handle(readLine(deadline));
        }
    }

    /** A numeric property (time-pos, duration), null while mpv has none. */
    public Double number(String property) throws IOException {
        String reply = command(10, "\"get_property\"", "\"" + property + "\"");
        Matcher m = NUMBER_DATA.matcher(reply);
        return reply.contains("\"error\":\"success\"") && m.find() ? Double.valueOf(m.group(1)) : null;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    private String command(long timeoutSeconds, String... args) throws IOException {
        int id = ++lastRequest;
        String line = "{\"command\":[" + String.join(",", args) + "],\"request_id\":" + id + "}\n";
        ByteBuffer out = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            socket.write(out);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            String reply = readLine(deadline);
            Matcher m = REQUEST_ID.matcher(reply);
            if (m.find() && Integer.parseInt(m.group(1)) == id) {
                return reply;
            }
            handle(reply);
        }
    }

    private void handle(String message) {
        Matcher m = EVENT.matcher(message);
        if (m.find()) {
            events.add(m.group(1));
        }
    }

    /** One line from mpv, polling the socket until the deadline. */
    private String readLine(long deadline) throws IOException {
        while (true) {
            int newline = pending.indexOf("\n");
            if (newline >= 0) {
                String line = pending.substring(0, newline);
                pending.delete(0, newline + 1);
                return line;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("mpv did not answer in time: " + log());
            }
            in.clear();
            int n = socket.read(in);
            if (n < 0) {
                throw new AssertionError("mpv closed its IPC socket: " + log());
            }
            if (n == 0) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                continue;
            }
            pending.append(new String(in.array(), 0, n, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
