package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 1071 as written: 16-bit words one byte pair at a time, end-around carry folded in a loop. */
    static int referencePartial(byte[] b, int offset, int length, int initial) {
        long sum = initial & 0xffffffffL;
        for (int i = 0; i < length; i++) {
            int v = b[offset + i] & 0xff;
            sum += (i & 1) == 0 ? v << 8 : v;
        }
        return referenceFold(sum);
    }

    static int referenceFold(long sum) {
        // Unsigned long modulo 0xffff with the one's-complement rule that only zero stays zero.
        if (sum == 0) {
            return 0;
        }
        long r = Long.remainderUnsigned(sum, 0xffff);
        return r == 0 ? 0xffff : (int) r;
    }

    @Test
    void rfc1071Example() {
        byte[] b = HEX.parseHex("0001f203f4f5f6f7");
        assertThat(Checksum.partial(b, 0, b.length, 0)).isEqualTo(0xddf2);
        assertThat(Checksum.compute(b, 0, b.length)).isEqualTo(0x220d);
    }

    @Test
    void realIpv4HeaderFromLinux() {
        // An IPv4 header a Linux kernel sent (UDP, 192.0.2.1 -> 192.0.2.2); its checksum is 0xec2c.
        byte[] header = HEX.parseHex("4500002dca8f40004011ec2cc0000201c0000202");
        assertThat(Checksum.verify(header, 0, header.length, 0)).isTrue();
        assertThat(Checksum.compute(header, 0, header.length)).isZero();
        header[10] = 0;
        header[11] = 0;
        assertThat(Checksum.compute(header, 0, header.length)).isEqualTo(0xec2c);
        header[15] ^= 1;
        assertThat(Checksum.compute(header, 0, header.length)).isNotEqualTo(0xec2c);
    }

    @Test
    void classicIpv4HeaderExample() {
        // The widely reproduced example header 192.168.0.1 -> 192.168.0.199 with checksum 0xb861.
        byte[] header = HEX.parseHex("450000730000400040110000c0a80001c0a800c7");
        assertThat(Checksum.compute(header, 0, header.length)).isEqualTo(0xb861);
    }

    @Test
    void allZeroSumsToZeroAndChecksumIsAllOnes() {
        for (int len = 0; len <= 70; len++) {
            byte[] b = new byte[len];
            assertThat(Checksum.partial(b, 0, len, 0)).as("len %d", len).isZero();
            assertThat(Checksum.compute(b, 0, len)).as("len %d", len).isEqualTo(0xffff);
        }
    }

    @Test
    void allOnesSumsToNegativeZero() {
        for (int len = 2; len <= 70; len += 2) {
            byte[] b = new byte[len];
            java.util.Arrays.fill(b, (byte) 0xff);
            assertThat(Checksum.partial(b, 0, len, 0)).as("len %d", len).isEqualTo(0xffff);
            assertThat(Checksum.compute(b, 0, len)).as("len %d", len).isZero();
            // An odd length pads the last 0xff with a zero: 0xffff * k + 0xff00 folds to 0xff00.
            assertThat(Checksum.partial(java.util.Arrays.copyOf(b, len + 1), 0, len + 1, 0)).isEqualTo(0xffff);
            byte[] odd = new byte[len + 1];
            java.util.Arrays.fill(odd, (byte) 0xff);
            assertThat(Checksum.partial(odd, 0, len + 1, 0)).as("odd len %d", len + 1).isEqualTo(0xff00);
        }
    }

    @Test
    void everyLengthUpTo70AtEveryAlignmentMatchesReference() {
        Random random = new Random(1071);
        byte[] b = new byte[100];
        random.nextBytes(b);
        for (int offset = 0; offset < 9; offset++) {
            for (int len = 0; len <= 70; len++) {
                assertThat(Checksum.partial(b, offset, len, 0))
                        .as("offset %d len %d", offset, len)
                        .isEqualTo(referencePartial(b, offset, len, 0));
            }
        }
    }

    @Test
    void largeBuffersMatchReference() {
        Random random = new Random(65535);
        for (int len : new int[] {1500, 9000, 65535, 65536, 1 << 20, (1 << 20) + 7}) {
            byte[] b = new byte[len + 3];
            random.nextBytes(b);
            assertThat(Checksum.partial(b, 3, len, 0)).as("len %d", len).isEqualTo(referencePartial(b, 3, len, 0));
            java.util.Arrays.fill(b, (byte) 0xff);
            assertThat(Checksum.partial(b, 3, len, 0)).as("ones len %d", len).isEqualTo(referencePartial(b, 3, len, 0));
        }
    }

    @Test
    void randomizedDifferentialAgainstByteWiseReference() {
        Random random = new Random(0x1071_1624L);
        byte[] b = new byte[65535 + 64];
        for (int round = 0; round < 4000; round++) {
            if (round % 100 == 0) {
                random.nextBytes(b);
                if (round % 300 == 0) {
                    // Runs of 0xff and 0x00 exercise carries and the two zeros.
                    int start = random.nextInt(b.length / 2);
                    java.util.Arrays.fill(b, start, start + random.nextInt(b.length / 2), (byte) (round % 600 == 0 ? 0xff : 0));
                }
            }
            int len = round % 2 == 0 ? random.nextInt(65536) : random.nextInt(200);
            int offset = random.nextInt(b.length - len + 1);
            int initial = switch (round % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(0x10000);
                case 2 -> random.nextInt();
                default -> round % 8 == 3 ? 0xffff : -1;
            };
            assertThat(Checksum.partial(b, offset, len, initial))
                    .as("round %d offset %d len %d initial %x", round, offset, len, initial)
                    .isEqualTo(referencePartial(b, offset, len, initial));
        }
    }

    @Test
    void foldMatchesReferenceForEdgeAndRandomValues() {
        long[] edges = {0, 1, 0xfffe, 0xffff, 0x10000, 0x1fffe, 0xffff_ffffL, 0x1_0000_0000L, Long.MAX_VALUE,
                Long.MIN_VALUE, -1L, 0xffff_0000_ffff_0000L};
        for (long v : edges) {
            assertThat(Checksum.fold(v)).as("fold %x", v).isEqualTo(referenceFold(v));
        }
        Random random = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextLong() >>> random.nextInt(64);
            assertThat(Checksum.fold(v)).isEqualTo(referenceFold(v));
        }
    }

    @Test
    void partialSumsChainAcrossEvenSplits() {
        Random random = new Random(7);
        byte[] b = new byte[3000];
        for (int round = 0; round < 500; round++) {
            random.nextBytes(b);
            int len = random.nextInt(b.length);
            int whole = Checksum.partial(b, 0, len, 0);
            int split1 = random.nextInt(len / 2 + 1) * 2;
            int split2 = split1 + random.nextInt((len - split1) / 2 + 1) * 2;
            int chained = Checksum.partial(b, 0, split1, 0);
            chained = Checksum.partial(b, split1, split2 - split1, chained);
            chained = Checksum.partial(b, split2, len - split2, chained);
            assertThat(chained).as("len %d splits %d %d", len, split1, split2).isEqualTo(whole);
        }
    }

    @Test
    void computeSkippingFieldEqualsComputingWithTheFieldZeroed() {
        Random random = new Random(20261124);
        for (int round = 0; round < 2000; round++) {
            int length = 2 + random.nextInt(80);
            int offset = random.nextInt(5);
            byte[] b = new byte[offset + length + random.nextInt(3)];
            random.nextBytes(b);
            int field = 2 * random.nextInt(length / 2);
            int initial = random.nextInt(0x10000);
            byte[] before = b.clone();
            int skipped = Checksum.computeSkippingField(b, offset, length, field, initial);
            assertThat(b).as("computing never writes").isEqualTo(before);

            byte[] zeroed = b.clone();
            zeroed[offset + field] = 0;
            zeroed[offset + field + 1] = 0;
            int expected = ~referencePartial(zeroed, offset, length, initial) & 0xffff;
            assertThat(skipped).as("round %d, field %d of %d", round, field, length).isEqualTo(expected);
        }
    }

    @Test
    void rangeOutsideTheArrayIsRejected() {
        byte[] b = new byte[10];
        assertThatThrownBy(() -> Checksum.partial(b, 5, 6, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Checksum.partial(b, -1, 2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Checksum.partial(b, 0, -2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(Checksum.partial(b, 10, 0, 0x1234)).isEqualTo(0x1234);
    }

    @Test
    void ipv4PseudoHeaderMatchesItsByteLayout() {
        Random random = new Random(768);
        for (int i = 0; i < 2000; i++) {
            int src = random.nextInt();
            int dst = i == 0 ? 0 : random.nextInt();
            int protocol = random.nextInt(256);
            int length = random.nextInt(0x10000);
            byte[] pseudo = new byte[12];
            Bytes.put32(pseudo, 0, src);
            Bytes.put32(pseudo, 4, dst);
            pseudo[9] = (byte) protocol;
            Bytes.put16(pseudo, 10, length);
            assertThat(Checksum.pseudoHeaderIpv4(src, dst, protocol, length))
                    .isEqualTo(referencePartial(pseudo, 0, 12, 0));
        }
    }

    @Test
    void ipv6PseudoHeaderFormsAgreeWithTheByteLayout() {
        Random random = new Random(8200);
        for (int i = 0; i < 2000; i++) {
            byte[] packet = new byte[48];
            random.nextBytes(packet);
            if (i % 10 == 0) {
                java.util.Arrays.fill(packet, 8, 40, (byte) (i % 20 == 0 ? 0xff : 0));
            }
            int nextHeader = random.nextInt(256);
            long length = i % 3 == 0 ? random.nextInt(0x10000) : random.nextLong() >>> 32;
            byte[] pseudo = new byte[40];
            System.arraycopy(packet, 8, pseudo, 0, 32);
            Bytes.put32(pseudo, 32, length);
            pseudo[39] = (byte) nextHeader;
            int expected = referencePartial(pseudo, 0, 40, 0);
            assertThat(Checksum.pseudoHeaderIpv6(packet, 8, 24, nextHeader, length)).isEqualTo(expected);
            assertThat(Checksum.pseudoHeaderIpv6(Bytes.i64(packet, 8), Bytes.i64(packet, 16), Bytes.i64(packet, 24),
                    Bytes.i64(packet, 32), nextHeader, length)).isEqualTo(expected);
        }
    }

    @Test
    void rfc1624Example() {
        // RFC 1624 section 5: m = 0x5555 becomes 0x3285 where the rest sums to 0xCD7A; HC = 0xDD2F.
        assertThat(Checksum.update16(0xdd2f, 0x5555, 0x3285)).isEqualTo(0x0000);
        byte[] b = new byte[6];
        Bytes.put16(b, 0, 0xcd7a);
        Bytes.put16(b, 2, 0x5555);
        assertThat(Checksum.compute(b, 0, 6)).isEqualTo(0xdd2f);
        Bytes.put16(b, 2, 0x3285);
        assertThat(Checksum.compute(b, 0, 6)).isEqualTo(0x0000);
    }

    @Test
    void incrementalUpdateEqualsRecomputation() {
        Random random = new Random(1624);
        int[] specialWords = {0x0000, 0xffff, 0x0001, 0xfffe, 0x8000};
        for (int round = 0; round < 20_000; round++) {
            int len = 4 + 2 * random.nextInt(30);
            byte[] b = new byte[len];
            switch (round % 5) {
                case 0 -> java.util.Arrays.fill(b, (byte) 0xff);
                case 1 -> java.util.Arrays.fill(b, (byte) 0);
                default -> random.nextBytes(b);
            }
            // Word 0 stays non-zero, like the version/protocol of every real header (see the update16
            // contract); any other word changes.
            b[0] |= 1;
            int at = 2 + 2 * random.nextInt(len / 2 - 1);
            int before = Checksum.compute(b, 0, len);
            int oldWord = Bytes.u16(b, at);
            int newWord = round % 3 == 0 ? specialWords[random.nextInt(specialWords.length)] : random.nextInt(0x10000);
            Bytes.put16(b, at, newWord);
            int after = Checksum.compute(b, 0, len);
            assertThat(Checksum.update16(before, oldWord, newWord))
                    .as("round %d len %d at %d %04x->%04x", round, len, at, oldWord, newWord)
                    .isEqualTo(after);
        }
    }

    @Test
    void incrementalUpdateOf32BitFieldsEqualsRecomputation() {
        Random random = new Random(32);
        for (int round = 0; round < 20_000; round++) {
            int len = 8 + 2 * random.nextInt(40);
            byte[] b = new byte[len];
            random.nextBytes(b);
            b[0] |= 1;
            int at = 2 + 2 * random.nextInt((len - 6) / 2);
            int before = Checksum.compute(b, 0, len);
            int oldValue = Bytes.i32(b, at);
            int newValue = switch (round % 4) {
                case 0 -> 0;
                case 1 -> -1;
                default -> random.nextInt();
            };
            Bytes.put32(b, at, newValue);
            assertThat(Checksum.update32(before, oldValue, newValue)).isEqualTo(Checksum.compute(b, 0, len));
        }
    }

    @Test
    void incrementalUpdateToAllZeroDataGivesPositiveZero() {
        // The documented exception: recomputation over all-zero data gives 0xffff, the update 0x0000.
        byte[] b = new byte[4];
        Bytes.put16(b, 2, 0x1234);
        int before = Checksum.compute(b, 0, 4);
        Bytes.put16(b, 2, 0);
        assertThat(Checksum.compute(b, 0, 4)).isEqualTo(0xffff);
        assertThat(Checksum.update16(before, 0x1234, 0)).isEqualTo(0x0000);
    }

    @Test
    void updateNeverProducesNegativeZeroForNonZeroData() {
        // Eqn. 2 of RFC 1624 can yield 0xffff where recomputation yields 0; eqn. 3 cannot.
        Random random = new Random(2);
        for (int i = 0; i < 100_000; i++) {
            int result = Checksum.update16(random.nextInt(0x10000), random.nextInt(0x10000), random.nextInt(0x10000));
            assertThat(result).isNotEqualTo(0xffff);
        }
    }
}
