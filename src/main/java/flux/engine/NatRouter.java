package flux.engine;

import java.io.IOException;

/** The home router, as flux asks it to forward a port: over UPnP ({@link UpnpRouter}) or NAT-PMP ({@link NatPmpRouter}). */
interface NatRouter {
    /** The protocol's name, for log lines. */
    String protocol();

    /** This machine's address that the router forwards to. */
    String client();

    /** The router's public address, or "the router" when it does not say. */
    String externalAddress();

    /** Asks for the port (again: that renews it); the public port it forwards, or -1 if the router refused. */
    int forward(RouterPortMapping.Port port) throws IOException;

    /** Takes the forwarding back. */
    void stop(RouterPortMapping.Port port) throws IOException;
}
