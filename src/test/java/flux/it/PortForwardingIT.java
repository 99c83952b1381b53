package flux.it;

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
 * `flux seed` asks a real router daemon, miniupnpd, to forward its peer port, over UPnP or, from a
 * router that does not speak UPnP, over NAT-PMP; asks again once the router forgot it (a restart,
 * an expired lease), and takes the mapping back as it stops. All of it runs in a network namespace
 * of its own, whose only traffic stays inside it: the router's LAN side is a bridge there with no
 * port (10.77.0.1, where flux listens, UPnP's discovery multicast is routed, and the default route
 * points for NAT-PMP), its WAN side another (miniupnpd reports the public address it is given).
 * miniupnpd's own client, upnpc, lists the router's UPnP mappings; its nftables rules show them
 * whichever way they were asked for.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PortForwardingIT {
    private static final String LAN = "10.77.0.1";
    private static final int PORT = 41234;
    /** The router's rule that sends the port's traffic to this machine, as `nft list ruleset` prints it. */
    private static final String FORWARD_RULE = "dport " + PORT + " dnat ip to " + LAN + ":" + PORT;
    /** upnpc with the router's description named at once: each discovery would wait 2 s for answers. */
    private static final String UPNPC = "upnpc -u http://" + LAN + ":5555/rootDesc.xml";

    @TempDir
    Path work;

    @Test
    void aSeedHasItsPortForwardedWhileItRunsAndNotAfter() throws Exception {
        String out = runInNamespace(true, List.of(),
                UPNPC + " -l 2>&1 | grep -E '^ *[0-9]+ (TCP|UDP) ' | sed 's/^ */mapped: /'",
                // the router forgets the mapping, as a restarted one does: flux's next refresh asks again
                UPNPC + " -d " + PORT + " TCP > /dev/null 2>&1",
                "for i in $(seq 1 50); do " + UPNPC + " -l 2>&1 | grep -qE '^ *[0-9]+ TCP ' && break; sleep 0.1; done",
                UPNPC + " -l 2>&1 | grep -E '^ *[0-9]+ (TCP|UDP) ' | sed 's/^ */remapped: /'");
        assertTrue(out.contains("mapped: 0 TCP " + PORT + "->" + LAN + ":" + PORT + " 'flux'"), out);
        assertTrue(out.contains("remapped: 0 TCP " + PORT + "->" + LAN + ":" + PORT + " 'flux'"),
                "a mapping the router dropped is asked for again\n" + out);
        assertTrue(out.contains("UPnP: the router forwards 11.22.33.44:" + PORT + " (TCP) to " + LAN + ":" + PORT), out);
        assertTrue(out.contains("flux exit: 0"), out);
        assertTrue(out.contains("after: none"), "the mapping is removed as flux stops\n" + out);
    }

    @Test
    void aRouterWithoutUpnpIsAskedOverNatPmp() throws Exception {
        String out = runInNamespace(false, List.of());
        assertTrue(out.contains("during: " + FORWARD_RULE), out);
        assertTrue(out.contains("NAT-PMP: the router forwards 11.22.33.44:" + PORT + " (TCP) to " + LAN + ":" + PORT), out);
        assertTrue(out.contains("flux exit: 0"), out);
        assertTrue(out.contains("after: none"), "the mapping is removed as flux stops\n" + out);
    }

    @Test
    void noUpnpLeavesTheRouterAlone() throws Exception {
        String out = runInNamespace(true, List.of("--no-upnp"));
        assertFalse(out.contains("during: "), out);
        assertFalse(out.contains("UPnP"), out);
        assertTrue(out.contains("flux exit: 0"), out);
    }

    /**
     * The namespace's script: the router (speaking UPnP, or only NAT-PMP), then a seed for a few
     * seconds, with the {@code checks} run while it seeds; what it all printed.
     */
    private String runInNamespace(boolean upnp, List<String> fluxOptions, String... checks) throws Exception {
        Path file = work.resolve("video.bin");
        Files.write(file, new byte[3 << 20]);
        Files.writeString(work.resolve("tables.nft"), """
                table inet filter {
                  chain forward { type filter hook forward priority 0; policy accept; jump miniupnpd; }
                  chain miniupnpd { }
                  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
                  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; }
                  chain prerouting_miniupnpd { }
                  chain postrouting_miniupnpd { }
                }
                """);
        // secure_mode: a machine may only map ports to itself; ext_ip: miniupnpd maps only for a
        // public address, which nothing here ever sends to
        Files.writeString(work.resolve("miniupnpd.conf"), """
                ext_ifname=wan0
                ext_ip=11.22.33.44
                listening_ip=lan0
                http_port=5555
                enable_upnp=%s
                enable_natpmp=%s
                secure_mode=yes
                system_uptime=yes
                allow 1024-65535 10.77.0.0/24 1024-65535
                deny 0-65535 0.0.0.0/0 0-65535
                """.formatted(upnp ? "yes" : "no", upnp ? "no" : "yes"));
        List<String> args = new ArrayList<>(List.of("seed", file.toString(), "--bind", LAN, "--peer-port", Integer.toString(PORT),
                "--no-dht", "--state", work.resolve("state").toString(), "--status-interval", "1"));
        args.addAll(fluxOptions);
        // the router is asked again every second, not every hour
        String flux = Namespace.flux(args, List.of("-Dflux.upnp.refreshSeconds=1"));
        String rules = Tools.require("nft") + " list ruleset | grep -o 'dport [0-9]* dnat ip to [0-9.:]*'";
        List<String> script = new ArrayList<>(List.of(
                "ip link add wan0 type bridge && ip addr add 10.99.0.2/24 dev wan0 && ip link set wan0 up",
                "ip link add lan0 type bridge && ip addr add " + LAN + "/24 dev lan0 && ip link set lan0 up",
                "ip route add 239.0.0.0/8 dev lan0",
                "ip route add default via " + LAN + " dev lan0", // NAT-PMP asks the default gateway
                Tools.require("nft") + " -f tables.nft",
                Tools.require("miniupnpd") + " -d -f miniupnpd.conf -P miniupnpd.pid > miniupnpd.log 2>&1 &",
                "router=$!",
                "trap 'kill $router 2>/dev/null || true' EXIT",
                "set +e",
                "for i in $(seq 1 50); do [ -s miniupnpd.pid ] && break; sleep 0.1; done",
                flux + " > seed.out 2> seed.err &",
                "seed=$!",
                // until flux has said what the router did, or has had six status lines (it said nothing then: UPnP and NAT-PMP take ~3 s)
                "for i in $(seq 1 100); do grep -q 'UPnP\\|NAT-PMP' seed.err && break; [ $(grep -c seeding seed.err) -ge 6 ] && break; sleep 0.1; done",
                rules + " | sed 's/^/during: /'"));
        script.addAll(List.of(checks));
        script.addAll(List.of(
                "kill -TERM $seed; wait $seed; echo \"flux exit: $?\"",
                rules + " > /dev/null && echo 'after: still mapped' || echo 'after: none'",
                "cat seed.err"));
        try {
            return Namespace.run(work, 90, script.toArray(String[]::new));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nminiupnpd's log:\n" + Files.readString(work.resolve("miniupnpd.log")), e);
        }
    }
}
