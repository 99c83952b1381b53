package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.PeerConnectionFactory;
import bt.net.crypto.MSEHandshakeProcessor;
import bt.protocol.Message;
import bt.protocol.crypto.MSECipher;
import bt.protocol.handler.MessageHandler;
import bt.runtime.Config;
import bt.torrent.TorrentRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Cipher;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Message Stream Encryption (the RC4 "protocol encryption" of Vuze, libtorrent and Transmission),
 * in place of bt 1.10's, which decrypts the bytes that arrive with the last handshake step twice,
 * so every encrypted connection failed (flux ran with MSE off: peers that require encryption were
 * out of reach, and a peer dialling flux encrypted had to fail once and retry in plaintext).
 *
 * <p>Incoming: a plaintext handshake is taken as it is. An encrypted one is answered with RC4 when
 * the peer offers nothing else or encryption is required; a peer that also offers plaintext (the
 * default of libtorrent and aria2) gets plaintext after the handshake, as libtorrent selects too:
 * the JDK's RC4 took 81 % of a seeder's CPU sending 1 GiB to a libtorrent leecher.
 * Outgoing: plaintext, which every client accepts and which is one round trip shorter, except to
 * the peers {@link #encryptTo marked} after they closed a plaintext handshake. With encryption
 * required, every connection is encrypted and a plaintext one refused. Bytes that arrive
 * behind the handshake are left in the buffer still encrypted, with the cipher positioned at
 * them, which is what bt's pipeline decodes.
 */
final class StreamEncryption extends MSEHandshakeProcessor {
    private static final Logger log = LoggerFactory.getLogger(StreamEncryption.class);
    /** The Diffie-Hellman prime and generator of the MSE specification. */
    static final BigInteger P = new BigInteger(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF"
                    + "9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563", 16);
    static final BigInteger G = BigInteger.TWO;
    private static final int KEY_BYTES = 96;
    private static final int MAX_PAD = 512;
    private static final byte[] VC = new byte[8];
    private static final int CRYPTO_PLAINTEXT = 0x01;
    private static final int CRYPTO_RC4 = 0x02;
    private static final byte[] PROTOCOL = "\u0013BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final TorrentRegistry torrents;
    private final boolean required;
    private final SecureRandom random = new SecureRandom();
    private final Set<InetSocketAddress> encrypted = ConcurrentHashMap.newKeySet();

    /** @param required every connection encrypted, a plaintext one refused (--require-encryption) */
    StreamEncryption(TorrentRegistry torrents, MessageHandler<Message> protocol, Config config, boolean required) {
        super(torrents, protocol, config);
        this.torrents = torrents;
        this.required = required;
    }

    /**
     * Takes the place of bt's own MSE in bt's connection factory (a private field in bt 1.10);
     * false when a later bt has no such field, and connections stay plaintext as with bt's MSE off.
     */
    boolean replaceIn(PeerConnectionFactory factory) {
        try {
            Field processor = PeerConnectionFactory.class.getDeclaredField("cryptoHandshakeProcessor");
            processor.setAccessible(true);
            processor.set(factory, this);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("bt's connection factory cannot take flux's encryption; connections stay plaintext", e);
            return false;
        }
    }

    /** The next connections to this peer are encrypted (true) or plaintext again (false). */
    void encryptTo(InetSocketAddress peer, boolean encrypt) {
        if (encrypt) {
            encrypted.add(peer);
        } else {
            encrypted.remove(peer);
        }
    }

    boolean encryptsTo(InetSocketAddress peer) {
        return required || encrypted.contains(peer);
    }

    @Override
    public Optional<MSECipher> negotiateOutgoing(Peer peer, ByteChannel channel, TorrentId torrentId, ByteBuffer in, ByteBuffer out)
            throws IOException {
        if (!encryptsTo(new InetSocketAddress(peer.getInetAddress(), peer.getPort()))) {
            return Optional.empty();
        }
        Wire wire = new Wire(channel, in);
        BigInteger secret = privateKey();
        wire.write(concat(publicKey(secret), padding()));

        wire.readAtLeast(KEY_BYTES);
        byte[] s = sharedSecret(wire.bytes(0, KEY_BYTES), secret);
        MSECipher cipher = MSECipher.forInitiator(s, torrentId);
        // VC, crypto_provide (RC4 only: this peer refused plaintext), len(PadC) = 0 and len(IA) = 0
        // (bt sends its handshake once this method returns)
        byte[] provide = new byte[VC.length + 4 + 2 + 2];
        provide[11] = CRYPTO_RC4;
        wire.write(concat(sha1("req1", s), xor(sha1("req2", torrentId.getBytes()), sha1("req3", s)),
                cipher.getEncryptionCipher().update(provide)));

        // the answer starts after the peer's padding: find it by its encrypted VC
        byte[] encryptedVc = MSECipher.forInitiator(s, torrentId).getDecryptionCipher().update(VC);
        int vcAt = wire.find(encryptedVc, KEY_BYTES, KEY_BYTES + MAX_PAD + VC.length);
        Cipher decrypt = cipher.getDecryptionCipher();
        wire.readAtLeast(vcAt + VC.length + 6);
        byte[] head = decrypt.update(wire.bytes(vcAt, VC.length + 6));
        int select = ByteBuffer.wrap(head, VC.length, 4).getInt();
        if (select != CRYPTO_RC4) {
            throw new IOException("peer selected crypto method " + select + " instead of RC4");
        }
        int padD = ((head[12] & 0xFF) << 8) | (head[13] & 0xFF);
        if (padD > MAX_PAD) {
            throw new IOException("peer's padding is " + padD + " bytes");
        }
        int payloadAt = vcAt + VC.length + 6 + padD;
        wire.readAtLeast(payloadAt);
        decrypt.update(wire.bytes(vcAt + VC.length + 6, padD));
        wire.keepFrom(payloadAt);
        log.debug("encrypted connection to {}", peer);
        return Optional.of(cipher);
    }

    @Override
    public Optional<MSECipher> negotiateIncoming(Peer peer, ByteChannel channel, ByteBuffer in, ByteBuffer out) throws IOException {
        Wire wire = new Wire(channel, in);
        wire.readAtLeast(1);
        if (wire.byteAt(0) == PROTOCOL[0]) {
            wire.readAtLeast(PROTOCOL.length);
            if (Arrays.equals(wire.bytes(0, PROTOCOL.length), PROTOCOL)) {
                if (required) {
                    throw new IOException("plaintext connection refused (--require-encryption)");
                }
                wire.keepFrom(0); // a plaintext handshake, for bt's handshake handler
                return Optional.empty();
            }
        }
        wire.readAtLeast(KEY_BYTES);
        byte[] theirKey = wire.bytes(0, KEY_BYTES);
        BigInteger secret = privateKey();
        wire.write(concat(publicKey(secret), padding()));
        byte[] s = sharedSecret(theirKey, secret);

        // the initiator's next step starts after its padding: find it by HASH('req1', S)
        int reqAt = wire.find(sha1("req1", s), KEY_BYTES, KEY_BYTES + MAX_PAD + 20);
        int skeyAt = reqAt + 20;
        wire.readAtLeast(skeyAt + 20);
        TorrentId torrent = torrentFor(wire.bytes(skeyAt, 20), sha1("req3", s));
        MSECipher cipher = MSECipher.forReceiver(s, torrent);
        Cipher decrypt = cipher.getDecryptionCipher();

        int provideAt = skeyAt + 20;
        wire.readAtLeast(provideAt + VC.length + 6);
        byte[] head = decrypt.update(wire.bytes(provideAt, VC.length + 6));
        if (!Arrays.equals(Arrays.copyOf(head, VC.length), VC)) {
            throw new IOException("wrong verification constant");
        }
        int provide = ByteBuffer.wrap(head, VC.length, 4).getInt();
        boolean plaintext = !required && (provide & CRYPTO_PLAINTEXT) != 0;
        if (!plaintext && (provide & CRYPTO_RC4) == 0) {
            throw new IOException("peer offers no RC4");
        }
        int padC = ((head[12] & 0xFF) << 8) | (head[13] & 0xFF);
        if (padC > MAX_PAD) {
            throw new IOException("peer's padding is " + padC + " bytes");
        }
        int padAt = provideAt + VC.length + 6;
        int payloadAt = padAt + padC + 2;
        wire.readAtLeast(payloadAt);
        byte[] padAndLength = decrypt.update(wire.bytes(padAt, padC + 2)); // the IA that follows is payload
        byte[] select = new byte[VC.length + 4 + 2];
        select[11] = (byte) (plaintext ? CRYPTO_PLAINTEXT : CRYPTO_RC4); // len(PadD) = 0
        // answered before the initial payload is read: libtorrent sends that payload (its
        // BitTorrent handshake) as a second write, which its Nagle holds until this step is
        // acknowledged, and with nothing sent back the acknowledgement waited for the delayed-ACK
        // timer: 40 ms of every connection a libtorrent peer dialled
        wire.write(cipher.getEncryptionCipher().update(select));
        if (plaintext) {
            // the initiator encrypted its initial payload (aria2c sends none, libtorrent its
            // BitTorrent handshake) before it knew what would be selected
            int iaLength = ((padAndLength[padC] & 0xFF) << 8) | (padAndLength[padC + 1] & 0xFF);
            if (iaLength > 0) { // (RC4 of nothing is null)
                wire.readAtLeast(payloadAt + iaLength);
                wire.put(payloadAt, decrypt.update(wire.bytes(payloadAt, iaLength)));
            }
        }
        wire.keepFrom(payloadAt);
        if (plaintext) {
            log.debug("obfuscated handshake from {}, plaintext selected", peer);
            return Optional.empty();
        }
        log.debug("encrypted connection from {}", peer);
        return Optional.of(cipher);
    }

    private TorrentId torrentFor(byte[] skeyHash, byte[] req3) throws IOException {
        for (TorrentId id : torrents.getTorrentIds()) {
            if (Arrays.equals(xor(sha1("req2", id.getBytes()), req3), skeyHash)) {
                return id;
            }
        }
        throw new IOException("encrypted connection for a torrent this engine does not have");
    }

    private BigInteger privateKey() {
        return new BigInteger(160, random);
    }

    private static byte[] publicKey(BigInteger privateKey) {
        return unsigned(G.modPow(privateKey, P));
    }

    private static byte[] sharedSecret(byte[] theirKey, BigInteger privateKey) {
        return unsigned(new BigInteger(1, theirKey).modPow(privateKey, P));
    }

    /** A number as the protocol sends it: 96 bytes, big-endian, zero-filled on the left. */
    static byte[] unsigned(BigInteger n) {
        byte[] raw = n.toByteArray();
        byte[] fixed = new byte[KEY_BYTES];
        int from = Math.max(0, raw.length - KEY_BYTES);
        System.arraycopy(raw, from, fixed, KEY_BYTES - (raw.length - from), raw.length - from);
        return fixed;
    }

    private byte[] padding() {
        byte[] pad = new byte[random.nextInt(MAX_PAD + 1)];
        random.nextBytes(pad);
        return pad;
    }

    static byte[] sha1(String label, byte[] value) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(label.getBytes(StandardCharsets.US_ASCII));
            return sha1.digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] r = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (byte) (a[i] ^ b[i]);
        }
        return r;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteBuffer all = ByteBuffer.allocate(length);
        for (byte[] p : parts) {
            all.put(p);
        }
        return all.array();
    }

    /**
     * The handshake's view of a non-blocking channel: what was read so far stays in bt's inbound
     * buffer from offset 0 (so nothing read ahead is lost), and every wait is bounded.
     */
    private static final class Wire {
        private final ByteChannel channel;
        private final ByteBuffer in;
        private final long deadline = System.nanoTime() + TIMEOUT_NANOS;

        Wire(ByteChannel channel, ByteBuffer in) {
            this.channel = channel;
            this.in = in;
            in.clear();
            // bt registers a connection (FairSelector sets TCP_NODELAY there) only after this
            // handshake, whose small steps Nagle's algorithm otherwise holds for an acknowledgement
            FairSelector.noDelay(channel);
        }

        void readAtLeast(int count) throws IOException {
            if (count > in.capacity()) {
                throw new IOException("handshake longer than the buffer");
            }
            while (in.position() < count) {
                int n = channel.read(in);
                if (n < 0) {
                    throw new EOFException("peer closed the connection during the encryption handshake");
                }
                if (n == 0) {
                    waitABit();
                }
            }
        }

        /** The offset of {@code pattern} at or after {@code from}, reading until it is there or past {@code limit}. */
        int find(byte[] pattern, int from, int limit) throws IOException {
            for (int at = from; at + pattern.length <= limit; at++) {
                readAtLeast(at + pattern.length);
                if (Arrays.equals(bytes(at, pattern.length), pattern)) {
                    return at;
                }
            }
            throw new IOException("encryption handshake not in sync");
        }

        byte byteAt(int offset) {
            return in.get(offset);
        }

        /** Overwrites the buffer's bytes from {@code offset} (read already) with {@code bytes}. */
        void put(int offset, byte[] bytes) {
            in.put(offset, bytes);
        }

        byte[] bytes(int offset, int length) {
            byte[] b = new byte[length];
            in.get(offset, b);
            return b;
        }

        /** Drops everything before {@code offset}; the rest is what bt's pipeline reads first. */
        void keepFrom(int offset) {
            int end = in.position();
            in.position(offset).limit(end);
            in.compact();
        }

        void write(byte[] bytes) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                if (channel.write(b) == 0) {
                    waitABit();
                }
            }
        }

        private void waitABit() throws SocketTimeoutException {
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("encryption handshake timed out");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
