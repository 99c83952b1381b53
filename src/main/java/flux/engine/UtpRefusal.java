package flux.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Optional;

/**
 * Refuses uTP (BEP 29) on the peer port's UDP side, as a TCP stack refuses a connection to a port
 * nobody listens on: every uTP SYN gets a RESET at once. bt speaks TCP only, and the clients
 * that dial uTP first wait for their uTP connect to time out before they try TCP: libtorrent (so
 * qBittorrent and Deluge) ~3.5 s once per peer, webtorrent 4 tries of 5 s. A refused dial sends
 * them to TCP right away: a libtorrent leecher had the metadata of a `flux seed` torrent 1.6 s
 * after it was given the seeder instead of 4.6 s, webtorrent-cli the whole file in 23 s instead
 * of 43 (it still makes its 4 tries, 1 + 5 + 15 s apart). Nothing is ever sent but a 20-byte
 * answer to a SYN of at least 20 bytes, so the port cannot amplify a spoofed request.
 */
final class UtpRefusal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UtpRefusal.class);
    static final int HEADER = 20;
    static final int VERSION = 1;
    static final int ST_RESET = 3;
    static final int ST_SYN = 4;

    private final DatagramChannel channel;

    /** Answers on a thread of its own until the channel is closed, which ends its wait in {@code receive}. */
    private UtpRefusal(DatagramChannel channel) {
        this.channel = channel;
        Thread thread = new Thread(this::run, "flux-utp-refusal");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Refuses uTP on this UDP address, or does nothing (empty) when the port is taken, by the
     * DHT or another program: then peers that dial uTP first only take longer to reach this one.
     */
    static Optional<UtpRefusal> on(InetSocketAddress address) {
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open();
            channel.bind(address);
            return Optional.of(new UtpRefusal(channel));
        } catch (IOException | RuntimeException e) {
            log.debug("no uTP refusal on UDP {}: {}", address, e.toString());
            closeQuietly(channel);
            return Optional.empty();
        }
    }

    int port() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("the uTP refusal's socket is closed", e);
        }
    }

    private void run() {
        ByteBuffer in = ByteBuffer.allocate(2048);
        ByteBuffer out = ByteBuffer.allocate(HEADER);
        while (channel.isOpen()) {
            try {
                in.clear();
                SocketAddress from = channel.receive(in);
                in.flip();
                if (from != null && reset(in, out, System.nanoTime() / 1000)) {
                    channel.send(out, from);
                    log.debug("refused a uTP dial from {}: TCP only here", from);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // ICMP errors surface here on some systems (the dialler went away): keep answering
                log.debug("uTP refusal: {}", e.toString());
            }
        }
    }

    /**
     * Writes into {@code out} the RESET that answers {@code packet}, if it is a uTP version 1 SYN.
     * The dialler numbers its SYN with the connection id it receives on, so the RESET carries
     * that id, and acknowledges the SYN's sequence number.
     *
     * @return whether there is an answer to send
     */
    static boolean reset(ByteBuffer packet, ByteBuffer out, long micros) {
        if (packet.remaining() < HEADER) {
            return false;
        }
        int at = packet.position();
        int typeAndVersion = packet.get(at) & 0xff;
        if (typeAndVersion != (ST_SYN << 4 | VERSION)) {
            return false;
        }
        short connectionId = packet.getShort(at + 2);
        short sequence = packet.getShort(at + 16);
        out.clear();
        out.put((byte) (ST_RESET << 4 | VERSION))
                .put((byte) 0)                  // no extension
                .putShort(connectionId)
                .putInt((int) micros)           // timestamp
                .putInt(0)                      // timestamp difference: none measured
                .putInt(0)                      // window: nothing will be received
                .putShort((short) 1)            // our sequence number
                .putShort(sequence);            // acknowledges the SYN
        out.flip();
        return true;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing the uTP refusal's socket", e);
            }
        }
    }
}
