package flux.lab;

import flux.ui.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium, driven as a page's script drives a {@code <video>}: over the DevTools
 * protocol (a WebSocket), one script at a time, each awaited with a deadline. Closing stops the
 * browser. Its profile lives in a directory of its own. It runs without its sandbox, which
 * refuses root and needs user namespaces that containers often lack: it only opens flux's URL.
 */
public final class Browser implements AutoCloseable {
    private static final Pattern PAGE_SOCKET = Pattern.compile(
            "\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"|\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"[^}]*?\"type\"\\s*:\\s*\"page\"");
    private final Process process;
    private final Path log;
    private final WebSocket socket;
    private final Replies replies;
    private int lastId;

    private Browser(Process process, Path log, WebSocket socket, Replies replies) {
        this.process = process;
        this.log = log;
        this.socket = socket;
        this.replies = replies;
    }

    /** Starts Chromium on a blank page (its output to {@code dir/chromium.log}) and connects to that page. */
    public static Browser start(Path dir, long timeoutSeconds) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(dir.resolve("chromium-profile-" + System.nanoTime()));
        Path log = dir.resolve("chromium.log");
        List<String> cmd = new ArrayList<>(List.of(Tools.require("chromium"), "--headless=new", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
                "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                // loopback only: none of its own traffic (updates, sync, metrics), and anything else
                // it would fetch goes to a proxy that is not there (loopback is never proxied)
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-domain-reliability", "--no-pings", "--disable-breakpad", "--proxy-server=socks5://127.0.0.1:9",
                "--disable-dev-shm-usage", // a container's /dev/shm is often too small for it
                "--no-sandbox"));
        cmd.add("about:blank");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        boolean connected = false;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            // the port it chose, once it listens: the first line of DevToolsActivePort
            Path active = profile.resolve("DevToolsActivePort");
            while (!(Files.exists(active) && Files.readString(active).contains("\n"))) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("Chromium did not open its DevTools port: " + Files.readString(log));
                }
                Thread.sleep(50);
            }
            int port = Integer.parseInt(Files.readString(active).lines().findFirst().orElseThrow().trim());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = PAGE_SOCKET.matcher(targets);
            if (!m.find()) {
                throw new AssertionError("Chromium has no page to drive: " + targets);
            }
            Replies replies = new Replies();
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(m.group(1) != null ? m.group(1) : m.group(2)), replies)
                    .get(timeoutSeconds, TimeUnit.SECONDS);
            connected = true;
            return new Browser(p, log, socket, replies);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not connect to Chromium's page: " + Files.readString(log), e);
        } finally {
            if (!connected) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /**
     * Runs {@code script} (an expression; a promise is awaited) in the page and returns its value
     * as the JSON the protocol carries, e.g. {@code "value":"..."}; fails on an exception in the
     * page or after the timeout.
     */
    public String evaluate(String script, long timeoutSeconds) throws IOException, InterruptedException {
        int id = ++lastId;
        String message = Json.object().put("id", id).put("method", "Runtime.evaluate").put("params",
                Json.object().put("expression", script).put("awaitPromise", true).put("returnByValue", true)).toString();
        CompletableFuture<String> reply = replies.expect(id);
        socket.sendText(message, true).join();
        String answer;
        try {
            answer = reply.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the page's script did not finish in " + timeoutSeconds + " s: " + Files.readString(log));
        } catch (ExecutionException e) {
            throw new IOException("the DevTools connection failed", e.getCause());
        }
        if (answer.contains("\"exceptionDetails\"")) {
            throw new AssertionError("the page's script failed: " + answer);
        }
        return answer;
    }

    @Override
    public void close() {
        socket.abort();
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The protocol's replies by id; events (no id) are dropped. */
    private static final class Replies implements WebSocket.Listener {
        private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+)");
        private final Map<Integer, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();

        CompletableFuture<String> expect(int id) {
            return waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                Matcher m = ID.matcher(message);
                if (m.find()) {
                    expect(Integer.parseInt(m.group(1))).complete(message);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            waiting.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
