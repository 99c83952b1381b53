package flux.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NatPmpRouterTest {
    private static final String HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

    @Test
    void theDefaultRoutesGatewayFromLinuxsTable(@TempDir Path dir) throws Exception {
        Path routes = Files.writeString(dir.resolve("route"), HEADER
                + "wlan0\t0001A8C0\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n"
                + "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n");
        assertEquals(Optional.of(InetAddress.getByName("192.168.1.1")), NatPmpRouter.defaultGateway(routes));
    }

    @Test
    void noGatewayWithoutADefaultRouteThroughOne(@TempDir Path dir) throws Exception {
        Path routes = Files.writeString(dir.resolve("route"), HEADER
                + "eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
                + "tun0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n"); // a default route on a link: no gateway
        assertEquals(Optional.empty(), NatPmpRouter.defaultGateway(routes));
        assertEquals(Optional.empty(), NatPmpRouter.defaultGateway(dir.resolve("not-linux")));
    }
}
