package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SeqNumTest {
    private static final int NEAR_WRAP = 0xffff_fff0;

    @Test
    void ordersAcrossTheWrap() {
        assertThat(SeqNum.lt(NEAR_WRAP, 5)).isTrue();
        assertThat(SeqNum.le(NEAR_WRAP, 5)).isTrue();
        assertThat(SeqNum.gt(NEAR_WRAP, 5)).isFalse();
        assertThat(SeqNum.ge(NEAR_WRAP, 5)).isFalse();
        assertThat(SeqNum.gt(5, NEAR_WRAP)).isTrue();
        assertThat(SeqNum.ge(5, NEAR_WRAP)).isTrue();
        assertThat(SeqNum.lt(5, NEAR_WRAP)).isFalse();
        assertThat(SeqNum.lt(-1, 0)).isTrue();
        assertThat(SeqNum.gt(0, -1)).isTrue();
        // Across the signed boundary too, which plain int comparison gets wrong.
        assertThat(SeqNum.lt(Integer.MAX_VALUE, Integer.MIN_VALUE)).isTrue();
        assertThat(SeqNum.gt(Integer.MIN_VALUE, Integer.MAX_VALUE)).isTrue();
    }

    @Test
    void equalNumbersAreNeitherBeforeNorAfter() {
        for (int v : new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, NEAR_WRAP}) {
            assertThat(SeqNum.lt(v, v)).isFalse();
            assertThat(SeqNum.gt(v, v)).isFalse();
            assertThat(SeqNum.le(v, v)).isTrue();
            assertThat(SeqNum.ge(v, v)).isTrue();
            assertThat(SeqNum.diff(v, v)).isZero();
        }
    }

    @Test
    void addAndDiffWrapModulo2To32() {
        assertThat(SeqNum.add(NEAR_WRAP, 0x20)).isEqualTo(0x10);
        assertThat(SeqNum.add(0x10, -0x20)).isEqualTo(NEAR_WRAP);
        assertThat(SeqNum.add(-1, 1)).isZero();
        assertThat(SeqNum.diff(0x10, NEAR_WRAP)).isEqualTo(0x20);
        assertThat(SeqNum.diff(NEAR_WRAP, 0x10)).isEqualTo(-0x20);
        assertThat(SeqNum.toUnsigned(NEAR_WRAP)).isEqualTo(0xffff_fff0L);
        assertThat(SeqNum.toUnsigned(0x10)).isEqualTo(0x10L);
    }

    @Test
    void maxAndMinFollowSequenceOrderNotIntegerOrder() {
        assertThat(SeqNum.max(NEAR_WRAP, 5)).isEqualTo(5);
        assertThat(SeqNum.max(5, NEAR_WRAP)).isEqualTo(5);
        assertThat(SeqNum.min(NEAR_WRAP, 5)).isEqualTo(NEAR_WRAP);
        assertThat(SeqNum.min(5, NEAR_WRAP)).isEqualTo(NEAR_WRAP);
        assertThat(SeqNum.max(7, 7)).isEqualTo(7);
        assertThat(SeqNum.min(Integer.MAX_VALUE, Integer.MIN_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void distanceOfExactly2To31IsTheDocumentedAmbiguity() {
        int a = 1000;
        int b = a + Integer.MIN_VALUE; // 2^31 away
        assertThat(SeqNum.lt(a, b)).isTrue();
        assertThat(SeqNum.lt(b, a)).isTrue();
        assertThat(SeqNum.gt(a, b)).isFalse();
        assertThat(SeqNum.gt(b, a)).isFalse();
        assertThat(SeqNum.diff(a, b)).isEqualTo(Integer.MIN_VALUE);
        // One less than 2^31 is still ordered.
        assertThat(SeqNum.lt(a, a + Integer.MAX_VALUE)).isTrue();
        assertThat(SeqNum.gt(a + Integer.MAX_VALUE, a)).isTrue();
        assertThat(SeqNum.lt(a + Integer.MAX_VALUE, a)).isFalse();
    }

    @Test
    void comparisonsAgreeWithTheSignedDistanceForRandomPairs() {
        Random random = new Random(1982);
        for (int i = 0; i < 200_000; i++) {
            int a = random.nextInt();
            // Any distance strictly inside (-2^31, 2^31): the range where RFC 1982 defines the order.
            int d = random.nextInt();
            if (d == Integer.MIN_VALUE) {
                continue;
            }
            if (i % 4 == 0) {
                d = random.nextInt(2001) - 1000;
            }
            int b = a + d;
            assertThat(SeqNum.lt(a, b)).isEqualTo(d > 0);
            assertThat(SeqNum.le(a, b)).isEqualTo(d >= 0);
            assertThat(SeqNum.gt(a, b)).isEqualTo(d < 0);
            assertThat(SeqNum.ge(a, b)).isEqualTo(d <= 0);
            assertThat(SeqNum.diff(b, a)).isEqualTo(d);
            assertThat(SeqNum.add(a, d)).isEqualTo(b);
            assertThat(SeqNum.max(a, b)).isEqualTo(d >= 0 ? b : a);
            assertThat(SeqNum.min(a, b)).isEqualTo(d >= 0 ? a : b);
        }
    }

    @Test
    void windowAcrossTheWrap() {
        int start = NEAR_WRAP;
        int size = 0x40;
        assertThat(SeqNum.inWindow(start, start, size)).isTrue();
        assertThat(SeqNum.inWindow(-1, start, size)).isTrue();
        assertThat(SeqNum.inWindow(0, start, size)).isTrue();
        assertThat(SeqNum.inWindow(0x2f, start, size)).isTrue();
        assertThat(SeqNum.inWindow(0x30, start, size)).isFalse(); // start + size: one past the end
        assertThat(SeqNum.inWindow(start - 1, start, size)).isFalse();
        assertThat(SeqNum.inWindow(0x7000_0000, start, size)).isFalse();
    }

    @Test
    void emptyWindowContainsNothing() {
        for (int seq : new int[] {0, 1, -1, NEAR_WRAP}) {
            assertThat(SeqNum.inWindow(seq, seq, 0)).isFalse();
            assertThat(SeqNum.inWindow(seq + 1, seq, 0)).isFalse();
        }
    }

    @Test
    void windowSizeIsUnsigned() {
        int start = 123;
        // A window of 2^31 (negative as an int) and of 2^32 - 1, the largest expressible.
        assertThat(SeqNum.inWindow(start + Integer.MAX_VALUE, start, Integer.MIN_VALUE)).isTrue();
        assertThat(SeqNum.inWindow(start + Integer.MIN_VALUE, start, Integer.MIN_VALUE)).isFalse();
        assertThat(SeqNum.inWindow(start - 2, start, -1)).isTrue();
        assertThat(SeqNum.inWindow(start - 1, start, -1)).isFalse();
        // The largest scaled TCP window: 65535 << 14.
        int max = 65535 << 14;
        assertThat(SeqNum.inWindow(start + max - 1, start, max)).isTrue();
        assertThat(SeqNum.inWindow(start + max, start, max)).isFalse();
    }

    @Test
    void windowMembershipMatchesUnsignedArithmeticForRandomCases() {
        Random random = new Random(9293);
        for (int i = 0; i < 200_000; i++) {
            int start = random.nextInt();
            int size = i % 2 == 0 ? random.nextInt(1 << 20) : random.nextInt();
            int seq = i % 3 == 0 ? start + random.nextInt(2 * (1 << 20)) - (1 << 20) : random.nextInt();
            long offset = (seq - start) & 0xffff_ffffL;
            boolean expected = offset < (size & 0xffff_ffffL);
            assertThat(SeqNum.inWindow(seq, start, size)).isEqualTo(expected);
        }
    }
}
