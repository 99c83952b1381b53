package flux.dlna;

import flux.http.MediaTypes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RendererTest {
    private static final URI LOCATION = URI.create("http://192.168.1.40:8060/dial/dd.xml");

    /** A TV's description as many have it: the renderer is an embedded device, its URLs relative. */
    private static String description(String urlBase, String controlUrl) {
        return "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\">" + urlBase
                + "<device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName>Living room</friendlyName>"
                + "<serviceList><service><serviceType>urn:schemas-upnp-org:service:ContentDirectory:1</serviceType>"
                + "<controlURL>/cd</controlURL></service></serviceList>"
                + "<deviceList><device><deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType>"
                + "<friendlyName>Living room TV</friendlyName><serviceList><service>"
                + "<serviceType>urn:schemas-upnp-org:service:AVTransport:2</serviceType>"
                + "<controlURL>" + controlUrl + "</controlURL></service></serviceList></device></deviceList>"
                + "</device></root>";
    }

    private static Renderer parse(String xml) throws IOException {
        return Renderer.fromDescription(xml.getBytes(StandardCharsets.UTF_8), LOCATION, InetAddress.getLoopbackAddress())
                .orElseThrow();
    }

    @Test
    void theEmbeddedRenderersNameAndControlUrl() throws Exception {
        Renderer tv = parse(description("", "upnp/control/AVTransport1"));
        assertEquals("Living room TV", tv.name());
        assertEquals("Living room TV (192.168.1.40)", tv.toString());
    }

    @Test
    void aControlUrlOnAnotherHostIsRefused() {
        IOException e = assertThrows(IOException.class, () -> parse(description("", "http://10.0.0.1/steal")));
        assertTrue(e.getMessage().contains("on another host"), e.getMessage());
        assertThrows(IOException.class, () -> parse(description("<URLBase>http://10.0.0.1/</URLBase>", "/avt")),
                "nor through URLBase");
    }

    @Test
    void aDeviceWithoutAvTransportIsNoRenderer() throws Exception {
        String server = description("", "/x").replace("AVTransport:2", "ConnectionManager:1");
        assertTrue(Renderer.fromDescription(server.getBytes(StandardCharsets.UTF_8), LOCATION, InetAddress.getLoopbackAddress()).isEmpty());
    }

    @Test
    void aDescriptionWithEntitiesIsRefused() {
        // any device on the LAN can answer a search: an external entity would read a local file into the name
        String rogue = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
                + description("", "/avt").substring("<?xml version=\"1.0\"?>".length()).replace("Living room TV", "&x;");
        assertThrows(IOException.class, () -> parse(rogue));
    }

    @Test
    void theMetadataNamesTheFileAndSaysRangesAreServed() {
        String didl = Renderer.metadata("http://192.168.1.20:8888/ab/0/Tom%20&%20Jerry.mkv", "Tom & Jerry <1>.mkv",
                "video/x-matroska", 123456789L);
        assertTrue(didl.contains("<dc:title>Tom &amp; Jerry &lt;1&gt;.mkv</dc:title>"), didl);
        assertTrue(didl.contains("<upnp:class>object.item.videoItem</upnp:class>"), didl);
        assertTrue(didl.contains("protocolInfo=\"http-get:*:video/x-matroska:" + MediaTypes.DLNA_CONTENT_FEATURES + "\""), didl);
        assertTrue(didl.contains("size=\"123456789\">http://192.168.1.20:8888/ab/0/Tom%20&amp;%20Jerry.mkv</res>"), didl);
        assertTrue(Renderer.metadata("http://h/a.flac", "a.flac", "audio/flac", 1).contains("object.item.audioItem.musicTrack"));
        assertFalse(Renderer.metadata("http://h/a.flac", "a.flac", "audio/flac", 1).contains("videoItem"));
    }
}
