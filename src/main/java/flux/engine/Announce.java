package flux.engine;

import bt.bencoding.serializers.BEParser;
import bt.bencoding.types.BEInteger;
import bt.bencoding.types.BEList;
import bt.bencoding.types.BEMap;
import bt.bencoding.model.BEObject;
import bt.bencoding.types.BEString;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One announce to an http:// (BEP 3, over a plain socket) or udp:// (BEP 15) tracker, sent from the
 * address flux listens on. The peer scout's first announce runs before bt's tracker clients exist,
 * so it must not need them; and bt's HTTP client sends every request from the machine's default
 * address whatever the bound one, which told trackers (which mostly ignore {@code ip=}) to send
 * peers where flux does not listen and, behind a VPN bound with --bind, the other address
 * ({@link HttpTrackers}).
 */
final class Announce {
    private static final int MAX_RESPONSE = 1 << 20;
    private static final int MAX_UDP_RESPONSE = 20 + 18 * 200;
    private static final long UDP_PROTOCOL_ID = 0x41727101980L;

    /** A tracker that needs {@code left=} for a torrent whose size flux does not know yet gets this. */
    static final long LEFT_UNKNOWN = 16 * 1024;

    private Announce() {
    }

    /** Why flux announces: the event names of BEP 3 and their codes in BEP 15. */
    enum Event {
        NONE(null, 0), COMPLETED("completed", 1), STARTED("started", 2), STOPPED("stopped", 3);

        private final String name;
        private final int udpCode;

        Event(String name, int udpCode) {
            this.name = name;
            this.udpCode = udpCode;
        }
    }

    /** Bytes moved for a torrent, as trackers (a private one's ratio above all) are told. */
    record Transfer(long uploaded, long downloaded, long left) {
        static Transfer nothingYet(long left) {
            return new Transfer(0, 0, left);
        }
    }

    /** What flux tells the tracker about itself. */
    record Request(byte[] infoHash, byte[] peerId, int port, Event event, Transfer transfer,
                   InetAddress announcedAddress, int numWant) {
    }

    /** The tracker answered with an error of its own (a torrent it does not serve, a bad request): it is reachable. */
    static final class Refused extends IOException {
        Refused(String reason) {
            super("tracker error: " + reason);
        }
    }

    /** What the tracker answered: the peers it names and how long until the next announce. */
    record Reply(List<InetSocketAddress> peers, int intervalSeconds) {
        /**
         * This reply without flux's own entry: a tracker may list the very peer that asks.
         * @param announced the address flux announced ({@link #announcedAddress}), null for all interfaces
         */
        Reply without(InetAddress announced, int port) {
            return new Reply(peers.stream().filter(p -> !isItself(p, announced, port)).toList(), intervalSeconds);
        }

        private static boolean isItself(InetSocketAddress peer, InetAddress announced, int port) {
            return peer.getPort() == port && (announced == null || peer.getAddress().equals(announced));
        }
    }

    /** The address to announce for a bound one: none (null) when flux listens on all interfaces. */
    static InetAddress announcedAddress(InetAddress bound) {
        return bound.isAnyLocalAddress() ? null : bound;
    }

    /** True for the trackers this class can ask: http:// and udp:// (https: bt's client, with its TLS set-up). */
    static boolean canAsk(String trackerUrl) {
        String lower = trackerUrl.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("udp://");
    }

    /** @throws IOException when the tracker cannot be asked, does not answer or answers with an error */
    static Reply announce(String trackerUrl, Request request, int timeoutMillis) throws IOException {
        URI tracker = URI.create(trackerUrl);
        if (!canAsk(trackerUrl) || tracker.getHost() == null) {
            throw new IOException("not an http:// or udp:// tracker: " + trackerUrl);
        }
        return trackerUrl.toLowerCase(java.util.Locale.ROOT).startsWith("http://")
                ? http(tracker, request, timeoutMillis) : udp(tracker, request, timeoutMillis);
    }

