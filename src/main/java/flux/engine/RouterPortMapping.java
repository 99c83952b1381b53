package flux.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks the router (over NAT-PMP, else UPnP) to forward flux's peer port, and the DHT's UDP
 * port, to this machine, so that peers elsewhere can connect to a flux behind a home NAT. Without
 * it flux only dials out, and two peers that are both behind NATs never meet: in a swarm of a few
 * peers that can be all of them. Transmission, qBittorrent, rqbit and webtorrent do this by
 * default too. It runs on a thread of its own, a second after the engine starts, and nothing waits
 * for it. Where no router answers or one refuses, flux works as before, and says so once. The
 * mappings are asked for again every hour ({@link #REFRESH_MILLIS}), and removed as the engine
 * stops.
 */
final class RouterPortMapping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RouterPortMapping.class);
    /**
     * How long the thread waits before it looks for the router: a stream's first second is its
     * start (bt's wiring, the first pieces, the JIT on both cores), and a router's answer brings
     * XML to parse on a cold JVM; peers that dial in can wait a second.
     */
    private static final long START_DELAY_MILLIS = 1000;
    /**
     * How often the ports are asked for again: a router that restarted has forgotten them, and
     * one that speaks IGD version 2 gives a mapping asked for without end a week at most
     * (miniupnpd: 604,800 s), where a seed runs for months. A system property for tests.
     */
    private static final long REFRESH_MILLIS = Long.getLong("flux.upnp.refreshSeconds", 3600) * 1000;
    /** How long flux waits for the router as it stops. */
    private static final int ROUTER_MILLIS = 2000;
    /** The JAXP property that governs external DTDs and external entities alike. */
    static final String ACCESS_EXTERNAL_DTD = "javax.xml.accessExternalDTD";

    /** A port to forward: the same number outside and in. */
    record Port(int number, String protocol) {
        @Override
        public String toString() {
            return number + " (" + protocol + ")";
        }
    }

    private final InetAddress bind;
    private final List<Port> wanted;
    /** Whether "no router answered" is worth a line without --verbose (a seed's, not a stream's). */
    private final boolean sayWhenNone;
    /** Guarded by this: the router, the ports it forwards now, and whether the engine stopped. */
    private NatRouter router;
    private final List<Port> mapped = new ArrayList<>();
    private boolean closed;

    private RouterPortMapping(InetAddress bind, List<Port> wanted, boolean sayWhenNone) {
        this.bind = bind;
        this.wanted = List.copyOf(wanted);
        this.sayWhenNone = sayWhenNone;
    }

    /**
     * Starts mapping {@code tcpPort} (and {@code udpPort}, unless 0: no DHT) on the router, for an engine
     * bound to {@code bind} ({@link #useful} says whether that can help). {@code sayWhenNone}: a
     * network without a router that answers is worth a line (for a long-running seed).
     */
    static RouterPortMapping start(InetAddress bind, int tcpPort, int udpPort, boolean sayWhenNone) {
        List<Port> ports = new ArrayList<>(List.of(new Port(tcpPort, "TCP")));
        if (udpPort > 0) {
            ports.add(new Port(udpPort, "UDP"));
        }
        RouterPortMapping mapping = new RouterPortMapping(bind, ports, sayWhenNone);
        Thread thread = new Thread(mapping::map, "flux-upnp");
        thread.setDaemon(true);
        thread.start();
        return mapping;
    }

    /** True when mapping can help: the engine listens on every interface or on one that is not loopback. */
    static boolean useful(InetAddress bind) {
        return !bind.isLoopbackAddress();
    }

    private void map() {
        if (!waitUnlessClosed(START_DELAY_MILLIS)) {
            return;
        }
        NatRouter found = discover();
        if (found == null) {
            if (!waitUnlessClosed(0)) {
                return; // not a missing router: the engine stopped while flux looked for one
            }
            if (sayWhenNone) {
                log.info("UPnP/NAT-PMP: no router answered (fine on a public address; behind a NAT, forward port {} to "
                        + "this machine for peers behind other NATs to connect; --no-upnp stops looking)", wanted.get(0).number());
            } else {
                log.debug("UPnP/NAT-PMP: no router answered");
            }
            return;
        }
        synchronized (this) {
            router = found;
        }
        String external = found.externalAddress();
        for (boolean first = true; ; first = false) {
            for (Port port : wanted) {
                if (!mapOne(found, port, first ? external : null)) {
                    return;
                }
            }
            if (!waitUnlessClosed(REFRESH_MILLIS)) {
                return;
            }
        }
    }

    /**
     * The gateway if it speaks NAT-PMP, else a UPnP router; null when none answers (or the engine
     * stopped meanwhile). NAT-PMP first: a router without it refuses at once (ICMP), or is given up
     * after 1.75 s, where weupnp without a router waits 2 s for each of its three search types.
     */
    private NatRouter discover() {
        refuseExternalEntities();
        for (Discovery discovery : List.<Discovery>of(NatPmpRouter::discover, UpnpRouter::discover)) {
            try {
                Optional<NatRouter> found = discovery.find(bind);
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (Exception e) { // parsing and I/O failures alike: none of them stops flux
                log.debug("router discovery failed", e);
            }
            if (!waitUnlessClosed(0)) {
                return null;
            }
        }
        return null;
    }

    private interface Discovery {
        Optional<NatRouter> find(InetAddress bind) throws Exception;
    }

    /**
     * Asks the router to forward the port; a port forwarded already is asked again, which renews
     * it. {@code external}: say what the router did (the first time), or null to keep quiet.
     * False once the engine has stopped.
     */
    private boolean mapOne(NatRouter found, Port port, String external) {
        String name = found.protocol();
        try {
            int publicPort = found.forward(port);
            if (publicPort < 0) {
                if (external != null) {
                    log.info("{}: the router refused to forward port {} (in use by another machine?)", name, port);
                }
                return true;
            }
            boolean stopped;
            synchronized (this) {
                stopped = closed;
                if (!stopped && !mapped.contains(port)) {
                    mapped.add(port);
                }
            }
            if (stopped) { // the engine stopped while the router answered
                found.stop(port);
                return false;
            }
            if (external != null) {
                log.info("{}: the router forwards {}:{} ({}) to {}:{}", name, external, publicPort, port.protocol(),
                        found.client(), port.number());
            } else {
                log.debug("{}: port {} forwarded again", name, port);
            }
        } catch (Exception e) {
            log.debug("{}: could not ask the router to forward port {}", name, port, e);
            if (external != null) {
                log.info("{}: could not ask the router to forward port {}: {}", name, port, e.toString());
            }
        }
        return true;
    }

    /** Waits this long (0: not at all), or until the engine stops; false once it has. */
    private synchronized boolean waitUnlessClosed(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        try {
            for (long left = millis; !closed && left > 0; left = (end - System.nanoTime()) / 1_000_000) {
                wait(left);
            }
        } catch (InterruptedException e) {
            return false;
        }
        return !closed;
    }

    /**
     * A router's description and answers are XML from whichever device on the LAN answers
     * discovery, and the JDK's SAX parser, which weupnp uses, reads an external entity in it (a
     * local file, say) into the text it returns: a control URL that flux would then request, with
     * the file in it. Refused for the whole JVM (flux parses no other XML), unless the user set the
     * property.
     */
    static void refuseExternalEntities() {
        if (System.getProperty(ACCESS_EXTERNAL_DTD) == null) {
            System.setProperty(ACCESS_EXTERNAL_DTD, "");
        }
    }

    /**
     * Removes the mappings made, waiting at most {@link #ROUTER_MILLIS} for the router (one that
     * went away would otherwise hold flux's exit for a TCP connect timeout); a discovery still
     * running maps nothing more.
     */
    @Override
    public void close() {
        List<Port> undo;
        NatRouter from;
        synchronized (this) {
            closed = true;
            notifyAll(); // the thread's wait between refreshes
            undo = List.copyOf(mapped);
            mapped.clear();
            from = router;
        }
        if (undo.isEmpty()) {
            return;
        }
        Thread removal = new Thread(() -> {
            for (Port port : undo) {
                try {
                    from.stop(port);
                    log.debug("{}: port {} no longer forwarded", from.protocol(), port);
                } catch (Exception e) {
                    log.debug("{}: could not remove the mapping of port {}: {}", from.protocol(), port, e.toString());
                }
            }
        }, "flux-upnp-removal");
        removal.setDaemon(true);
        removal.start();
        try {
            removal.join(ROUTER_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
