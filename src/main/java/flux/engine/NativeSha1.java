package flux.engine;

import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Optional;

/**
 * SHA-1 from BoringSSL, through Conscrypt's security provider: it runs on the CPU's SHA
 * instructions, which a JVM that compiles with C1 alone (a stream's, see the launcher) never
 * reaches. ~1.4 GB/s on the benchmark's VM against ~0.34 for flux's {@link Sha1} under C1 (1 MiB
 * pieces in 16 KiB updates). Loading it costs ~80 ms once per process (Conscrypt copies its library
 * out of the jar into the temporary directory, links it and deletes the copy), so a stream loads it
 * in the background as its torrent starts ({@link Engine}); until then, and wherever it cannot load
 * (a platform Conscrypt has no library for, a temporary directory mounted noexec), pieces are
 * checked with flux's own. The provider serves these sums alone: it is not installed among the
 * JVM's, so TLS and everything else stay the JDK's.
 */
final class NativeSha1 {
    private static final Logger log = LoggerFactory.getLogger(NativeSha1.class);
    private static final Object LOADING = new Object();
    private static volatile Provider provider;
    private static boolean tried;

    private NativeSha1() {
    }

    /** Loads the library unless that was tried before; whether it is loaded. */
    static boolean load() {
        synchronized (LOADING) {
            if (!tried) {
                tried = true;
                long start = System.nanoTime();
                try {
                    Conscrypt.checkAvailability(); // why not, where it cannot load
                    Provider conscrypt = Conscrypt.newProvider();
                    MessageDigest.getInstance("SHA-1", conscrypt);
                    provider = conscrypt;
                    log.debug("native SHA-1 loaded in {} ms", (System.nanoTime() - start) / 1_000_000);
                } catch (LinkageError | RuntimeException | NoSuchAlgorithmException e) {
                    log.debug("no native SHA-1 here: pieces are checked with flux's own", e);
                }
            }
            return provider != null;
        }
    }

    /** A new native SHA-1 sum; empty until the library is loaded, or where it cannot be. */
    static Optional<InOrderHashes.Sum> newSum() {
        Provider loaded = provider;
        if (loaded == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Sha1Sums.of(MessageDigest.getInstance("SHA-1", loaded)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Conscrypt lost its SHA-1", e); // it had one when loaded
        }
    }
}
