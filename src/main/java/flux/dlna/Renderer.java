package flux.dlna;

import flux.http.MediaTypes;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A DLNA/UPnP media renderer (a smart TV, a media box, gmediarender) found on the LAN, and the
 * AVTransport actions that make it play a URL: flux tells it where the stream is, and the renderer
 * reads it from flux's HTTP server, seeking with Range requests like any player.
 */
public final class Renderer {
    static final String AV_TRANSPORT = "urn:schemas-upnp-org:service:AVTransport:1";
    private static final int DESCRIPTION_MILLIS = 2000;

    private final String name;
    private final URI control;
    private final String serviceType;
    private final InetAddress local;

    private Renderer(String name, URI control, String serviceType, InetAddress local) {
        this.name = name;
        this.control = control;
        this.serviceType = serviceType;
        this.local = local;
    }

    /** The name it shows (its friendlyName). */
    public String name() {
        return name;
    }

    /** This machine's address on the renderer's network: where it can reach flux's HTTP server. */
    public InetAddress localAddress() {
        return local;
    }

    /** Reads the description at {@code location}; empty when the device has no AVTransport service. */
    static Optional<Renderer> describe(URI location, InetAddress local) throws IOException {
        HttpURLConnection http = (HttpURLConnection) location.toURL().openConnection();
        http.setConnectTimeout(DESCRIPTION_MILLIS);
        http.setReadTimeout(DESCRIPTION_MILLIS);
        http.setInstanceFollowRedirects(false); // the description comes from the host that answered, not one it names
        try (InputStream in = http.getInputStream()) {
            return fromDescription(in.readNBytes(1 << 20), location, local);
        } finally {
            http.disconnect();
        }
    }

    /**
     * The renderer a description names: the (possibly embedded) device with an AVTransport
     * service, its control URL taken relative to URLBase or the description's own URL. A control
     * URL on another host is refused, as the description's own is in {@link Ssdp#location}.
     */
    static Optional<Renderer> fromDescription(byte[] xml, URI location, InetAddress local) throws IOException {
        Document description = Xml.parse(xml);
        Element root = description.getDocumentElement();
        URI base = Xml.text(root, "URLBase").filter(s -> !s.isEmpty()).map(URI::create).orElse(location);
        NodeList services = description.getElementsByTagNameNS("*", "service");
        for (int i = 0; i < services.getLength(); i++) {
            Element service = (Element) services.item(i);
            String type = Xml.text(service, "serviceType").orElse("");
            Optional<String> controlUrl = Xml.text(service, "controlURL");
            if (!type.startsWith("urn:schemas-upnp-org:service:AVTransport:") || controlUrl.isEmpty()) {
                continue;
            }
            URI control;
            try {
                control = base.resolve(controlUrl.get());
            } catch (IllegalArgumentException e) {
                throw new IOException("bad control URL " + controlUrl.get());
            }
            if (!location.getHost().equals(control.getHost())) {
                throw new IOException("its control URL " + control + " is on another host");
            }
            Element device = (Element) service.getParentNode().getParentNode(); // device > serviceList > service
            String name = Xml.text(device, "friendlyName").filter(s -> !s.isEmpty()).orElse(location.getHost());
            return Optional.of(new Renderer(name, control, type, local));
        }
        return Optional.empty();
    }

    /** Loads {@code url} and starts it: the renderer then opens the URL itself. */
    public void play(String url, String title, String mimeType, long size) throws IOException {
        Map<String, String> load = new LinkedHashMap<>();
        load.put("InstanceID", "0");
        load.put("CurrentURI", url);
        load.put("CurrentURIMetaData", metadata(url, title, mimeType, size));
        Soap.call(control, serviceType, "SetAVTransportURI", load);
        Soap.call(control, serviceType, "Play", withInstance("Speed", "1"));
    }

    /** UPnP's transport state: PLAYING, PAUSED_PLAYBACK, TRANSITIONING, STOPPED or NO_MEDIA_PRESENT. */
    public String transportState() throws IOException {
        return Soap.call(control, serviceType, "GetTransportInfo", withInstance(null, null))
                .getOrDefault("CurrentTransportState", "");
    }

    /** The URL the renderer has loaded now (GetMediaInfo's CurrentURI); empty when none, or it does not say. */
    public String currentUri() throws IOException {
        return Soap.call(control, serviceType, "GetMediaInfo", withInstance(null, null)).getOrDefault("CurrentURI", "");
    }

    public void stop() throws IOException {
        Soap.call(control, serviceType, "Stop", withInstance(null, null));
    }

    private static Map<String, String> withInstance(String name, String value) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("InstanceID", "0");
        if (name != null) {
            args.put(name, value);
        }
        return args;
    }

    /**
     * What the renderer shows and how it may read the URL (DIDL-Lite): many TVs refuse a URL
     * without it. The protocol info says the server takes byte ranges (DLNA.ORG_OP=01).
     */
    static String metadata(String url, String title, String mimeType, long size) {
        String upnpClass = mimeType.startsWith("audio/") ? "object.item.audioItem.musicTrack"
                : mimeType.startsWith("image/") ? "object.item.imageItem" : "object.item.videoItem";
        return "<DIDL-Lite xmlns=\"urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/\" "
                + "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:upnp=\"urn:schemas-upnp-org:metadata-1-0/upnp/\">"
                + "<item id=\"flux\" parentID=\"-1\" restricted=\"1\">"
                + "<dc:title>" + Xml.escape(title) + "</dc:title>"
                + "<upnp:class>" + upnpClass + "</upnp:class>"
                + "<res protocolInfo=\"http-get:*:" + Xml.escape(mimeType) + ":" + MediaTypes.DLNA_CONTENT_FEATURES + "\" size=\""
                + size + "\">" + Xml.escape(url) + "</res></item></DIDL-Lite>";
    }

    @Override
    public String toString() {
        return name + " (" + control.getHost() + ")";
    }
}
