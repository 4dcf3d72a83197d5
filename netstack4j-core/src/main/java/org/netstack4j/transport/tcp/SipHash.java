package org.netstack4j.transport.tcp;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012), written from the paper:
 * a 128-bit key as two little-endian 64-bit words, the message in little-endian 64-bit words with the
 * message length in the top byte of the last one, two SipRounds per word, four to finalize. Only short
 * messages (up to 39 bytes, five words) are needed here — connection tuples — so the message is passed as
 * words and nothing is allocated. Stateless, so thread-safe.
 */
final class SipHash {
    /** The longest message {@link #hash} takes, in bytes. */
    static final int MAX_LENGTH = 39;

    private SipHash() {
    }

    /**
     * SipHash-2-4 of the first {@code length} bytes (0 to 39) of the little-endian words {@code w0..w4};
     * bytes beyond {@code length} are ignored.
     */
    static long hash(long k0, long k1, int length, long w0, long w1, long w2, long w3, long w4) {
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("message length outside 0..39: " + length);
        }
        long v0 = k0 ^ 0x736f6d6570736575L; // "somepseudorandomlygeneratedbytes"
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        int fullWords = length >>> 3;
        for (int i = 0; i <= fullWords; i++) {
            long m = switch (i) {
                case 0 -> w0;
                case 1 -> w1;
                case 2 -> w2;
                case 3 -> w3;
                default -> w4;
            };
            if (i == fullWords) { // the last block: the remaining bytes, the length in the top byte
                int tail = length & 7;
                m = (tail == 0 ? 0 : m & (-1L >>> (64 - 8 * tail))) | ((long) length << 56);
            }
            v3 ^= m;
            for (int r = 0; r < 2; r++) { // c = 2 SipRounds
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) { // d = 4 SipRounds
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /** {@code count} (up to 8) bytes from {@code offset} as a little-endian word (the paper's byte order). */
    static long littleEndian(byte[] bytes, int offset, int count) {
        long w = 0;
        for (int i = count - 1; i >= 0; i--) {
            w = (w << 8) | (bytes[offset + i] & 0xff);
        }
        return w;
    }

    /** SipHash-2-4 of up to 39 bytes with a 16-byte key (for tests: it allocates its word array). */
    static long hash(byte[] key, byte[] message) {
        if (key.length != 16) {
            throw new IllegalArgumentException("key must be 16 bytes");
        }
        int n = message.length;
        if (n > MAX_LENGTH) {
            throw new IllegalArgumentException("message longer than 39 bytes: " + n);
        }
        long[] w = new long[5];
        for (int i = 0; i < 5; i++) {
            int from = 8 * i;
            w[i] = from >= n ? 0 : littleEndian(message, from, Math.min(8, n - from));
        }
        return hash(littleEndian(key, 0, 8), littleEndian(key, 8, 8), n, w[0], w[1], w[2], w[3], w[4]);
    }
}