    private static Reply http(URI tracker, Request request, int timeoutMillis) throws IOException {
        String path = (tracker.getRawPath() == null || tracker.getRawPath().isEmpty() ? "/" : tracker.getRawPath())
                + (tracker.getRawQuery() == null ? "?" : "?" + tracker.getRawQuery() + "&") + query(request);
        int port = tracker.getPort() < 0 ? 80 : tracker.getPort();
        try (Socket socket = new Socket()) {
            if (request.announcedAddress() != null) {
                // most trackers (opentracker among them) ignore the ip= parameter and record the
                // address the request comes from: it must be the one flux listens on
                socket.bind(new InetSocketAddress(request.announcedAddress(), 0));
            }
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(tracker.getHost(), port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + tracker.getHost() + ":" + port
                    + "\r\nUser-Agent: flux\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parse(body(socket.getInputStream()));
        }
    }

    /** BEP 15: a connect exchange for a connection id, then the announce; one try each. */
    private static Reply udp(URI tracker, Request request, int timeoutMillis) throws IOException {
        if (tracker.getPort() < 0) {
            throw new IOException("a udp:// tracker needs a port: " + tracker);
        }
        InetSocketAddress address = new InetSocketAddress(tracker.getHost(), tracker.getPort());
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.bind(new InetSocketAddress(request.announcedAddress(), 0)); // null: any address
            socket.setSoTimeout(timeoutMillis);
            int transaction = java.util.concurrent.ThreadLocalRandom.current().nextInt();
            ByteBuffer connect = ByteBuffer.allocate(16).putLong(UDP_PROTOCOL_ID).putInt(0).putInt(transaction);
            ByteBuffer connected = exchange(socket, address, connect.array(), 16, 0, transaction);
            long connectionId = connected.getLong(8);

            transaction++;
            InetAddress announced = request.announcedAddress();
            Transfer transfer = request.transfer();
            ByteBuffer announce = ByteBuffer.allocate(98).putLong(connectionId).putInt(1).putInt(transaction)
                    .put(request.infoHash()).put(request.peerId())
                    .putLong(transfer.downloaded()).putLong(transfer.left()).putLong(transfer.uploaded())
                    .putInt(request.event().udpCode)
                    .put(announced != null && announced.getAddress().length == 4 ? announced.getAddress() : new byte[4])
                    .putInt(transaction) // key
                    .putInt(request.numWant()).putShort((short) request.port());
            ByteBuffer answer = exchange(socket, address, announce.array(), 20, 1, transaction);
            List<InetSocketAddress> peers = new ArrayList<>();
            byte[] compact = Arrays.copyOfRange(answer.array(), 20, answer.limit());
            addCompact(compact, address.getAddress().getAddress().length, peers);
            return new Reply(peers, answer.getInt(8));
        }
    }

