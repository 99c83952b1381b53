package flux.engine;

import org.bitlet.weupnp.GatewayDevice;
import org.bitlet.weupnp.GatewayDiscover;
import org.xml.sax.SAXException;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/** A UPnP Internet Gateway Device, through weupnp. */
final class UpnpRouter implements NatRouter {
    /** How long discovery waits for routers' answers (a router on the LAN answers in milliseconds). */
    private static final int DISCOVERY_MILLIS = 2000;
    /** How long one request to the router may take. */
    private static final int REQUEST_MILLIS = 2000;
    private static final String DESCRIPTION = "flux";

    private final GatewayDevice device;
    private final String client;

    private UpnpRouter(GatewayDevice device, String client) {
        this.device = device;
        this.client = client;
    }

    /** The router that answers for the bound address, else (bound to every interface) the first connected one. */
    static Optional<NatRouter> discover(InetAddress bind) throws IOException {
        GatewayDevice.setHttpReadTimeout(REQUEST_MILLIS);
        GatewayDiscover discover = new GatewayDiscover();
        discover.setTimeout(DISCOVERY_MILLIS);
        Map<InetAddress, GatewayDevice> routers;
        GatewayDevice found;
        try {
            routers = discover.discover();
            found = routers.get(bind);
            if (found == null || !found.isConnected()) {
                found = bind.isAnyLocalAddress() ? discover.getValidGateway() : null;
            }
        } catch (SAXException | javax.xml.parsers.ParserConfigurationException e) {
            throw new IOException("a router's description: " + e.getMessage(), e);
        }
        if (found == null) {
            return Optional.empty();
        }
        String client = bind.isAnyLocalAddress() ? found.getLocalAddress().getHostAddress() : bind.getHostAddress();
        return Optional.of(new UpnpRouter(found, client));
    }

    @Override
    public String protocol() {
        return "UPnP";
    }

    @Override
    public String client() {
        return client;
    }

    @Override
    public String externalAddress() {
        try {
            String address = device.getExternalIPAddress();
            return address == null || address.isEmpty() ? "the router" : address;
        } catch (IOException | SAXException e) {
            return "the router";
        }
    }

    @Override
    public int forward(RouterPortMapping.Port port) throws IOException {
        try {
            return device.addPortMapping(port.number(), port.number(), client, port.protocol(), DESCRIPTION) ? port.number() : -1;
        } catch (SAXException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void stop(RouterPortMapping.Port port) throws IOException {
        try {
            device.deletePortMapping(port.number(), port.protocol());
        } catch (SAXException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
