package flux.engine;

import org.junit.jupiter.api.Test;

import java.security.NoSuchAlgorithmException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native SHA-1 loads where Conscrypt has a library (Linux on x86-64: CI's platform), gives the
 * JDK's digests however its input is cut, and replaces flux's own under C1 once loaded.
 */
class NativeSha1Test {
    private final Random random = new Random(20261207);

    @Test
    void loadsOnLinuxX86_64AndNowhereElseClaimsTo() {
        boolean expected = System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64");
        if (expected) {
            assertTrue(NativeSha1.load(), "Conscrypt ships a library for Linux on x86-64");
            assertTrue(NativeSha1.newSum().isPresent());
            assertFalse(Sha1Sums.underC1() instanceof Sha1, "the native sum replaces flux's once loaded");
        } else if (!NativeSha1.load()) {
            assertTrue(NativeSha1.newSum().isEmpty());
            assertInstanceOf(Sha1.class, Sha1Sums.underC1(), "flux's own stands in");
        }
        assertEquals(NativeSha1.load(), NativeSha1.newSum().isPresent(), "loading twice tells the same");
    }

    @Test
    void inputCutAtRandomPlacesGivesTheJdksDigests() throws NoSuchAlgorithmException {
        if (!NativeSha1.load()) {
            assertTrue(NativeSha1.newSum().isEmpty(), "no library, no sum"); // the platform check is above
            return;
        }
        InOrderHashes.Sum sha1 = NativeSha1.newSum().orElseThrow();
        for (int run = 0; run < 50; run++) {
            byte[] data = new byte[run < 3 ? run * 64 : random.nextInt(1_100_000)];
            random.nextBytes(data);
            for (int at = 0; at < data.length; ) {
                int count = Math.min(data.length - at, random.nextInt(random.nextBoolean() ? 70 : 40_000));
                sha1.update(data, at, count);
                at += count;
            }
            assertArrayEquals(Sha1Test.jdk(data), sha1.digest(), "run " + run + ", " + data.length + " bytes");
        }
    }
}
