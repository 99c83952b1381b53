package flux.engine;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** flux's SHA-1 gives the JDK's digests, whatever the length and however the input is cut. */
class Sha1Test {
    private final Random random = new Random(20261203);

    @Test
    void everyLengthAroundTheBlockAndPaddingBoundaries() throws NoSuchAlgorithmException {
        Sha1 sha1 = new Sha1();
        for (int length = 0; length <= 200; length++) {
            byte[] data = bytes(length);
            sha1.update(data, 0, length);
            assertArrayEquals(jdk(data), sha1.digest(), "length " + length);
        }
    }

    @Test
    void inputCutAtRandomPlacesAndOffsets() throws NoSuchAlgorithmException {
        Sha1 sha1 = new Sha1();
        for (int run = 0; run < 50; run++) {
            byte[] data = bytes(random.nextInt(300_000));
            for (int at = 0; at < data.length; ) {
                int count = Math.min(data.length - at, random.nextInt(random.nextBoolean() ? 70 : 40_000));
                sha1.update(data, at, count);
                at += count;
            }
            assertArrayEquals(jdk(data), sha1.digest(), "run " + run + ", " + data.length + " bytes");
        }
    }

    @Test
    void aDigestStartsTheNextOneAfresh() throws NoSuchAlgorithmException {
        Sha1 sha1 = new Sha1();
        byte[] first = bytes(1000);
        byte[] second = bytes(262_144);
        sha1.update(first, 0, first.length);
        sha1.digest();
        sha1.update(second, 0, second.length);
        assertArrayEquals(jdk(second), sha1.digest());
    }

    private byte[] bytes(int length) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        return data;
    }

    static byte[] jdk(byte[] data) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-1").digest(data);
    }
}
