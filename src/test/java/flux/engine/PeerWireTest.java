package flux.engine;

import bt.net.InetPeer;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.net.SocketPeerConnection;
import bt.net.buffer.BorrowedBuffer;
import bt.net.buffer.BufferManager;
import bt.net.pipeline.BufferedPieceRegistry;
import bt.net.pipeline.ChannelHandler;
import bt.net.pipeline.ChannelPipeline;
import bt.net.pipeline.ChannelPipelineFactory;
import bt.net.pipeline.SocketChannelHandler;
import bt.protocol.Message;
import bt.protocol.Request;
import bt.protocol.StandardBittorrentProtocol;
import bt.runtime.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Messages for a peer leave in one write through bt's own connection, encoded as bt encodes them. */
@Timeout(20)
class PeerWireTest {
    @Test
    void aBatchOfMessagesLeavesInOneWriteOnBtsConnection() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peerSide = server.accept()) {
            CountingChannel counted = new CountingChannel(client);
            PeerConnection connection = btConnection(counted, InetPeer.build(loopback, client.socket().getPort()));
            List<Message> requests = new ArrayList<>();
            ByteBuffer expected = ByteBuffer.allocate(64 * 17);
            for (int block = 0; block < 64; block++) {
                requests.add(new Request(7, block * 16384, 16384));
                expected.putInt(13).put((byte) 6).putInt(7).putInt(block * 16384).putInt(16384);
            }

            PeerWire.OneWrite.send(connection, requests);

            assertEquals(1, counted.writes, "64 requests, one write to the socket (bt writes each on its own)");
            ByteBuffer received = ByteBuffer.allocate(expected.capacity());
            while (received.hasRemaining() && peerSide.read(received) >= 0) {
                // reads until all of it is in (a blocking channel)
            }
            assertArrayEquals(expected.array(), received.array(), "the requests, in order, as bt encodes them");

            PeerWire.OneWrite.send(connection, List.of(new Request(8, 0, 16384)));
            assertEquals(2, counted.writes, "a lone message goes as bt sends it");
        }
    }

    /** bt's connection over the channel, built as bt builds it (its constructor is package-private). */
    private static PeerConnection btConnection(SocketChannel channel, Peer peer) throws ReflectiveOperationException {
        BufferManager buffers = new BufferManager(new Config());
        BorrowedBuffer<ByteBuffer> in = buffers.borrowByteBuffer();
        BorrowedBuffer<ByteBuffer> out = buffers.borrowByteBuffer();
        ChannelPipeline pipeline = new ChannelPipelineFactory(buffers, new BufferedPieceRegistry()).buildPipeline(peer)
                .channel(channel).protocol(new StandardBittorrentProtocol(Map.of()))
                .inboundBuffer(in).outboundBuffer(out).build();
        SocketChannelHandler handler = new SocketChannelHandler(channel, in, out, pipeline::bindHandler, new IdleReceiver());
        Constructor<SocketPeerConnection> make =
                SocketPeerConnection.class.getDeclaredConstructor(Peer.class, int.class, ChannelHandler.class);
        make.setAccessible(true);
        return make.newInstance(peer, peer.getPort(), handler);
    }

    /** A socket channel that counts the writes made to it. */
    private static final class CountingChannel extends SocketChannel {
        private final SocketChannel socket;
        int writes;

        CountingChannel(SocketChannel socket) {
            super(socket.provider());
            this.socket = socket;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            writes++;
            return socket.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            writes++;
            return socket.write(srcs, offset, length);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return socket.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return socket.read(dsts, offset, length);
        }

        @Override
        public SocketChannel bind(SocketAddress local) throws IOException {
            socket.bind(local);
            return this;
        }

        @Override
        public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
            socket.setOption(name, value);
            return this;
        }

        @Override
        public <T> T getOption(SocketOption<T> name) throws IOException {
            return socket.getOption(name);
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return socket.supportedOptions();
        }

        @Override
        public SocketChannel shutdownInput() throws IOException {
            socket.shutdownInput();
            return this;
        }

        @Override
        public SocketChannel shutdownOutput() throws IOException {
            socket.shutdownOutput();
            return this;
        }

        @Override
        public Socket socket() {
            return socket.socket();
        }

        @Override
        public boolean isConnected() {
            return socket.isConnected();
        }

        @Override
        public boolean isConnectionPending() {
            return socket.isConnectionPending();
        }

        @Override
        public boolean connect(SocketAddress remote) throws IOException {
            return socket.connect(remote);
        }

        @Override
        public boolean finishConnect() throws IOException {
            return socket.finishConnect();
        }

        @Override
        public SocketAddress getRemoteAddress() throws IOException {
            return socket.getRemoteAddress();
        }

        @Override
        public SocketAddress getLocalAddress() throws IOException {
            return socket.getLocalAddress();
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            socket.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            socket.configureBlocking(block);
        }
    }
}
