package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.dlna.Renderer;
import flux.ui.Events;
import flux.ui.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * `flux stream --dlna`: has a renderer on the LAN play the stream, and returns once it stopped,
 * as a stream opened in a player ends when the player exits. Ctrl-C stops the renderer too.
 */
final class Casting {
    private static final Logger log = LoggerFactory.getLogger(Casting.class);
    /** How often the renderer is asked what it does (UPnP's events would need a server of their own). */
    private static final long POLL_MILLIS = 500;
    /** How long a renderer may take to start (a TV buffers; the stream may still wait for peers). */
    private static final long START_MILLIS = 60_000;
    /** How long a renderer may not answer before flux gives up on it (turned off, gone from the LAN). */
    private static final long SILENCE_MILLIS = 10_000;
    private static final Set<String> STARTED = Set.of("PLAYING", "PAUSED_PLAYBACK", "TRANSITIONING");
    private static final Set<String> ENDED = Set.of("STOPPED", "NO_MEDIA_PRESENT");

    private Casting() {
    }

    static int play(Renderer renderer, String url, String title, String mimeType, long size, Events events,
                    Cleanup cleanup) throws InterruptedException {
        AtomicBoolean ended = new AtomicBoolean(); // read by Ctrl-C's cleanup thread
        cleanup.add("renderer", () -> {
            if (!ended.get()) {
                renderer.stop(); // a TV left on a stream that went away shows an error, or hangs
            }
        });
        try {
            renderer.play(url, title, mimeType, size);
        } catch (IOException e) {
            throw new FluxException(ExitCode.NETWORK, renderer.name() + " refused the stream: " + e.getMessage(),
                    "does it play " + mimeType + " files?", e);
        }
        System.err.println("flux: playing on " + renderer.name());
        System.err.flush();
        events.emit("casting", Json.object().put("renderer", renderer.name()).put("url", url));
        boolean started = false;
        long start = System.nanoTime();
        long lastAnswer = start;
        String state = "";
        while (true) {
            Thread.sleep(POLL_MILLIS);
            long now = System.nanoTime();
            try {
                state = renderer.transportState();
                lastAnswer = now;
            } catch (IOException e) {
                log.debug("DLNA: {} did not say what it does: {}", renderer.name(), e.toString());
                if (now - lastAnswer > SILENCE_MILLIS * 1_000_000) {
                    ended.set(true);
                    throw new FluxException(ExitCode.NETWORK, renderer.name() + " stopped answering",
                            "is it still on, and on this network?");
                }
                continue;
            }
            if (STARTED.contains(state)) {
                if (playsSomethingElse(renderer, url)) {
                    ended.set(true); // not flux's to stop any more
                    log.info("{} now plays something else", renderer.name());
                    return ExitCode.OK.code;
                }
                started = true;
            } else if (ENDED.contains(state) && started) {
                ended.set(true);
                log.info("{} stopped playing", renderer.name());
                return ExitCode.OK.code;
            } else if (!started && now - start > START_MILLIS * 1_000_000) {
                throw new FluxException(ExitCode.NETWORK, renderer.name() + " did not start playing (it says "
                        + (state.isEmpty() ? "nothing" : state) + ")", "does it play " + mimeType + " files?");
            }
        }
    }

    /**
     * True when another controller gave the renderer another URL (someone cast something else to
     * the TV): flux then ends without stopping it. Only flux's path is compared (/infohash/index/),
     * since a renderer may rewrite the rest; a renderer that does not say counts as still playing
     * flux's.
     */
    private static boolean playsSomethingElse(Renderer renderer, String url) {
        String path = URI.create(url).getRawPath();
        String ours = path.substring(0, path.lastIndexOf('/') + 1);
        try {
            String current = renderer.currentUri();
            return current.startsWith("http") && !current.contains(ours);
        } catch (IOException e) {
            return false;
        }
    }
}
