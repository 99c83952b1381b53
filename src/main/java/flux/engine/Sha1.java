package flux.engine;

/**
 * SHA-1 for a JVM that compiles with C1 alone, as a stream's does (see the launcher), until the
 * native one is loaded or where it cannot be ({@link Sha1Sums}). The JDK's
 * SHA-1 is fast only where C2 replaces it with the CPU's SHA instructions; compiled by C1 its
 * loops over an 80-word array hash ~100 MB/s on the benchmark's VM, and checking the pieces of a
 * full-speed download was most of the data thread's work. Here the 80 rounds are written out with
 * the message schedule in 16 local variables (no array, so no bounds checks, and the five working
 * variables renamed from round to round instead of moved), which C1 compiles to about twice the
 * JDK's speed. FIPS 180-4, section 6.1.
 */
final class Sha1 implements InOrderHashes.Sum {
    static final int LENGTH = 20;
    private static final int BLOCK = 64;
    private static final int K0 = 0x5A827999;
    private static final int K1 = 0x6ED9EBA1;
    private static final int K2 = 0x8F1BBCDC;
    private static final int K3 = 0xCA62C1D6;

    private final int[] state = new int[5];
    /** The start of a block that the last update left incomplete. */
    private final byte[] pending = new byte[BLOCK];
    private int pendingLength;
    private long length;

    Sha1() {
        reset();
    }

    private void reset() {
        state[0] = 0x67452301;
        state[1] = 0xEFCDAB89;
        state[2] = 0x98BADCFE;
        state[3] = 0x10325476;
        state[4] = 0xC3D2E1F0;
        pendingLength = 0;
        length = 0;
    }

    @Override
    public void update(byte[] in, int offset, int count) {
        length += count;
        if (pendingLength > 0) {
            int taken = Math.min(BLOCK - pendingLength, count);
            System.arraycopy(in, offset, pending, pendingLength, taken);
            pendingLength += taken;
            offset += taken;
            count -= taken;
            if (pendingLength < BLOCK) {
                return;
            }
            compress(pending, 0);
            pendingLength = 0;
        }
        for (; count >= BLOCK; offset += BLOCK, count -= BLOCK) {
            compress(in, offset);
        }
        System.arraycopy(in, offset, pending, 0, count);
        pendingLength = count;
    }

