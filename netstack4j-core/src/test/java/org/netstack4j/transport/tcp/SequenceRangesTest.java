package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequenceRangesTest {

    private static String ranges(SequenceRanges r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r.count(); i++) {
            b.append(i == 0 ? "" : " ").append(r.start(i)).append('-').append(r.end(i));
        }
        return b.toString();
    }

    @Test
    void addsKeepRangesSortedAndMergeOverlappingAndAdjacentOnes() {
        SequenceRanges r = new SequenceRanges(8);
        assertThat(r.add(300, 400)).isTrue();
        assertThat(r.add(100, 200)).isTrue();
        assertThat(r.add(500, 600)).isTrue();
        assertThat(ranges(r)).isEqualTo("100-200 300-400 500-600");
        assertThat(r.add(200, 250)).isTrue(); // adjacent on the left range's end
        assertThat(ranges(r)).isEqualTo("100-250 300-400 500-600");
        assertThat(r.add(450, 500)).isTrue(); // adjacent on the right range's start
        assertThat(ranges(r)).isEqualTo("100-250 300-400 450-600");
        assertThat(r.add(240, 460)).isTrue(); // overlaps three ranges
        assertThat(ranges(r)).isEqualTo("100-600");
        assertThat(r.add(150, 160)).isTrue(); // inside
        assertThat(ranges(r)).isEqualTo("100-600");
        assertThat(r.add(50, 700)).isTrue(); // covers
        assertThat(ranges(r)).isEqualTo("50-700");
        assertThat(r.totalBytes()).isEqualTo(650);
    }

    @Test
    void emptyAndReversedRangesAreNoOps() {
        SequenceRanges r = new SequenceRanges(1);
        assertThat(r.add(10, 10)).isTrue();
        assertThat(r.add(20, 10)).isTrue();
        assertThat(r.count()).isZero();
    }

    @Test
    void aFullSetRefusesANewRangeButStillMerges() {
        SequenceRanges r = new SequenceRanges(2);
        r.add(0, 10);
        r.add(20, 30);
        assertThat(r.add(40, 50)).isFalse();
        assertThat(ranges(r)).isEqualTo("0-10 20-30");
        assertThat(r.add(30, 45)).isTrue();
        assertThat(r.add(5, 25)).isTrue();
        assertThat(ranges(r)).isEqualTo("0-45");
        assertThat(r.add(60, 70)).isTrue();
        assertThat(r.add(80, 90)).isFalse();
        assertThat(r.capacity()).isEqualTo(2);
    }

    @Test
    void removeBeforeDropsAndCuts() {
        SequenceRanges r = new SequenceRanges(4);
        r.add(100, 200);
        r.add(300, 400);
        r.add(500, 600);
        r.removeBefore(100);
        assertThat(ranges(r)).isEqualTo("100-200 300-400 500-600");
        r.removeBefore(200);
        assertThat(ranges(r)).isEqualTo("300-400 500-600");
        r.removeBefore(350);
        assertThat(ranges(r)).isEqualTo("350-400 500-600");
        r.removeBefore(1000);
        assertThat(r.count()).isZero();
        r.add(1, 2);
        r.clear();
        assertThat(r.count()).isZero();
    }

    @Test
    void queriesAnswerPerRange() {
        SequenceRanges r = new SequenceRanges(4);
        r.add(100, 200);
        r.add(300, 400);
        r.add(500, 600);
        assertThat(r.contains(99)).isFalse();
        assertThat(r.contains(100)).isTrue();
        assertThat(r.contains(199)).isTrue();
        assertThat(r.contains(200)).isFalse();
        assertThat(r.contains(599)).isTrue();
        assertThat(r.contains(600)).isFalse();
        assertThat(r.contiguousEnd(150)).isEqualTo(200);
        assertThat(r.contiguousEnd(250)).isEqualTo(250);
        assertThat(r.bytesAtOrAfter(0)).isEqualTo(300);
        assertThat(r.bytesAtOrAfter(350)).isEqualTo(150);
        assertThat(r.bytesAtOrAfter(400)).isEqualTo(100);
        assertThat(r.bytesAtOrAfter(600)).isZero();
        assertThat(r.bytesBetween(150, 550)).isEqualTo(50 + 100 + 50);
        assertThat(r.bytesBetween(550, 150)).isZero();
        assertThat(r.rangesAtOrAfter(100)).isEqualTo(3);
        assertThat(r.rangesAtOrAfter(101)).isEqualTo(2);
        assertThat(r.rangesAtOrAfter(500)).isEqualTo(1);
        assertThat(r.rangesAtOrAfter(501)).isZero();
        assertThat(r.firstEndingAfter(199)).isZero();
        assertThat(r.firstEndingAfter(200)).isEqualTo(1);
        assertThat(r.firstEndingAfter(600)).isEqualTo(3);
        assertThat(r.toString()).isEqualTo("SequenceRanges[[100, 200), [300, 400), [500, 600)]");
        assertThatThrownBy(() -> r.start(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new SequenceRanges(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rangesWrapAroundTwoToThe32() {
        SequenceRanges r = new SequenceRanges(4);
        int top = -100; // 2^32 - 100
        r.add(50, 80);
        r.add(top, top + 40); // [2^32-100, 2^32-60)
        r.add(top + 90, 20); // [2^32-10, 20) crosses zero
        assertThat(ranges(r)).isEqualTo("-100--60 -10-20 50-80");
        assertThat(r.contains(-1)).isTrue();
        assertThat(r.contains(0)).isTrue();
        assertThat(r.contains(20)).isFalse();
        assertThat(r.totalBytes()).isEqualTo(40 + 30 + 30);
        assertThat(r.bytesAtOrAfter(-5)).isEqualTo(25 + 30);
        assertThat(r.rangesAtOrAfter(-60)).isEqualTo(2);
        r.add(-60, -10); // joins the first two across nothing special
        assertThat(ranges(r)).isEqualTo("-100-20 50-80");
        r.removeBefore(5);
        assertThat(ranges(r)).isEqualTo("5-20 50-80");
        assertThat(r.contiguousEnd(5)).isEqualTo(20);
    }

    @Test
    void randomOperationsMatchABitSetReference() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int base = random.nextInt(); // anywhere on the circle, including across 2^32
            SequenceRanges r = new SequenceRanges(6);
            BitSet ref = new BitSet(4096);
            int low = 0; // everything below 'low' (offset from base) was removed
            for (int op = 0; op < 100; op++) {
                if (random.nextInt(8) == 0) {
                    low = Math.min(4000, low + random.nextInt(300));
                    r.removeBefore(base + low);
                    ref.clear(0, low);
                } else {
                    int s = low + random.nextInt(4000 - low);
                    int e = Math.min(4096, s + 1 + random.nextInt(200));
                    BitSet trial = (BitSet) ref.clone();
                    trial.set(s, e);
                    boolean fits = runs(trial) <= 6;
                    assertThat(r.add(base + s, base + e)).isEqualTo(fits);
                    if (fits) {
                        ref = trial;
                    }
                }
                check(r, ref, base);
            }
        }
    }

    private static int runs(BitSet bits) {
        int n = 0;
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(bits.nextClearBit(i))) {
            n++;
        }
        return n;
    }

    private static void check(SequenceRanges r, BitSet ref, int base) {
        assertThat(r.count()).isEqualTo(runs(ref));
        int i = 0;
        for (int s = ref.nextSetBit(0); s >= 0; s = ref.nextSetBit(ref.nextClearBit(s)), i++) {
            assertThat(r.start(i)).isEqualTo(base + s);
            assertThat(r.end(i)).isEqualTo(base + ref.nextClearBit(s));
        }
        assertThat(r.totalBytes()).isEqualTo(ref.cardinality());
        for (int probe = 0; probe < 4096; probe += 97) {
            assertThat(r.contains(base + probe)).isEqualTo(ref.get(probe));
            assertThat(r.bytesAtOrAfter(base + probe)).isEqualTo(ref.get(probe, 4096).cardinality());
        }
    }
}
