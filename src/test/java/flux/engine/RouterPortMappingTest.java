package flux.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;
import org.xml.sax.helpers.XMLReaderFactory;

import java.io.StringReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /** What a rogue device on the LAN could answer discovery with, parsed as weupnp parses a router's XML. */
    @Test
    void aDescriptionCannotReadALocalFileIntoAUrl(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "not for the router");
        String description = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<root><controlURL>/ctl?&x;</controlURL></root>";
        String before = System.getProperty(RouterPortMapping.ACCESS_EXTERNAL_DTD);
        try {
            RouterPortMapping.refuseExternalEntities();
            var reader = XMLReaderFactory.createXMLReader();
            StringBuilder text = new StringBuilder();
            reader.setContentHandler(new DefaultHandler() {
                @Override
                public void characters(char[] ch, int start, int length) {
                    text.append(ch, start, length);
                }
            });
            reader.setErrorHandler(new DefaultHandler()); // the refusal as an exception only, not on stderr
            assertThrows(SAXException.class, () -> reader.parse(new InputSource(new StringReader(description))));
            assertFalse(text.toString().contains("not for the router"), text.toString());
        } finally {
            if (before == null) {
                System.clearProperty(RouterPortMapping.ACCESS_EXTERNAL_DTD);
            } else {
                System.setProperty(RouterPortMapping.ACCESS_EXTERNAL_DTD, before);
            }
        }
    }
}
