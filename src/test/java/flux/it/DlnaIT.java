package flux.it;

import flux.lab.Media;
import flux.lab.Namespace;
import flux.lab.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `flux stream --dlna` against a real renderer, gmediarender (GStreamer, its sinks playing in real
 * time to nothing), on a LAN of its own: a network namespace whose only link is a bridge with no
 * port (10.88.0.1). flux finds the renderer by UPnP's search, serves the stream on that address and
 * has the renderer play it; the renderer reads the file from flux like any player, Range requests
 * included (the moov of this MP4 is at its end).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DlnaIT {
    private static final String LAN = "10.88.0.1";
    private static final int SEED_PORT = 45101;

    @TempDir
    Path work;

    @Test
    void theRendererPlaysTheStreamToItsEndAndFluxEndsWithIt() throws Exception {
        String out = streamTo(Media.mp4MoovAtEnd(4, 200), "LabTV", "wait");
        assertTrue(out.contains("stream exit: 0"), out);
        assertTrue(out.contains("flux: playing on LabTV"), out);
        String casting = Files.readString(work.resolve("stream.out")).lines().filter(l -> l.contains("\"event\":\"casting\""))
                .findFirst().orElseThrow(() -> new AssertionError("no casting event\n" + out));
        assertTrue(casting.contains("\"renderer\":\"LabTV\",\"url\":\"http://" + LAN + ":"), casting);
        String renderer = Files.readString(work.resolve("renderer.log"));
        assertTrue(renderer.contains("Set uri to 'http://" + LAN + ":"), renderer);
        assertTrue(renderer.contains("TransportState: PLAYING"), renderer);
        assertTrue(renderer.contains("play: End-of-stream"), "the renderer played the whole video\n" + renderer);
        List<String> playbackErrors = renderer.lines().filter(l -> l.startsWith("ERROR") && l.contains("| gstreamer]")).toList();
        assertTrue(playbackErrors.isEmpty(), playbackErrors.toString());
    }

    @Test
    void stoppingFluxStopsTheRenderer() throws Exception {
        String out = streamTo(Media.mp4MoovAtEnd(60, 100), "", "stop");
        assertTrue(out.contains("flux: playing on LabTV"), out);
        assertTrue(out.contains("stream exit: 143"), out);
        String renderer = Files.readString(work.resolve("renderer.log"));
        int playing = renderer.indexOf("TransportState: PLAYING");
        assertTrue(playing >= 0, renderer);
        assertTrue(renderer.indexOf("TransportState: STOPPED", playing) > 0, "flux told the renderer to stop\n" + renderer);
        assertFalse(renderer.contains("play: End-of-stream"), renderer);
    }

    @Test
    void aRendererNotFoundIsOneClearLine() throws Exception {
        String out = streamTo(Media.mp4MoovAtEnd(4, 200), "Kitchen", "wait");
        assertTrue(out.contains("stream exit: 4"), out);
        assertTrue(out.contains("flux: no DLNA renderer named like 'Kitchen' answered (found: LabTV)"), out);
        assertFalse(out.contains("Exception"), out);
    }

    /**
     * Seeds the video and streams its magnet with --dlna[=name] while gmediarender runs: until the
     * stream ends ("wait"), or SIGTERM once the renderer plays ("stop"). The script's output, with
     * the stream's stderr; the renderer's log is in renderer.log.
     */
    private String streamTo(Path video, String name, String how) throws Exception {
        Path file = work.resolve("video.mp4");
        Files.copy(video, file);
        String seed = Namespace.flux(List.of("seed", file.toString(), "--bind", "127.0.0.1", "--peer-port",
                Integer.toString(SEED_PORT), "--no-dht", "--state", work.resolve("state").toString()), List.of());
        List<String> stream = new ArrayList<>(List.of("stream", "MAGNET", "--peer", "127.0.0.1:" + SEED_PORT, "--no-dht",
                "--bind", "127.0.0.1", "--cache-dir", work.resolve("cache").toString(), "--port", "0", "--json"));
        stream.add(name.isEmpty() ? "--dlna" : "--dlna=" + name);
        String streamLine = Namespace.flux(stream, List.of()).replace(Tools.shellQuote("MAGNET"), "\"$magnet\"");
        return Namespace.run(work, 100,
                // no IPv6 address on the LAN: libupnp's start waits ~2 s for one that is not ready
                "ip link add lan0 type bridge && ip link set lan0 addrgenmode none",
                "ip addr add " + LAN + "/24 dev lan0 && ip link set lan0 up && ip route add 239.0.0.0/8 dev lan0",
                Tools.require("gmediarender") + " -f LabTV -I lan0 -u flux-test-renderer --gstout-videopipe 'fakesink sync=true'"
                        + " --gstout-audiopipe 'fakesink sync=true' --logfile renderer.log > renderer.out 2>&1 &",
                "renderer=$!",
                seed + " > seed.out 2> seed.err &",
                "seeder=$!",
                "trap 'kill $renderer $seeder 2>/dev/null || true' EXIT",
                "set +e",
                "for i in $(seq 1 100); do grep -qs 'Ready for rendering' renderer.log && grep -q magnet: seed.out && break; sleep 0.1; done",
                "magnet=$(grep -o 'magnet:[^[:space:]]*' seed.out | head -1)",
                streamLine + " > stream.out 2> stream.err &",
                "stream=$!",
                how.equals("stop")
                        ? "for i in $(seq 1 200); do grep -q 'playing on' stream.err && break; sleep 0.1; done; sleep 1; kill -TERM $stream"
                        : "true",
                "wait $stream; echo \"stream exit: $?\"",
                "cat stream.err");
    }
}
