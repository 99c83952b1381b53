package flux.dlna;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SsdpTest {
    private static final InetAddress TV = address("192.168.1.40");

    @Test
    void anAnswerNamesItsDescription() {
        String answer = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=100\r\nEXT:\r\n"
                + "location: http://192.168.1.40:49494/description.xml\r\nST: urn:schemas-upnp-org:service:AVTransport:1\r\n\r\n";
        assertEquals(Optional.of(URI.create("http://192.168.1.40:49494/description.xml")), Ssdp.location(answer, TV));
    }

    @Test
    void aDescriptionOnAnotherHostIsNotFetched() {
        String answer = "HTTP/1.1 200 OK\r\nLOCATION: http://10.0.0.1/admin\r\n\r\n";
        assertEquals(Optional.empty(), Ssdp.location(answer, TV));
        assertEquals(Optional.empty(), Ssdp.location("HTTP/1.1 200 OK\r\nLOCATION: http://tv.lan/d.xml\r\n\r\n", TV),
                "a name would be looked up: only the sender's own address is taken");
    }

    @Test
    void otherMessagesAreIgnored() {
        assertEquals(Optional.empty(), Ssdp.location("NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.1.40/d.xml\r\n\r\n", TV));
        assertEquals(Optional.empty(), Ssdp.location("HTTP/1.1 200 OK\r\nLOCATION: file:///etc/passwd\r\n\r\n", TV));
        assertEquals(Optional.empty(), Ssdp.location("HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n", TV));
        assertEquals(Optional.empty(), Ssdp.location("", TV));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
