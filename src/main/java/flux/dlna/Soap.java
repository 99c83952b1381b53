package flux.dlna;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One UPnP action: a SOAP request to a service's control URL, and the values it answered. */
final class Soap {
    private static final int CONNECT_MILLIS = 2000;
    /** Answers an action may take: a TV that loads a new URL answers only once it opened it. */
    private static final int ANSWER_MILLIS = 10_000;

    private Soap() {
    }

    /**
     * Calls {@code action} of the service and returns its out arguments by name; {@code in} in the
     * order the service declares them (devices are allowed to insist on it).
     */
    static Map<String, String> call(URI control, String serviceType, String action, Map<String, String> in) throws IOException {
        StringBuilder body = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
                .append("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" ")
                .append("s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>")
                .append("<u:").append(action).append(" xmlns:u=\"").append(serviceType).append("\">");
        in.forEach((name, value) -> body.append('<').append(name).append('>').append(Xml.escape(value))
                .append("</").append(name).append('>'));
        body.append("</u:").append(action).append("></s:Body></s:Envelope>");
        byte[] request = body.toString().getBytes(StandardCharsets.UTF_8);

        HttpURLConnection http = (HttpURLConnection) control.toURL().openConnection();
        http.setConnectTimeout(CONNECT_MILLIS);
        http.setReadTimeout(ANSWER_MILLIS);
        http.setInstanceFollowRedirects(false);
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setFixedLengthStreamingMode(request.length);
        http.setRequestProperty("Content-Type", "text/xml; charset=\"utf-8\"");
        http.setRequestProperty("SOAPACTION", "\"" + serviceType + "#" + action + "\"");
        try {
            try (OutputStream out = http.getOutputStream()) {
                out.write(request);
            }
            int status = http.getResponseCode();
            byte[] answer;
            try (InputStream stream = status >= 400 ? http.getErrorStream() : http.getInputStream()) {
                answer = stream == null ? new byte[0] : stream.readNBytes(1 << 20);
            }
            return status >= 400 ? fail(status, answer) : values(Xml.parse(answer), action);
        } finally {
            http.disconnect();
        }
    }

    private static Map<String, String> values(Document answer, String action) throws IOException {
        NodeList found = answer.getElementsByTagNameNS("*", action + "Response");
        if (found.getLength() == 0) {
            throw new IOException("the answer to " + action + " has no " + action + "Response");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Node child = found.item(0).getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                out.put(e.getLocalName(), e.getTextContent().trim());
            }
        }
        return out;
    }

    /** A SOAP fault carries UPnP's error in its detail; anything else is an HTTP error. */
    private static Map<String, String> fail(int status, byte[] answer) throws IOException {
        String code = "";
        String description = "";
        try {
            Element root = Xml.parse(answer).getDocumentElement();
            code = Xml.text(root, "errorCode").orElse("");
            description = Xml.text(root, "errorDescription").orElse("");
        } catch (IOException notXml) {
            // an error page: the status says it all
        }
        if (!code.isEmpty()) { // the device refused the action: UPnP's error code, and its words for it
            throw new IOException("error " + code + (description.isEmpty() ? "" : " (" + description + ")"));
        }
        throw new IOException("HTTP " + status);
    }
}
