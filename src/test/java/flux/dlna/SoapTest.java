package flux.dlna;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UPnP actions against a control URL served on 127.0.0.1, answering as a renderer does. */
@Timeout(30)
class SoapTest {
    private static final String SERVICE = "urn:schemas-upnp-org:service:AVTransport:1";
    private HttpServer server;
    private final AtomicReference<String> request = new AtomicReference<>();
    private final AtomicReference<String> soapAction = new AtomicReference<>();
    private volatile int status;
    private volatile String answer;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/control", exchange -> {
            request.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            soapAction.set(exchange.getRequestHeaders().getFirst("SOAPACTION"));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI control() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/control");
    }

    @Test
    void anActionsArgumentsGoOutEscapedAndItsAnswerComesBack() throws Exception {
        status = 200;
        answer = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                + "<u:GetTransportInfoResponse xmlns:u=\"" + SERVICE + "\"><CurrentTransportState>PLAYING</CurrentTransportState>"
                + "<CurrentTransportStatus>OK</CurrentTransportStatus></u:GetTransportInfoResponse></s:Body></s:Envelope>";
        Map<String, String> in = new LinkedHashMap<>();
        in.put("InstanceID", "0");
        in.put("CurrentURIMetaData", "<DIDL-Lite>a & b</DIDL-Lite>");
        Map<String, String> out = Soap.call(control(), SERVICE, "GetTransportInfo", in);
        assertEquals(Map.of("CurrentTransportState", "PLAYING", "CurrentTransportStatus", "OK"), out);
        assertEquals("\"" + SERVICE + "#GetTransportInfo\"", soapAction.get());
        assertTrue(request.get().contains("<u:GetTransportInfo xmlns:u=\"" + SERVICE + "\"><InstanceID>0</InstanceID>"
                + "<CurrentURIMetaData>&lt;DIDL-Lite&gt;a &amp; b&lt;/DIDL-Lite&gt;</CurrentURIMetaData></u:GetTransportInfo>"),
                request.get());
    }

    @Test
    void aRefusalCarriesUpnpsErrorCode() {
        status = 500;
        answer = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>"
                + "<faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
                + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>714</errorCode>"
                + "<errorDescription>Illegal MIME-type</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>";
        IOException fault = assertThrows(IOException.class, () -> Soap.call(control(), SERVICE, "SetAVTransportURI", Map.of()));
        assertEquals("error 714 (Illegal MIME-type)", fault.getMessage());
    }

    @Test
    void anErrorPageIsAnHttpError() {
        status = 404;
        answer = "<html><body>Not Found</body></html>";
        IOException e = assertThrows(IOException.class, () -> Soap.call(control(), SERVICE, "Play", Map.of()));
        assertEquals("HTTP 404", e.getMessage());
    }
}