    /** Sends a request and returns the reply, checked for its action and transaction id. */
    private static ByteBuffer exchange(DatagramSocket socket, InetSocketAddress tracker, byte[] request, int minLength,
                                       int action, int transaction) throws IOException {
        socket.send(new DatagramPacket(request, request.length, tracker));
        byte[] buffer = new byte[MAX_UDP_RESPONSE];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        socket.receive(reply);
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, reply.getLength());
        if (reply.getLength() < 8 || b.getInt(4) != transaction) {
            throw new IOException("not an answer to this request");
        }
        if (b.getInt(0) == 3) {
            throw new Refused(new String(buffer, 8, reply.getLength() - 8, StandardCharsets.UTF_8));
        }
        if (b.getInt(0) != action || reply.getLength() < minLength) {
            throw new IOException("unexpected UDP tracker reply");
        }
        return b;
    }

    private static String query(Request r) {
        StringBuilder q = new StringBuilder("info_hash=").append(escape(r.infoHash()))
                .append("&peer_id=").append(escape(r.peerId()))
                .append("&port=").append(r.port())
                .append("&uploaded=").append(r.transfer().uploaded())
                .append("&downloaded=").append(r.transfer().downloaded())
                .append("&left=").append(r.transfer().left())
                .append("&compact=1&no_peer_id=1&numwant=").append(r.numWant());
        if (r.event().name != null) {
            q.append("&event=").append(r.event().name);
        }
        if (r.announcedAddress() != null) {
            q.append("&ip=").append(r.announcedAddress().getHostAddress());
        }
        return q.toString();
    }

    /** Percent-encodes raw bytes, as trackers expect info_hash and peer_id. */
    static String escape(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                s.append((char) c);
            } else {
                s.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return s.toString();
    }

    /** The body of an HTTP/1.0 200 response; any other status is an error. */
    private static byte[] body(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0 && all.size() < MAX_RESPONSE; ) {
            all.write(buffer, 0, n);
        }
        byte[] response = all.toByteArray();
        String head = new String(response, 0, Math.min(response.length, 4096), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (end < 0 || !head.matches("(?s)HTTP/1\\.[01] 200 .*")) {
            throw new IOException("unexpected tracker answer: " + head.lines().findFirst().orElse("(nothing)"));
        }
        byte[] body = Arrays.copyOfRange(response, end + 4, response.length);
        // some servers chunk even an answer to HTTP/1.0
        boolean chunked = head.substring(0, end).toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked");
        return chunked ? dechunk(body) : body;
    }

    /** The data of a chunked body: each chunk is its size in hex, CRLF, the bytes, CRLF; size 0 ends it. */
    private static byte[] dechunk(byte[] body) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOfCrlf(body, at);
            if (lineEnd < 0) {
                throw new IOException("truncated chunked tracker answer");
            }
            String sizeLine = new String(body, at, lineEnd - at, StandardCharsets.US_ASCII);
            int size;
            try {
                size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size in tracker answer: " + sizeLine);
            }
            at = lineEnd + 2;
            if (size == 0) {
                return data.toByteArray();
            }
            if (size < 0 || at + size > body.length) {
                throw new IOException("truncated chunked tracker answer");
            }
            data.write(body, at, size);
            at += size + 2;
        }
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** A tracker response; its peers as compact IPv4 / IPv6 strings or the original list of dictionaries. */
    static Reply parse(byte[] body) throws IOException {
        if (body.length == 0 || body[0] != 'd') {
            throw new IOException("not a tracker response");
        }
        Map<String, BEObject<?>> response;
        try (BEParser parser = new BEParser(body)) {
            response = parser.readMap().getValue();
        } catch (RuntimeException e) {
            throw new IOException("not a tracker response: " + e.getMessage(), e);
        }
        if (response.get("failure reason") instanceof BEString failure) {
            throw new Refused(failure.getValueAsString());
        }
        List<InetSocketAddress> peers = new ArrayList<>();
        if (response.get("peers") instanceof BEString compact) {
            addCompact(compact.getValue(), 4, peers);
        } else if (response.get("peers") instanceof BEList list) {
            for (BEObject<?> entry : list.getValue()) {
                if (entry instanceof BEMap map && map.getValue().get("ip") instanceof BEString ip
                        && map.getValue().get("port") instanceof BEInteger port) {
                    peers.add(new InetSocketAddress(ip.getValueAsString(), port.getValue().intValue()));
                }
            }
        }
        if (response.get("peers6") instanceof BEString compact6) {
            addCompact(compact6.getValue(), 16, peers);
        }
        int interval = response.get("interval") instanceof BEInteger i ? i.getValue().intValue() : 0;
        return new Reply(peers, interval);
    }

    private static void addCompact(byte[] bytes, int addressLength, List<InetSocketAddress> peers) throws IOException {
        int entry = addressLength + 2;
        for (int i = 0; i + entry <= bytes.length; i += entry) {
            byte[] address = Arrays.copyOfRange(bytes, i, i + addressLength);
            int port = ((bytes[i + addressLength] & 0xff) << 8) | (bytes[i + addressLength + 1] & 0xff);
            if (port > 0) {
                peers.add(new InetSocketAddress(InetAddress.getByAddress(address), port));
            }
        }
    }
}
