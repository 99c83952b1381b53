package flux.engine;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * NAT-PMP (RFC 6886), which Apple's routers speak instead of UPnP, and many others (miniupnpd,
 * so OpenWrt, pfSense) besides it: a few small UDP messages to the default gateway's port 5351.
 * Java has no common client library for it; the protocol is small enough to carry here.
 */
final class NatPmpRouter implements NatRouter {
    private static final int PORT = 5351;
    /** RFC 6886's first wait for an answer, doubled at each try; 3 tries wait 1.75 s in all. */
    private static final int FIRST_WAIT_MILLIS = 250;
    private static final int TRIES = 3;
    /** Lifetime asked for: RFC 6886's recommendation; the mapping is renewed hourly (RouterPortMapping). */
    private static final int LIFETIME_SECONDS = 7200;
    /** The kernel's flag of a route through a gateway (RTF_GATEWAY). */
    private static final int ROUTE_VIA_GATEWAY = 0x2;

    private final InetAddress gateway;
    private final InetAddress bind;
    private final String client;
    private final String external;

    private NatPmpRouter(InetAddress gateway, InetAddress bind, String client, String external) {
        this.gateway = gateway;
        this.bind = bind;
        this.client = client;
        this.external = external;
    }

    /** The default gateway, if it answers NAT-PMP; empty where no gateway is known or none answers. */
    static Optional<NatRouter> discover(InetAddress bind) throws IOException {
        Optional<InetAddress> gateway = defaultGateway(Path.of("/proc/net/route"));
        if (gateway.isEmpty() || !(bind instanceof Inet4Address || bind.isAnyLocalAddress())) {
            return Optional.empty();
        }
        InetAddress from = bind.isAnyLocalAddress() ? null : bind;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(from, 0))) {
            socket.connect(gateway.get(), PORT);
            Optional<ByteBuffer> answer = ask(socket, new byte[]{0, 0}, 12);
            if (answer.isEmpty() || answer.get().getShort(2) != 0) {
                return Optional.empty();
            }
            byte[] address = new byte[4];
            answer.get().position(8);
            answer.get().get(address);
            String external = InetAddress.getByAddress(address).getHostAddress();
            return Optional.of(new NatPmpRouter(gateway.get(), from, socket.getLocalAddress().getHostAddress(),
                    external.equals("0.0.0.0") ? "the router" : external));
        }
    }

    /**
     * The default route's gateway in Linux's routing table ({@code /proc/net/route}: addresses in
     * the host's byte order, little-endian on every machine Java runs Linux on). Empty elsewhere.
     */
    static Optional<InetAddress> defaultGateway(Path routes) {
        List<String> lines;
        try {
            lines = Files.readAllLines(routes);
        } catch (IOException e) {
            return Optional.empty(); // not Linux
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[1].equals("00000000") || !f[7].equals("00000000")) {
                continue;
            }
            try {
                if ((Integer.parseInt(f[3], 16) & ROUTE_VIA_GATEWAY) == 0) {
                    continue;
                }
                int gateway = Integer.reverseBytes((int) Long.parseLong(f[2], 16));
                return Optional.of(InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(gateway).array()));
            } catch (NumberFormatException | java.net.UnknownHostException e) {
                // a line this parser does not know: look on
            }
        }
        return Optional.empty();
    }

    @Override
    public String protocol() {
        return "NAT-PMP";
    }

    @Override
    public String client() {
        return client;
    }

    @Override
    public String externalAddress() {
        return external;
    }

    @Override
    public int forward(RouterPortMapping.Port port) throws IOException {
        return map(port, port.number(), LIFETIME_SECONDS);
    }

    @Override
    public void stop(RouterPortMapping.Port port) throws IOException {
        map(port, 0, 0); // RFC 6886: a lifetime of 0 deletes the mapping
    }

    /** A mapping request; the public port the router gives, or -1 if it refused (a result code other than 0). */
    private int map(RouterPortMapping.Port port, int externalPort, int lifetime) throws IOException {
        byte opcode = (byte) (port.protocol().equals("UDP") ? 1 : 2);
        ByteBuffer request = ByteBuffer.allocate(12).put((byte) 0).put(opcode).putShort((short) 0)
                .putShort((short) port.number()).putShort((short) externalPort).putInt(lifetime);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(bind, 0))) {
            socket.connect(gateway, PORT);
            ByteBuffer answer = ask(socket, request.array(), 16)
                    .orElseThrow(() -> new IOException("the router at " + gateway.getHostAddress() + " did not answer"));
            return answer.getShort(2) == 0 ? Short.toUnsignedInt(answer.getShort(10)) : -1;
        }
    }

    /**
     * Sends the request and waits for its answer (its opcode plus 128, at least {@code size}
     * bytes), trying again after 250, 500 and 1000 ms; empty when none came.
     */
    private static Optional<ByteBuffer> ask(DatagramSocket socket, byte[] request, int size) throws IOException {
        byte[] buffer = new byte[64];
        for (int attempt = 0, wait = FIRST_WAIT_MILLIS; attempt < TRIES; attempt++, wait *= 2) {
            socket.send(new DatagramPacket(request, request.length));
            long end = System.nanoTime() + wait * 1_000_000L;
            for (long left = wait; left > 0; left = (end - System.nanoTime()) / 1_000_000) {
                socket.setSoTimeout((int) Math.max(1, left));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                } catch (java.net.PortUnreachableException e) {
                    return Optional.empty(); // nothing listens on the gateway's port 5351
                }
                if (packet.getLength() >= size && buffer[0] == 0 && buffer[1] == (byte) (0x80 | request[1])) {
                    return Optional.of(ByteBuffer.wrap(buffer, 0, packet.getLength()).slice());
                }
            }
        }
        return Optional.empty();
    }
}
