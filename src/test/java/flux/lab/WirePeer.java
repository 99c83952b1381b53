package flux.lab;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A BitTorrent peer scripted message by message over plaintext TCP, for what no real client does on
 * demand: the exact order of Requests and Cancels that a libtorrent streamer only sometimes sends.
 */
public final class WirePeer implements AutoCloseable {
    private static final int UNCHOKE = 1, INTERESTED = 2, HAVE = 4, BITFIELD = 5, REQUEST = 6, PIECE = 7, CANCEL = 8;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private WirePeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    /** Connects from {@code localAddress} and exchanges handshakes for the torrent {@code infoHashHex}. */
    public static WirePeer connect(String localAddress, String host, int port, String infoHashHex) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(10_000);
        WirePeer peer = new WirePeer(socket);
        byte[] infoHash = HexFormat.of().parseHex(infoHashHex);
        peer.out.writeByte(19);
        peer.out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        peer.out.write(new byte[8]); // no extensions
        peer.out.write(infoHash);
        peer.out.write("-WP0001-wirepeer0000".getBytes(StandardCharsets.US_ASCII));
        peer.out.flush();
        byte[] reply = new byte[68];
        peer.in.readFully(reply);
        if (reply[0] != 19 || !Arrays.equals(Arrays.copyOfRange(reply, 28, 48), infoHash)) {
            socket.close();
            throw new IOException("not a handshake for " + infoHashHex);
        }
        return peer;
    }

    /** Says it is interested and waits (up to the socket's timeout) for the peer to unchoke it. */
    public void awaitUnchokeAfterInterested() throws IOException {
        send(INTERESTED, new byte[0]);
        while (readMessage() != UNCHOKE) {
            // bitfield, have, extended handshake: not needed here
        }
    }

    /** Says which of the torrent's {@code pieces} it has: none, then the one piece {@code have}. */
    public void announce(int pieces, int have) throws IOException {
        send(BITFIELD, new byte[(pieces + 7) / 8]);
        send(HAVE, ByteBuffer.allocate(4).putInt(have).array());
    }

    public void request(int piece, int offset, int length) throws IOException {
        send(REQUEST, blockRef(piece, offset, length));
    }

    public void cancel(int piece, int offset, int length) throws IOException {
        send(CANCEL, blockRef(piece, offset, length));
    }

    /**
     * The data of the next Piece message for the block, other messages skipped; null if none
     * comes within {@code timeoutMillis}.
     */
    public byte[] awaitBlock(int piece, int offset, int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            int length;
            try {
                length = in.readInt();
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (length == 0) {
                continue; // keep-alive
            }
            int id = in.readUnsignedByte();
            if (id == PIECE && in.readInt() == piece & in.readInt() == offset) {
                byte[] data = new byte[length - 9];
                in.readFully(data);
                return data;
            }
            in.skipNBytes(length - 1 - (id == PIECE ? 8 : 0));
        }
        return null;
    }

    private int readMessage() throws IOException {
        int length = in.readInt();
        if (length == 0) {
            return -1;
        }
        int id = in.readUnsignedByte();
        in.skipNBytes(length - 1);
        return id;
    }

    private void send(int id, byte[] payload) throws IOException {
        out.writeInt(payload.length + 1);
        out.writeByte(id);
        out.write(payload);
        out.flush();
    }

    private static byte[] blockRef(int piece, int offset, int length) {
        return ByteBuffer.allocate(12).putInt(piece).putInt(offset).putInt(length).array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
