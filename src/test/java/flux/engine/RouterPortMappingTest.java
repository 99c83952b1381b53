package flux.engine;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterPortMappingTest {
    @Test
    void onlyAnEngineOthersCanReachAsksTheRouter() throws Exception {
        assertTrue(RouterPortMapping.useful(InetAddress.getByName("0.0.0.0")), "every interface");
        assertTrue(RouterPortMapping.useful(InetAddress.getByName("192.168.1.20")), "the LAN's address");
        assertTrue(RouterPortMapping.useful(InetAddress.getByName("::")));
        assertFalse(RouterPortMapping.useful(InetAddress.getByName("127.0.0.5")), "loopback: tests and the demo");
        assertFalse(RouterPortMapping.useful(InetAddress.getByName("::1")));
    }
}
