package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Random operations on a {@link SackScoreboard} (and so its {@link SequenceRanges}) checked against a
 * byte-by-byte reference: a BitSet over a 64 KiB window whose sequence numbers start anywhere on the
 * 2^32 circle. After every operation the ranges must be sorted, disjoint, non-adjacent, within the bound and
 * equal to the BitSet's runs; on every check pipe, IsLost and NextSeg must equal RFC 6675's definitions
 * applied one byte at a time. Input: byte 0 picks the SMSS, byte 1 the range bound, bytes 2 to 5 the
 * window's first sequence number, then operations (seed corpus in
 * {@code SackScoreboardFuzzTestInputs/operations/}).
 */
class SackScoreboardFuzzTest {
    private static final int WINDOW = 1 << 16;
    private static final int MAX_CHECKS = 64;

    @Test
    void seedCorpusAndSeededRandomInputsHoldTheProperties() throws IOException {
        List<byte[]> seeds = seeds("operations");
        assertThat(seeds).hasSizeGreaterThanOrEqualTo(3);
        for (byte[] seed : seeds) {
            operations(seed);
        }
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) { // the property twin of the fuzz target: bounded, seeded
            byte[] input = new byte[6 + random.nextInt(400)];
            random.nextBytes(input);
            operations(input);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void operations(byte[] input) {
        if (input.length < 6) {
            return;
        }
        int mss = 1 + (input[0] & 0xff) * 6; // 1 to 1531
        int maxRanges = 1 + (input[1] & 0x0f);
        int base = (input[2] & 0xff) << 24 | (input[3] & 0xff) << 16 | (input[4] & 0xff) << 8 | input[5] & 0xff;
        SackScoreboard board = new SackScoreboard(maxRanges);
        BitSet ref = new BitSet(WINDOW);
        int una = 0; // offsets from base; SND.NXT is base + WINDOW
        int checks = 0;
        int[] out = new int[2];
        int i = 6;
        while (i + 4 < input.length) {
            int op = input[i] & 3;
            int a = u16(input, i + 1);
            int b = u16(input, i + 3);
            i += 5;
            switch (op) {
                case 0, 1 -> { // a SACK block: both edges anywhere, even outside the window
                    int left = a - 256;
                    int right = op == 0 ? left + 1 + (b & 0x0fff) : b;
                    boolean valid = una <= left && left < right && right <= WINDOW;
                    BitSet trial = (BitSet) ref.clone();
                    if (valid) {
                        trial.set(left, right);
                    }
                    boolean expected = valid && !trial.equals(ref) && SackScoreboardTest.runs(trial) <= maxRanges;
                    assertThat(board.addBlock(base + left, base + right, base + una, base + WINDOW))
                            .isEqualTo(expected);
                    if (expected) {
                        ref = trial;
                    }
                }
                case 2 -> {
                    if ((a & 0xff) == 0) {
                        board.reset();
                        ref.clear();
                    } else { // the cumulative ACK advances by up to 4 KiB
                        una = Math.min(WINDOW, una + (b & 0x0fff));
                        board.advance(base + una);
                        ref.clear(0, una);
                    }
                }
                default -> {
                    if (checks++ < MAX_CHECKS) {
                        check(board, ref, base, una, mss, una - 1 + (a % (WINDOW - una + 1)), out);
                    }
                }
            }
            invariants(board.ranges(), ref, base, maxRanges);
        }
        if (checks < MAX_CHECKS) {
            check(board, ref, base, una, mss, una - 1, out);
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static void invariants(SequenceRanges ranges, BitSet ref, int base, int maxRanges) {
        int n = ranges.count();
        assertThat(n).isLessThanOrEqualTo(maxRanges).isEqualTo(SackScoreboardTest.runs(ref));
        int k = 0;
        for (int s = ref.nextSetBit(0); s >= 0; s = ref.nextSetBit(ref.nextClearBit(s)), k++) {
            assertThat(ranges.start(k) - base).isEqualTo(s);
            assertThat(ranges.end(k) - base).isEqualTo(ref.nextClearBit(s));
        }
        for (int j = 0; j < n; j++) {
            assertThat(ranges.end(j) - ranges.start(j)).isPositive(); // non-empty
            if (j > 0) {
                assertThat(ranges.start(j) - ranges.end(j - 1)).isPositive(); // sorted, disjoint, non-adjacent
            }
        }
        assertThat(ranges.totalBytes()).isEqualTo(ref.cardinality());
    }

    /** Compares pipe, IsLost and NextSeg with the byte-by-byte RFC 6675 definitions. */
    private static void check(SackScoreboard board, BitSet ref, int base, int una, int mss, int highRxt, int[] out) {
        // suffix counts: SACKed bytes above s and SACKed runs starting above s
        long[] bytesAbove = new long[WINDOW + 1];
        int[] runsAbove = new int[WINDOW + 1];
        for (int s = WINDOW - 1; s >= 0; s--) {
            boolean next = s + 1 < WINDOW && ref.get(s + 1);
            bytesAbove[s] = bytesAbove[s + 1] + (next ? 1 : 0);
            runsAbove[s] = runsAbove[s + 1] + (next && !ref.get(s) ? 1 : 0);
        }
        long pipe = 0;
        int firstLost = -1;
        int firstNotLost = -1;
        int highest = ref.length();
        for (int s = una; s < WINDOW; s++) {
            if (ref.get(s)) {
                continue;
            }
            boolean lost = runsAbove[s] >= SackScoreboard.DUP_THRESH
                    || bytesAbove[s] > (long) (SackScoreboard.DUP_THRESH - 1) * mss;
            if (s % 61 == 0) {
                assertThat(board.isLost(base + s, mss)).as("IsLost(%d)", s).isEqualTo(lost);
            }
            pipe += (lost ? 0 : 1) + (s <= highRxt ? 1 : 0);
            if (s > highRxt && s < highest) {
                if (lost && firstLost < 0) {
                    firstLost = s;
                } else if (!lost && firstNotLost < 0) {
                    firstNotLost = s;
                }
            }
        }
        assertThat(board.pipe(base + una, base + WINDOW, base + highRxt, mss)).isEqualTo(pipe);
        expectSegment(board.nextLostSegment(base + una, base + WINDOW, base + highRxt, mss, out), out, firstLost,
                ref, base, mss);
        expectSegment(board.nextUnsackedSegment(base + una, base + WINDOW, base + highRxt, mss, out), out,
                firstNotLost, ref, base, mss);
    }

    private static void expectSegment(boolean found, int[] out, int expected, BitSet ref, int base, int mss) {
        assertThat(found).isEqualTo(expected >= 0);
        if (found) {
            int next = ref.nextSetBit(expected);
            int end = Math.min(next < 0 ? WINDOW : next, expected + mss);
            assertThat(out[0] - base).isEqualTo(expected);
            assertThat(out[1]).isEqualTo(end - expected);
        }
    }

    private static List<byte[]> seeds(String method) throws IOException {
        URL dir = SackScoreboardFuzzTest.class.getResource("SackScoreboardFuzzTestInputs/" + method);
        if (dir == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            List<byte[]> seeds = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                try (InputStream s = Files.newInputStream(f)) {
                    seeds.add(s.readAllBytes());
                }
            }
            return seeds;
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
