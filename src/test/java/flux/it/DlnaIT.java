package flux.it;

import flux.lab.LibtorrentSeeder;
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
    private static final int RENDERER_PORT = 49494;
    /** What another controller casts to the renderer: the same video from another server. */
    private static final String OTHER_URL = "http://" + LAN + ":8000/video.mp4";

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
    void anotherCastToTheRendererEndsFluxWithoutStoppingIt() throws Exception {
        String out = streamTo(Media.mp4MoovAtEnd(60, 100), "LabTV", "recast");
        assertTrue(out.contains("flux: playing on LabTV"), out);
        assertTrue(out.contains("stream exit: 0"), out);
        assertTrue(out.contains("LabTV now plays something else"), out);
        String renderer = Files.readString(work.resolve("renderer.log"));
        int other = renderer.indexOf("Set uri to '" + OTHER_URL + "'");
        assertTrue(other > 0, renderer);
        assertTrue(Files.readString(work.resolve("other.log")).contains("\"GET /video.mp4 HTTP/1.1\" 200"),
                "the renderer reads the other stream");
        assertFalse(renderer.substring(other).contains("TransportState: STOPPED"), "flux left the other stream playing\n" + renderer);
        assertFalse(renderer.substring(other).contains("ERROR"), renderer);
    }

    @Test
    void aRendererNotFoundIsOneClearLine() throws Exception {
        String out = streamTo(Media.mp4MoovAtEnd(4, 200), "Kitchen", "wait");
        assertTrue(out.contains("stream exit: 4"), out);
        assertTrue(out.contains("flux: no DLNA renderer named like 'Kitchen' answered (found: LabTV)"), out);
        assertFalse(out.contains("Exception"), out);
    }

    /** The script's wait until flux says the renderer plays, and a second more of playing. */
    private static final String UNTIL_PLAYING = "for i in $(seq 1 200); do grep -q 'playing on' stream.err && break; sleep 0.1; done; sleep 1; ";

    /** Another UPnP controller: SetAVTransportURI and Play to the control URL (argv 1), of the URL (argv 2). */
    private static final String CAST = String.join("\n",
            "import sys, urllib.request",
            "def act(name, args):",
            "    body = ('<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>'",
            "            '<u:%s xmlns:u=\"urn:schemas-upnp-org:service:AVTransport:1\"><InstanceID>0</InstanceID>%s</u:%s>'",
            "            '</s:Body></s:Envelope>') % (name, args, name)",
            "    request = urllib.request.Request(sys.argv[1], body.encode(), {'Content-Type': 'text/xml; charset=\"utf-8\"',",
            "        'SOAPACTION': '\"urn:schemas-upnp-org:service:AVTransport:1#%s\"' % name})",
            "    urllib.request.urlopen(request, timeout=10).read()",
            "act('SetAVTransportURI', '<CurrentURI>%s</CurrentURI><CurrentURIMetaData></CurrentURIMetaData>' % sys.argv[2])",
            "act('Play', '<Speed>1</Speed>')");

    /**
     * Seeds the video and streams its magnet with --dlna[=name] while gmediarender runs: until the
     * stream ends ("wait"), or SIGTERM once the renderer plays ("stop"), or once it plays, another
     * controller casting {@link #OTHER_URL} to it ("recast"). The script's output, with the stream's
     * stderr; the renderer's log is in renderer.log.
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
                Tools.require("gmediarender") + " -f LabTV -I lan0 -p " + RENDERER_PORT + " -u flux-test-renderer --gstout-videopipe 'fakesink sync=true'"
                        + " --gstout-audiopipe 'fakesink sync=true' --logfile renderer.log > renderer.out 2>&1 &",
                "renderer=$!",
                seed + " > seed.out 2> seed.err &",
                "seeder=$!",
                // the other controller's server (work/video.mp4 is OTHER_URL)
                LibtorrentSeeder.PYTHON + " -m http.server 8000 --bind " + LAN + " > other.log 2>&1 &",
                "other=$!",
                "trap 'kill $renderer $seeder $other 2>/dev/null || true' EXIT",
                "set +e",
                "for i in $(seq 1 100); do grep -qs 'Ready for rendering' renderer.log && grep -q magnet: seed.out && break; sleep 0.1; done",
                "magnet=$(grep -o 'magnet:[^[:space:]]*' seed.out | head -1)",
                streamLine + " > stream.out 2> stream.err &",
                "stream=$!",
                switch (how) {
                    case "stop" -> UNTIL_PLAYING + "kill -TERM $stream";
                    case "recast" -> UNTIL_PLAYING
                            + LibtorrentSeeder.PYTHON + " -c " + Tools.shellQuote(CAST) + " http://" + LAN + ":" + RENDERER_PORT
                            + "/upnp/control/rendertransport1 " + OTHER_URL;
                    default -> "true";
                },
                "wait $stream; echo \"stream exit: $?\"",
                how.equals("recast") ? "sleep 1.5" : "true", // had flux stopped the renderer, it would show by now
                "cat stream.err");
    }
}
