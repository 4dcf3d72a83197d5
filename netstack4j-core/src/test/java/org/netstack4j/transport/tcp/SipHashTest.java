package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SipHashTest {

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void matchesThePapersTestVector() {
        // Appendix A of the SipHash paper: key 00..0f, message 00..0e (15 bytes)
        assertThat(SipHash.hash(counting(16), counting(15))).isEqualTo(0xa129ca6149be45e5L);
    }

    @Test
    void matchesTheReferenceVectorForTheEmptyMessage() {
        // the first of the reference implementation's vectors: key 00..0f, empty message
        assertThat(SipHash.hash(counting(16), new byte[0])).isEqualTo(0x726fdb47dd0e0e31L);
    }

    @Test
    void bytesBeyondTheLengthAreIgnoredAndEveryLengthDiffers() {
        long k0 = 0x0706050403020100L;
        long k1 = 0x0f0e0d0c0b0a0908L;
        assertThat(SipHash.hash(k0, k1, 15, 0x0706050403020100L, 0xff0e0d0c0b0a0908L, -1, -1, -1))
                .isEqualTo(0xa129ca6149be45e5L);
        long previous = 0;
        for (int n = 0; n <= SipHash.MAX_LENGTH; n++) {
            long h = SipHash.hash(counting(16), counting(n));
            assertThat(h).isNotEqualTo(previous);
            previous = h;
        }
        assertThatThrownBy(() -> SipHash.hash(k0, k1, 40, 0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SipHash.hash(counting(16), new byte[40])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyKeyBitMatters() {
        long base = SipHash.hash(1, 2, 8, 42, 0, 0, 0, 0);
        for (int bit = 0; bit < 64; bit++) {
            assertThat(SipHash.hash(1 ^ (1L << bit), 2, 8, 42, 0, 0, 0, 0)).isNotEqualTo(base);
            assertThat(SipHash.hash(1, 2 ^ (1L << bit), 8, 42, 0, 0, 0, 0)).isNotEqualTo(base);
        }
    }
}