    /** The digest of everything updated since the last reset; resets. */
    @Override
    public byte[] digest() {
        long bits = length * 8;
        byte[] padding = new byte[pendingLength < BLOCK - 8 ? BLOCK - pendingLength : 2 * BLOCK - pendingLength];
        padding[0] = (byte) 0x80;
        for (int i = 0; i < 8; i++) {
            padding[padding.length - 1 - i] = (byte) (bits >>> 8 * i);
        }
        update(padding, 0, padding.length);
        byte[] digest = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            digest[i] = (byte) (state[i / 4] >>> 24 - 8 * (i % 4));
        }
        reset();
        return digest;
    }

    private static int rol(int x, int n) {
        return x << n | x >>> -n;
    }

    private void compress(byte[] in, int at) {
        int a = state[0];
        int b = state[1];
        int c = state[2];
        int d = state[3];
        int e = state[4];
        int w0 = in[at] << 24 | (in[at + 1] & 0xff) << 16 | (in[at + 2] & 0xff) << 8 | in[at + 3] & 0xff;
        int w1 = in[at + 4] << 24 | (in[at + 5] & 0xff) << 16 | (in[at + 6] & 0xff) << 8 | in[at + 7] & 0xff;
        int w2 = in[at + 8] << 24 | (in[at + 9] & 0xff) << 16 | (in[at + 10] & 0xff) << 8 | in[at + 11] & 0xff;
        int w3 = in[at + 12] << 24 | (in[at + 13] & 0xff) << 16 | (in[at + 14] & 0xff) << 8 | in[at + 15] & 0xff;
        int w4 = in[at + 16] << 24 | (in[at + 17] & 0xff) << 16 | (in[at + 18] & 0xff) << 8 | in[at + 19] & 0xff;
        int w5 = in[at + 20] << 24 | (in[at + 21] & 0xff) << 16 | (in[at + 22] & 0xff) << 8 | in[at + 23] & 0xff;
        int w6 = in[at + 24] << 24 | (in[at + 25] & 0xff) << 16 | (in[at + 26] & 0xff) << 8 | in[at + 27] & 0xff;
        int w7 = in[at + 28] << 24 | (in[at + 29] & 0xff) << 16 | (in[at + 30] & 0xff) << 8 | in[at + 31] & 0xff;
        int w8 = in[at + 32] << 24 | (in[at + 33] & 0xff) << 16 | (in[at + 34] & 0xff) << 8 | in[at + 35] & 0xff;
        int w9 = in[at + 36] << 24 | (in[at + 37] & 0xff) << 16 | (in[at + 38] & 0xff) << 8 | in[at + 39] & 0xff;
        int w10 = in[at + 40] << 24 | (in[at + 41] & 0xff) << 16 | (in[at + 42] & 0xff) << 8 | in[at + 43] & 0xff;
        int w11 = in[at + 44] << 24 | (in[at + 45] & 0xff) << 16 | (in[at + 46] & 0xff) << 8 | in[at + 47] & 0xff;
        int w12 = in[at + 48] << 24 | (in[at + 49] & 0xff) << 16 | (in[at + 50] & 0xff) << 8 | in[at + 51] & 0xff;
        int w13 = in[at + 52] << 24 | (in[at + 53] & 0xff) << 16 | (in[at + 54] & 0xff) << 8 | in[at + 55] & 0xff;
        int w14 = in[at + 56] << 24 | (in[at + 57] & 0xff) << 16 | (in[at + 58] & 0xff) << 8 | in[at + 59] & 0xff;
        int w15 = in[at + 60] << 24 | (in[at + 61] & 0xff) << 16 | (in[at + 62] & 0xff) << 8 | in[at + 63] & 0xff;
        // Choose (rounds 0-19, b ? c : d) as d ^ b & (c ^ d), majority (40-59) as b & c | d & (b | c):
        // each one operation fewer than FIPS's form, which C1 compiles as written. ~9 % faster on
        // the benchmark's VM (60 MiB in 20 alternating rounds, twice: 314 -> 344, 326 -> 353 MB/s).
        e += rol(a, 5) + (d ^ b & (c ^ d)) + K0 + w0; b = rol(b, 30);
        d += rol(e, 5) + (c ^ a & (b ^ c)) + K0 + w1; a = rol(a, 30);
        c += rol(d, 5) + (b ^ e & (a ^ b)) + K0 + w2; e = rol(e, 30);
        b += rol(c, 5) + (a ^ d & (e ^ a)) + K0 + w3; d = rol(d, 30);
        a += rol(b, 5) + (e ^ c & (d ^ e)) + K0 + w4; c = rol(c, 30);
        e += rol(a, 5) + (d ^ b & (c ^ d)) + K0 + w5; b = rol(b, 30);
        d += rol(e, 5) + (c ^ a & (b ^ c)) + K0 + w6; a = rol(a, 30);
        c += rol(d, 5) + (b ^ e & (a ^ b)) + K0 + w7; e = rol(e, 30);
        b += rol(c, 5) + (a ^ d & (e ^ a)) + K0 + w8; d = rol(d, 30);
        a += rol(b, 5) + (e ^ c & (d ^ e)) + K0 + w9; c = rol(c, 30);
        e += rol(a, 5) + (d ^ b & (c ^ d)) + K0 + w10; b = rol(b, 30);
        d += rol(e, 5) + (c ^ a & (b ^ c)) + K0 + w11; a = rol(a, 30);
        c += rol(d, 5) + (b ^ e & (a ^ b)) + K0 + w12; e = rol(e, 30);
        b += rol(c, 5) + (a ^ d & (e ^ a)) + K0 + w13; d = rol(d, 30);
        a += rol(b, 5) + (e ^ c & (d ^ e)) + K0 + w14; c = rol(c, 30);
        e += rol(a, 5) + (d ^ b & (c ^ d)) + K0 + w15; b = rol(b, 30);
        d += rol(e, 5) + (c ^ a & (b ^ c)) + K0 + (w0 = rol(w13 ^ w8 ^ w2 ^ w0, 1)); a = rol(a, 30);
        c += rol(d, 5) + (b ^ e & (a ^ b)) + K0 + (w1 = rol(w14 ^ w9 ^ w3 ^ w1, 1)); e = rol(e, 30);
        b += rol(c, 5) + (a ^ d & (e ^ a)) + K0 + (w2 = rol(w15 ^ w10 ^ w4 ^ w2, 1)); d = rol(d, 30);
        a += rol(b, 5) + (e ^ c & (d ^ e)) + K0 + (w3 = rol(w0 ^ w11 ^ w5 ^ w3, 1)); c = rol(c, 30);
        // rounds 20-39: parity
        e += rol(a, 5) + (b ^ c ^ d) + K1 + (w4 = rol(w1 ^ w12 ^ w6 ^ w4, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a ^ b ^ c) + K1 + (w5 = rol(w2 ^ w13 ^ w7 ^ w5, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e ^ a ^ b) + K1 + (w6 = rol(w3 ^ w14 ^ w8 ^ w6, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d ^ e ^ a) + K1 + (w7 = rol(w4 ^ w15 ^ w9 ^ w7, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c ^ d ^ e) + K1 + (w8 = rol(w5 ^ w0 ^ w10 ^ w8, 1)); c = rol(c, 30);
        e += rol(a, 5) + (b ^ c ^ d) + K1 + (w9 = rol(w6 ^ w1 ^ w11 ^ w9, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a ^ b ^ c) + K1 + (w10 = rol(w7 ^ w2 ^ w12 ^ w10, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e ^ a ^ b) + K1 + (w11 = rol(w8 ^ w3 ^ w13 ^ w11, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d ^ e ^ a) + K1 + (w12 = rol(w9 ^ w4 ^ w14 ^ w12, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c ^ d ^ e) + K1 + (w13 = rol(w10 ^ w5 ^ w15 ^ w13, 1)); c = rol(c, 30);
        e += rol(a, 5) + (b ^ c ^ d) + K1 + (w14 = rol(w11 ^ w6 ^ w0 ^ w14, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a ^ b ^ c) + K1 + (w15 = rol(w12 ^ w7 ^ w1 ^ w15, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e ^ a ^ b) + K1 + (w0 = rol(w13 ^ w8 ^ w2 ^ w0, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d ^ e ^ a) + K1 + (w1 = rol(w14 ^ w9 ^ w3 ^ w1, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c ^ d ^ e) + K1 + (w2 = rol(w15 ^ w10 ^ w4 ^ w2, 1)); c = rol(c, 30);
        e += rol(a, 5) + (b ^ c ^ d) + K1 + (w3 = rol(w0 ^ w11 ^ w5 ^ w3, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a ^ b ^ c) + K1 + (w4 = rol(w1 ^ w12 ^ w6 ^ w4, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e ^ a ^ b) + K1 + (w5 = rol(w2 ^ w13 ^ w7 ^ w5, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d ^ e ^ a) + K1 + (w6 = rol(w3 ^ w14 ^ w8 ^ w6, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c ^ d ^ e) + K1 + (w7 = rol(w4 ^ w15 ^ w9 ^ w7, 1)); c = rol(c, 30);
        // rounds 40-59: majority
        e += rol(a, 5) + (b & c | d & (b | c)) + K2 + (w8 = rol(w5 ^ w0 ^ w10 ^ w8, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a & b | c & (a | b)) + K2 + (w9 = rol(w6 ^ w1 ^ w11 ^ w9, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e & a | b & (e | a)) + K2 + (w10 = rol(w7 ^ w2 ^ w12 ^ w10, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d & e | a & (d | e)) + K2 + (w11 = rol(w8 ^ w3 ^ w13 ^ w11, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c & d | e & (c | d)) + K2 + (w12 = rol(w9 ^ w4 ^ w14 ^ w12, 1)); c = rol(c, 30);
        e += rol(a, 5) + (b & c | d & (b | c)) + K2 + (w13 = rol(w10 ^ w5 ^ w15 ^ w13, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a & b | c & (a | b)) + K2 + (w14 = rol(w11 ^ w6 ^ w0 ^ w14, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e & a | b & (e | a)) + K2 + (w15 = rol(w12 ^ w7 ^ w1 ^ w15, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d & e | a & (d | e)) + K2 + (w0 = rol(w13 ^ w8 ^ w2 ^ w0, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c & d | e & (c | d)) + K2 + (w1 = rol(w14 ^ w9 ^ w3 ^ w1, 1)); c = rol(c, 30);
        e += rol(a, 5) + (b & c | d & (b | c)) + K2 + (w2 = rol(w15 ^ w10 ^ w4 ^ w2, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a & b | c & (a | b)) + K2 + (w3 = rol(w0 ^ w11 ^ w5 ^ w3, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e & a | b & (e | a)) + K2 + (w4 = rol(w1 ^ w12 ^ w6 ^ w4, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d & e | a & (d | e)) + K2 + (w5 = rol(w2 ^ w13 ^ w7 ^ w5, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c & d | e & (c | d)) + K2 + (w6 = rol(w3 ^ w14 ^ w8 ^ w6, 1)); c = rol(c, 30);
        e += rol(a, 5) + (b & c | d & (b | c)) + K2 + (w7 = rol(w4 ^ w15 ^ w9 ^ w7, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a & b | c & (a | b)) + K2 + (w8 = rol(w5 ^ w0 ^ w10 ^ w8, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e & a | b & (e | a)) + K2 + (w9 = rol(w6 ^ w1 ^ w11 ^ w9, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d & e | a & (d | e)) + K2 + (w10 = rol(w7 ^ w2 ^ w12 ^ w10, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c & d | e & (c | d)) + K2 + (w11 = rol(w8 ^ w3 ^ w13 ^ w11, 1)); c = rol(c, 30);
        // rounds 60-79: parity
        e += rol(a, 5) + (b ^ c ^ d) + K3 + (w12 = rol(w9 ^ w4 ^ w14 ^ w12, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a ^ b ^ c) + K3 + (w13 = rol(w10 ^ w5 ^ w15 ^ w13, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e ^ a ^ b) + K3 + (w14 = rol(w11 ^ w6 ^ w0 ^ w14, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d ^ e ^ a) + K3 + (w15 = rol(w12 ^ w7 ^ w1 ^ w15, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c ^ d ^ e) + K3 + (w0 = rol(w13 ^ w8 ^ w2 ^ w0, 1)); c = rol(c, 30);
        e += rol(a, 5) + (b ^ c ^ d) + K3 + (w1 = rol(w14 ^ w9 ^ w3 ^ w1, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a ^ b ^ c) + K3 + (w2 = rol(w15 ^ w10 ^ w4 ^ w2, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e ^ a ^ b) + K3 + (w3 = rol(w0 ^ w11 ^ w5 ^ w3, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d ^ e ^ a) + K3 + (w4 = rol(w1 ^ w12 ^ w6 ^ w4, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c ^ d ^ e) + K3 + (w5 = rol(w2 ^ w13 ^ w7 ^ w5, 1)); c = rol(c, 30);
        e += rol(a, 5) + (b ^ c ^ d) + K3 + (w6 = rol(w3 ^ w14 ^ w8 ^ w6, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a ^ b ^ c) + K3 + (w7 = rol(w4 ^ w15 ^ w9 ^ w7, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e ^ a ^ b) + K3 + (w8 = rol(w5 ^ w0 ^ w10 ^ w8, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d ^ e ^ a) + K3 + (w9 = rol(w6 ^ w1 ^ w11 ^ w9, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c ^ d ^ e) + K3 + (w10 = rol(w7 ^ w2 ^ w12 ^ w10, 1)); c = rol(c, 30);
        e += rol(a, 5) + (b ^ c ^ d) + K3 + (w11 = rol(w8 ^ w3 ^ w13 ^ w11, 1)); b = rol(b, 30);
        d += rol(e, 5) + (a ^ b ^ c) + K3 + (w12 = rol(w9 ^ w4 ^ w14 ^ w12, 1)); a = rol(a, 30);
        c += rol(d, 5) + (e ^ a ^ b) + K3 + (w13 = rol(w10 ^ w5 ^ w15 ^ w13, 1)); e = rol(e, 30);
        b += rol(c, 5) + (d ^ e ^ a) + K3 + (w14 = rol(w11 ^ w6 ^ w0 ^ w14, 1)); d = rol(d, 30);
        a += rol(b, 5) + (c ^ d ^ e) + K3 + (w15 = rol(w12 ^ w7 ^ w1 ^ w15, 1)); c = rol(c, 30);
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }
}
