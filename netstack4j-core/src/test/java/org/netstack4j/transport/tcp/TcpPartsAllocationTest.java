package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-ACK paths of the TCP parts allocate nothing: congestion controllers' onAck and loss events,
 * the SACK scoreboard's block, pipe, NextSeg and advance, the RTT estimator, and ISN generation. Measured
 * with the JVM's per-thread allocation counter over many calls, so one small allocation per call would show.
 */
class TcpPartsAllocationTest {
    private static final int ROUNDS = 50_000;
    private static final int MSS = 1460;
    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void counter() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)
                || !t.isThreadAllocatedMemorySupported()) {
            assumeTrue(false, "this JVM cannot count allocated bytes per thread");
            return;
        }
        t.setThreadAllocatedMemoryEnabled(true);
        threads = t;
    }

    /**
     * The fewest bytes one of three runs of {@code work} allocated, after warming up: a one-off allocation
     * by the JIT (an on-stack replacement, a deoptimization) may land in one run, a per-call one lands in all.
     */
    private static long allocatedBy(LongSupplier work) {
        long sink = 0;
        for (int i = 0; i < 4; i++) { // warm up: class loading and compilation
            sink += work.getAsLong();
        }
        long fewest = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            sink += work.getAsLong();
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(sink).isNotZero();
        return fewest;
    }

    private static long congestionRun(CongestionControl cc) {
        long now = 0;
        for (int i = 1; i <= ROUNDS; i++) {
            now += 10_000;
            if (i % 5_000 == 0) {
                cc.onCongestionEvent(cc.cwnd(), now);
                cc.onRecoveryEnd(now);
            }
            if (i % 20_000 == 0) {
                cc.onRetransmissionTimeout(cc.cwnd(), now);
            }
            cc.onAck(2 * MSS, 20_000_000, cc.cwnd(), now);
        }
        return cc.cwnd();
    }

    @Test
    void congestionControllersAllocateNothingPerAck() {
        CongestionControl cubic = CongestionControls.CUBIC.create(MSS, CongestionControls.initialWindow(MSS));
        CongestionControl newReno = CongestionControls.NEW_RENO.create(MSS, CongestionControls.initialWindow(MSS));
        assertThat(allocatedBy(() -> congestionRun(cubic))).isZero();
        assertThat(allocatedBy(() -> congestionRun(newReno))).isZero();
    }

    @Test
    void theScoreboardAllocatesNothingPerAck() {
        SackScoreboard board = new SackScoreboard(32);
        int[] segment = new int[2];
        int[] una = {-1_000_000};
        assertThat(allocatedBy(() -> {
            long sum = 0;
            for (int i = 0; i < ROUNDS; i++) {
                int sndNxt = una[0] + 64 * MSS;
                int left = una[0] + (2 * (i % 16) + 1) * MSS;
                board.addBlock(left, left + MSS, una[0], sndNxt);
                sum += board.pipe(una[0], sndNxt, una[0] - 1, MSS);
                if (board.nextLostSegment(una[0], sndNxt, una[0] - 1, MSS, segment)) {
                    sum += segment[1];
                }
                board.nextUnsackedSegment(una[0], sndNxt, una[0] - 1, MSS, segment);
                sum += board.isLost(una[0], MSS) ? 1 : 0;
                if (i % 16 == 15) {
                    una[0] += 32 * MSS;
                    board.advance(una[0]);
                }
            }
            return sum;
        })).isZero();
    }

    @Test
    void rttEstimatorAndIsnsAllocateNothing() {
        RttEstimator rtt = new RttEstimator(1_000_000_000L, 200_000_000L, 60_000_000_000L, 1_000_000L);
        IsnGenerator isns = new IsnGenerator(1, 2);
        SynCookies cookies = new SynCookies(3, 4, 64_000_000_000L);
        assertThat(allocatedBy(() -> {
            long sum = 0;
            for (int i = 0; i < ROUNDS; i++) {
                rtt.sample(10_000_000 + i % 1000);
                sum += rtt.rto();
                sum += isns.isn(0, 0x0a000001, 80, 0, 0x0a000002, i & 0xffff, i * 1000L);
                int cookie = cookies.encode(0, 1, 80, 0, 2, i & 0xffff, i, 1460, i * 1000L);
                sum += cookies.decode(0, 1, 80, 0, 2, i & 0xffff, i, cookie, i * 1000L);
            }
            return sum;
        })).isZero();
    }
}
