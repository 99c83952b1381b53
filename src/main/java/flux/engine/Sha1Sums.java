package flux.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;

/**
 * Which SHA-1 checks a piece in this JVM. Where it compiles with C1 alone (a stream's) the JDK's
 * never reaches the CPU's SHA instructions: BoringSSL's does ({@link NativeSha1}), and flux's
 * {@link Sha1} stands in until that is loaded or where it cannot be. Where C2 runs, the JDK's
 * compiles to those instructions.
 */
final class Sha1Sums {
    /**
     * Set by the launcher where it stops compilation at C1 (a stream): the JDK's SHA-1 is as fast as
     * the native one wherever C2 runs (`create`, `seed`, or flux's jar started without the launcher).
     */
    static final String C1_ONLY_PROPERTY = "flux.c1Only";

    private Sha1Sums() {
    }

    static boolean c1Only() {
        return Boolean.getBoolean(C1_ONLY_PROPERTY);
    }

    /** New sums of the kind this JVM hashes fastest with. */
    static Supplier<InOrderHashes.Sum> forThisJvm() {
        return c1Only() ? Sha1Sums::underC1 : Sha1Sums::jdk;
    }

    /** The native sum once it is loaded, flux's until then. */
    static InOrderHashes.Sum underC1() {
        return NativeSha1.newSum().orElseGet(Sha1::new);
    }

    static InOrderHashes.Sum jdk() {
        try {
            return of(MessageDigest.getInstance("SHA-1"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-1", e);
        }
    }

    static InOrderHashes.Sum of(MessageDigest sha1) {
        return new InOrderHashes.Sum() {
            @Override
            public void update(byte[] bytes, int offset, int length) {
                sha1.update(bytes, offset, length);
            }

            @Override
            public byte[] digest() {
                return sha1.digest();
            }
        };
    }
}
