package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SackScoreboardTest {
    private static final int MSS = 1000;

    private final SackScoreboard board = new SackScoreboard(8);
    private final int[] out = new int[2];

    @Test
    void blocksOutsideTheWindowAndDsacksAreIgnored() {
        int una = 10_000;
        int nxt = 20_000;
        assertThat(board.addBlock(9_000, 10_000, una, nxt)).isFalse(); // D-SACK below SND.UNA
        assertThat(board.addBlock(9_500, 11_000, una, nxt)).isFalse(); // straddles SND.UNA
        assertThat(board.addBlock(19_000, 21_000, una, nxt)).isFalse(); // beyond SND.NXT
        assertThat(board.addBlock(12_000, 11_000, una, nxt)).isFalse(); // reversed
        assertThat(board.isEmpty()).isTrue();
        assertThat(board.ignoredBlocks()).isEqualTo(4);
        assertThat(board.addBlock(12_000, 13_000, una, nxt)).isTrue();
        assertThat(board.addBlock(12_000, 13_000, una, nxt)).isFalse(); // repeated
        assertThat(board.addBlock(12_200, 12_700, una, nxt)).isFalse(); // D-SACK inside a SACKed range
        assertThat(board.addBlock(12_500, 13_500, una, nxt)).isTrue(); // extends it
        assertThat(board.addBlock(19_000, 20_000, una, nxt)).isTrue(); // right edge at SND.NXT
        assertThat(board.sackedBytes()).isEqualTo(2_500);
        assertThat(board.highestSacked()).isEqualTo(20_000);
        assertThat(board.isSacked(13_499)).isTrue();
        assertThat(board.isSacked(13_500)).isFalse();
    }

    @Test
    void aRaisedDupThreshNeedsMoreSackedAboveAndIsBounded() {
        int una = 10_000;
        int nxt = 30_000;
        board.addBlock(11_000, 14_000, una, nxt); // 3 segments above the hole [10 000, 11 000)
        assertThat(board.isLost(una, MSS)).isTrue();
        board.dupThresh(4);
        assertThat(board.dupThresh()).isEqualTo(4);
        assertThat(board.isLost(una, MSS)).isFalse();
        assertThat(board.nextLostSegment(una, nxt, una - 1, MSS, out)).isFalse();
        assertThat(board.pipe(una, nxt, una - 1, MSS)).isEqualTo(17_000); // nothing lost: all unSACKed in flight
        board.addBlock(15_000, 16_000, una, nxt); // 4 segments above it now
        assertThat(board.isLost(una, MSS)).isTrue();
        board.reset();
        assertThat(board.dupThresh()).as("kept by reset").isEqualTo(4);
        board.dupThresh(1000);
        assertThat(board.dupThresh()).isEqualTo(SackScoreboard.MAX_DUP_THRESH);
        board.dupThresh(1);
        assertThat(board.dupThresh()).isEqualTo(SackScoreboard.DUP_THRESH);
    }

    @Test
    void holesBelowTheTimeMarkAreLostWhateverDupThresh() {
        int una = 10_000;
        int nxt = 30_000;
        board.addBlock(11_000, 12_000, una, nxt);
        board.addBlock(13_000, 14_000, una, nxt);
        assertThat(board.isLost(una, MSS)).isFalse();
        board.lostBefore(14_000);
        assertThat(board.isLost(una, MSS)).isTrue();
        assertThat(board.isLost(12_000, MSS)).isTrue();
        assertThat(board.isLost(11_500, MSS)).as("SACKed").isFalse();
        assertThat(board.isLost(14_000, MSS)).isFalse();
        assertThat(board.nextLostSegment(una, nxt, una - 1, MSS, out)).isTrue();
        assertThat(out).containsExactly(10_000, 1000);
        assertThat(board.nextLostSegment(una, nxt, 10_999, MSS, out)).isTrue();
        assertThat(out).containsExactly(12_000, 1000);
        // SetPipe: the two lost holes are out of the network; [14 000, 30 000) is in it.
        assertThat(board.pipe(una, nxt, una - 1, MSS)).isEqualTo(16_000);
        board.lostBefore(12_000); // never moves down
        assertThat(board.isLost(12_000, MSS)).isTrue();
        board.advance(14_000); // passed: cleared
        assertThat(board.isLost(14_000, MSS)).isFalse();
        board.addBlock(15_000, 16_000, 14_000, nxt);
        board.lostBefore(16_000);
        board.reset();
        assertThat(board.isLost(14_000, MSS)).isFalse();
    }

    @Test
    void blocksPastTheRangeBoundAreIgnored() {
        SackScoreboard small = new SackScoreboard(2);
        assertThat(small.addBlock(1000, 2000, 0, 10_000)).isTrue();
        assertThat(small.addBlock(3000, 4000, 0, 10_000)).isTrue();
        assertThat(small.addBlock(5000, 6000, 0, 10_000)).isFalse();
        assertThat(small.ignoredBlocks()).isEqualTo(1);
        assertThat(small.addBlock(2000, 3000, 0, 10_000)).isTrue(); // merging still works
        assertThat(small.ranges().count()).isEqualTo(1);
    }

    @Test
    void advanceDropsEverythingBelowTheCumulativeAck() {
        board.addBlock(1000, 2000, 0, 10_000);
        board.addBlock(3000, 4000, 0, 10_000);
        board.advance(3500);
        assertThat(board.sackedBytes()).isEqualTo(500);
        assertThat(board.isSacked(3499)).isFalse();
        board.advance(4000);
        assertThat(board.isEmpty()).isTrue();
        board.addBlock(5000, 6000, 4000, 10_000);
        board.reset();
        assertThat(board.isEmpty()).isTrue();
    }

    @Test
    void isLostNeedsThreeRangesOrMoreThanTwoSegmentsOfSackedBytesAbove() {
        board.addBlock(1000, 2000, 0, 10_000);
        board.addBlock(3000, 4000, 0, 10_000);
        // two ranges, exactly 2 * SMSS bytes above 0: not lost (the RFC says "more than")
        assertThat(board.isLost(0, MSS)).isFalse();
        board.addBlock(5000, 5001, 0, 10_000); // third discontiguous range, 1 byte
        assertThat(board.isLost(0, MSS)).isTrue();
        assertThat(board.isLost(999, MSS)).isTrue();
        assertThat(board.isLost(2000, MSS)).isFalse(); // 2 ranges, 1001 bytes above
        board.reset();
        board.addBlock(1000, 3001, 0, 10_000); // one range of 2 * SMSS + 1 bytes
        assertThat(board.isLost(999, MSS)).isTrue();
        assertThat(board.isLost(0, MSS)).isTrue();
        board.reset();
        board.addBlock(1000, 3000, 0, 10_000);
        assertThat(board.isLost(0, MSS)).isFalse();
        assertThat(board.isLost(0, 999)).isTrue(); // the byte threshold scales with SMSS
    }

    @Test
    void pipeCountsUnsackedNotLostBytesAndRetransmittedOnesAgain() {
        int una = 0;
        int nxt = 10_000;
        assertThat(board.pipe(una, nxt, una - 1, MSS)).isEqualTo(10_000); // no SACK: all in flight
        board.addBlock(1000, 2000, una, nxt);
        board.addBlock(3000, 4000, una, nxt);
        board.addBlock(5000, 6000, una, nxt);
        // lost: [0,1000) (3 ranges above); [2000,3000) has 2 ranges and 2000 bytes above: not lost.
        // not lost, unSACKed: [2000,3000), [4000,5000), [6000,10000) = 6000
        assertThat(board.pipe(una, nxt, una - 1, MSS)).isEqualTo(6_000);
        // after retransmitting [0,1000): HighRxt = 999, those bytes count once more
        assertThat(board.pipe(una, nxt, 999, MSS)).isEqualTo(7_000);
        // a retransmission reaching into SACKed bytes counts only the unSACKed ones
        assertThat(board.pipe(una, nxt, 2499, MSS)).isEqualTo(6_000 + 1_000 + 500); // [0,1000) and [2000,2500)
        assertThat(board.pipe(una, una, una - 1, MSS)).isZero();
    }

    @Test
    void pipeWithBytesThresholdLoss() {
        board.addBlock(4000, 7000, 0, 10_000); // one range of 3000 bytes: everything below is lost
        assertThat(board.pipe(0, 10_000, -1, MSS)).isEqualTo(3_000); // only [7000,10000)
        assertThat(board.pipe(0, 10_000, 1999, MSS)).isEqualTo(5_000);
    }

    @Test
    void nextLostSegmentSkipsSackedBytesAndRetransmittedOnes() {
        int una = 0;
        int nxt = 10_000;
        board.addBlock(500, 1000, una, nxt);
        board.addBlock(1500, 2500, una, nxt);
        board.addBlock(3000, 3200, una, nxt);
        board.addBlock(4000, 4100, una, nxt);
        // unSACKed bytes below 1500 (the third-highest range's start) are lost; [2500,3000) has 2 ranges
        // and 300 bytes above it: not lost
        assertThat(board.nextLostSegment(una, nxt, una - 1, MSS, out)).isTrue();
        assertThat(out).containsExactly(0, 500); // stops at the SACKed range
        assertThat(board.nextLostSegment(una, nxt, 499, MSS, out)).isTrue();
        assertThat(out).containsExactly(1000, 500); // skips [500,1000)
        assertThat(board.nextLostSegment(una, nxt, 1499, MSS, out)).isFalse();
        assertThat(board.nextUnsackedSegment(una, nxt, una - 1, MSS, out)).isTrue();
        assertThat(out).containsExactly(2500, 500); // skips the lost holes
        assertThat(board.nextUnsackedSegment(una, nxt, 2499, MSS, out)).isTrue();
        assertThat(out).containsExactly(2500, 500);
        assertThat(board.nextUnsackedSegment(una, nxt, 2999, MSS, out)).isTrue();
        assertThat(out).containsExactly(3200, 800);
        assertThat(board.nextUnsackedSegment(una, nxt, 3999, MSS, out)).isFalse(); // nothing SACKed above 4100
    }

    @Test
    void nextLostSegmentIsAtMostOneMss() {
        board.addBlock(5000, 8000, 0, 10_000);
        assertThat(board.nextLostSegment(0, 10_000, -1, MSS, out)).isTrue();
        assertThat(out).containsExactly(0, MSS);
        assertThat(board.nextLostSegment(0, 10_000, 4499, MSS, out)).isTrue();
        assertThat(out).containsExactly(4500, 500);
        assertThat(board.nextUnsackedSegment(0, 10_000, -1, MSS, out)).isFalse(); // all holes are lost
        assertThat(new SackScoreboard(4).nextLostSegment(0, 10_000, -1, MSS, out)).isFalse();
        assertThat(new SackScoreboard(4).nextUnsackedSegment(0, 10_000, -1, MSS, out)).isFalse();
    }

    @Test
    void nextUnsackedSegmentSkipsLostHoles() {
        board.addBlock(1000, 2000, 0, 10_000);
        board.addBlock(3000, 4000, 0, 10_000);
        board.addBlock(5000, 6000, 0, 10_000);
        // [0,1000) is lost, [2000,3000) is the first unSACKed byte not lost
        assertThat(board.nextUnsackedSegment(0, 10_000, -1, MSS, out)).isTrue();
        assertThat(out).containsExactly(2000, 1000);
        assertThat(board.nextUnsackedSegment(0, 10_000, 2999, MSS, out)).isTrue();
        assertThat(out).containsExactly(4000, 1000);
    }

    @Test
    void theScoreboardWorksAcrossTwoToThe32() {
        int una = -3000; // 2^32 - 3000
        int nxt = 7000;
        assertThat(board.addBlock(-2000, -1000, una, nxt)).isTrue();
        assertThat(board.addBlock(0, 1000, una, nxt)).isTrue();
        assertThat(board.addBlock(2000, 3000, una, nxt)).isTrue();
        assertThat(board.highestSacked()).isEqualTo(3000);
        assertThat(board.isLost(una, MSS)).isTrue();
        assertThat(board.isLost(-1, MSS)).isFalse();
        assertThat(board.nextLostSegment(una, nxt, una - 1, MSS, out)).isTrue();
        assertThat(out).containsExactly(-3000, 1000);
        // lost [-3000,-2000); not lost: [-1000,0), [1000,2000), [3000,7000)
        assertThat(board.pipe(una, nxt, una - 1, MSS)).isEqualTo(6000);
        board.advance(500);
        assertThat(board.sackedBytes()).isEqualTo(1500);
    }

    @Test
    void randomScoreboardsMatchAByteByByteRfc6675Reference() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            SackScoreboard b = new SackScoreboard(6);
            int base = random.nextInt();
            int window = 1 + random.nextInt(20_000);
            int mss = 1 + random.nextInt(1500);
            BitSet ref = new BitSet(window);
            for (int i = 0; i < 8; i++) {
                int s = random.nextInt(window);
                int e = Math.min(window, s + 1 + random.nextInt(3000));
                BitSet trial = (BitSet) ref.clone();
                trial.set(s, e);
                if (b.addBlock(base + s, base + e, base, base + window)) {
                    ref = trial;
                } else {
                    assertThat(trial.equals(ref) || runs(trial) > 6).isTrue();
                }
            }
            int highRxt = random.nextInt(window + 1) - 1;
            assertThat(b.pipe(base, base + window, base + highRxt, mss))
                    .isEqualTo(referencePipe(ref, window, highRxt, mss));
            for (int probe = 0; probe < window; probe += 1 + random.nextInt(500)) {
                if (!ref.get(probe)) {
                    assertThat(b.isLost(base + probe, mss)).isEqualTo(referenceIsLost(ref, window, probe, mss));
                }
            }
            int[] expected = referenceNextSeg(ref, window, highRxt, mss, true);
            assertThat(b.nextLostSegment(base, base + window, base + highRxt, mss, out)).isEqualTo(expected != null);
            if (expected != null) {
                assertThat(out).containsExactly(base + expected[0], expected[1]);
            }
            expected = referenceNextSeg(ref, window, highRxt, mss, false);
            assertThat(b.nextUnsackedSegment(base, base + window, base + highRxt, mss, out))
                    .isEqualTo(expected != null);
            if (expected != null) {
                assertThat(out).containsExactly(base + expected[0], expected[1]);
            }
        }
    }

    static int runs(BitSet bits) {
        int n = 0;
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(bits.nextClearBit(i))) {
            n++;
        }
        return n;
    }

    /** RFC 6675 IsLost, literally: count SACKed runs starting above and SACKed bytes above. */
    static boolean referenceIsLost(BitSet ref, int window, int seq, int mss) {
        BitSet above = ref.get(seq + 1, Math.max(seq + 1, window));
        return runs(above) - (ref.get(seq) && above.get(0) ? 1 : 0) >= SackScoreboard.DUP_THRESH
                || above.cardinality() > (SackScoreboard.DUP_THRESH - 1) * mss;
    }

    /** RFC 6675 SetPipe, byte by byte. */
    static long referencePipe(BitSet ref, int window, int highRxt, int mss) {
        long pipe = 0;
        for (int s = 0; s < window; s++) {
            if (ref.get(s)) {
                continue;
            }
            if (!referenceIsLost(ref, window, s, mss)) {
                pipe++;
            }
            if (s <= highRxt) {
                pipe++;
            }
        }
        return pipe;
    }

    /** NextSeg rule (1) ({@code lost}) or rule (3), byte by byte: {start, length} or null. */
    static int[] referenceNextSeg(BitSet ref, int window, int highRxt, int mss, boolean lost) {
        int highest = ref.length(); // one past the highest SACKed byte
        for (int s = highRxt + 1; s < highest; s++) {
            if (!ref.get(s) && referenceIsLost(ref, window, s, mss) == lost) {
                int end = Math.min(Math.min(ref.nextSetBit(s), window), s + mss);
                return new int[] {s, end - s};
            }
        }
        return null;
    }
}
