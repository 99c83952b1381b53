package flux.dlna;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * UPnP's discovery (SSDP): an M-SEARCH multicast on each LAN interface, and the devices'
 * unicast answers, each naming the URL of its description.
 */
final class Ssdp {
    private static final InetSocketAddress GROUP = new InetSocketAddress("239.255.255.250", 1900);
    /** Devices answer within MX seconds, at a random moment (so that a LAN's devices do not answer at once). */
    private static final int MX = 1;
    /** The search is sent again after this long: a multicast datagram on Wi-Fi is easily lost. */
    private static final long RESEND_MILLIS = 300;

    /** A device's answer: its description's URL, and this machine's address the answer came to. */
    record Answer(URI location, InetAddress local) {
    }

    private Ssdp() {
    }

    /** This machine's IPv4 addresses on interfaces that are up and can multicast, loopback aside. */
    static List<InetAddress> lanAddresses() throws SocketException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (nif.isUp() && !nif.isLoopback() && nif.supportsMulticast()) {
                nif.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Searches for {@code target} from each address and hands each new device's answer to
     * {@code done} until it returns true (then true) or {@code millis} have passed (false).
     */
    static boolean search(String target, List<InetAddress> from, long millis, Predicate<Answer> done) throws IOException {
        byte[] request = ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: " + MX
                + "\r\nST: " + target + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        Set<URI> seen = new HashSet<>();
        try (Selector selector = Selector.open()) {
            List<DatagramChannel> channels = new ArrayList<>();
            try {
                IOException failed = null;
                for (InetAddress address : from) {
                    try {
                        channels.add(open(address, selector));
                    } catch (IOException e) {
                        failed = e;
                    }
                }
                if (sendAll(channels, request) == 0) { // not one network to search: say why
                    throw failed != null ? failed : new IOException("no network interface could send the search");
                }
                boolean resent = false;
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                for (long elapsed = 0; elapsed < millis; elapsed = (System.nanoTime() - start) / 1_000_000) {
                    if (!resent && elapsed >= RESEND_MILLIS) {
                        sendAll(channels, request);
                        resent = true;
                    }
                    selector.select(Math.max(1, (resent ? millis : Math.min(millis, RESEND_MILLIS)) - elapsed));
                    for (SelectionKey key : selector.selectedKeys()) {
                        DatagramChannel channel = (DatagramChannel) key.channel();
                        buffer.clear();
                        if (!(channel.receive(buffer) instanceof InetSocketAddress sender)) {
                            continue;
                        }
                        buffer.flip();
                        Optional<URI> location = location(StandardCharsets.ISO_8859_1.decode(buffer).toString(), sender.getAddress());
                        if (location.isPresent() && seen.add(location.get())
                                && done.test(new Answer(location.get(), (InetAddress) key.attachment()))) {
                            return true;
                        }
                    }
                    selector.selectedKeys().clear();
                }
                return false;
            } finally {
                for (DatagramChannel channel : channels) {
                    channel.close();
                }
            }
        }
    }

    private static DatagramChannel open(InetAddress address, Selector selector) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, NetworkInterface.getByInetAddress(address));
            channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 2); // UPnP's advice: the LAN, not beyond
            channel.bind(new InetSocketAddress(address, 0));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, address);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Sends the search on each channel; how many sent it. One interface that cannot (a VPN's, one
     * without a multicast route) does not stop the search on the others.
     */
    private static int sendAll(List<DatagramChannel> channels, byte[] request) {
        int sent = 0;
        for (DatagramChannel channel : channels) {
            try {
                channel.send(ByteBuffer.wrap(request), GROUP);
                sent++;
            } catch (IOException e) {
                // that interface's answer is missed; the others' are not
            }
        }
        return sent;
    }

    /**
     * The LOCATION of a search's answer ("HTTP/1.1 200 OK" and headers) from {@code sender}; empty
     * for anything else, and for a LOCATION on another host: whatever answers a search on the LAN
     * would otherwise have flux fetch a URL of its choosing.
     */
    static Optional<URI> location(String answer, InetAddress sender) {
        String[] lines = answer.split("\r?\n");
        if (!lines[0].startsWith("HTTP/1.") || !lines[0].contains(" 200")) {
            return Optional.empty();
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("location")) {
                try {
                    URI uri = new URI(line.substring(colon + 1).trim());
                    boolean fromSender = "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                            && uri.getHost().equals(sender.getHostAddress());
                    return fromSender ? Optional.of(uri) : Optional.empty();
                } catch (Exception e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
