package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CubicCongestionControlTest {
    private static final int MSS = 1000;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    private final CubicCongestionControl cc = (CubicCongestionControl) CongestionControls.CUBIC.create(MSS, 10 * MSS);

    /** Slow start (2 SMSS per ACK, every ACK counted) to exactly {@code bytes}. */
    private void growTo(long bytes) {
        for (int i = 0; i < 100_000 && cc.cwnd() < bytes; i++) {
            cc.onAck(Math.min(2 * MSS, bytes - cc.cwnd()), -1, cc.cwnd(), 0);
        }
        assertThat(cc.cwnd()).isEqualTo(bytes);
    }

    /** One RTT starting at {@code now}: all of cwnd ACKed in 2-SMSS ACKs spread over the RTT. */
    private long roundTrip(long now, long rtt) {
        long window = cc.cwnd();
        long acks = (window + 2 * MSS - 1) / (2 * MSS);
        for (long i = 0; i < acks; i++) {
            cc.onAck(Math.min(2 * MSS, window - i * 2 * MSS), rtt, cc.cwnd(), now + rtt * i / acks);
        }
        return now + rtt;
    }

    /** RFC 9438 equation (1) in bytes. */
    private static double rfcCubic(double tSeconds, double kSeconds, double wMaxBytes) {
        return 0.4 * Math.pow(tSeconds - kSeconds, 3) * MSS + wMaxBytes;
    }

    @Test
    void slowStartBelowSsthreshDoublesPerRtt() {
        long now = 0;
        for (int i = 0; i < 3; i++) {
            now = roundTrip(now, 100 * MS);
        }
        assertThat(cc.cwnd()).isEqualTo(80_000);
        assertThat(cc.name()).isEqualTo("cubic");
        assertThat(cc.ssthresh()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void lossMultipliesByBetaSevenTenths() {
        growTo(100_000);
        cc.onCongestionEvent(100_000, 0);
        assertThat(cc.cwnd()).isEqualTo(70_000);
        assertThat(cc.ssthresh()).isEqualTo(70_000);
        assertThat(cc.wMax()).isEqualTo(100_000);
        cc.onRecoveryEnd(0);
        assertThat(cc.cwnd()).isEqualTo(70_000);
        cc.onCongestionEvent(2_000, 0);
        assertThat(cc.cwnd()).isEqualTo(2 * MSS); // never below 2 SMSS
    }

    @Test
    void kAndTheCubicWindowFollowTheRfcFormula() {
        growTo(100_000);
        cc.onCongestionEvent(100_000, 0);
        long epoch = 5 * S;
        cc.onAck(MSS, 100 * MS, 70_000, epoch); // the first ACK of congestion avoidance starts the epoch
        double k = Math.cbrt((100.0 - 70.0) / 0.4); // K = cbrt((W_max - cwnd_epoch) / C), 4.217 s
        assertThat(cc.kNanos() / 1e9).isCloseTo(k, within(1e-6));
        for (double t : new double[] {0, 0.5, 1, 2, 3, 4, k, 5, 6, 8, 10}) {
            assertThat((double) cc.cubicWindow((long) (t * S)))
                    .as("W_cubic(%s s)", t)
                    .isCloseTo(rfcCubic(t, k, 100_000), within(30.0)); // 3 % of a segment
        }
        assertThat((double) cc.cubicWindow(0)).isCloseTo(70_000, within(30.0)); // K rounds to the millisecond
        assertThat(cc.cubicWindow(cc.kNanos())).isEqualTo(100_000L);
    }

    @Test
    void fastConvergenceLowersWmaxWhenLossComesBelowIt() {
        growTo(100_000);
        cc.onCongestionEvent(100_000, 0); // W_max 100 000, cwnd 70 000
        cc.onCongestionEvent(70_000, S); // cwnd 70 000 < W_max: W_max = 70 000 * (1 + 0.7) / 2
        assertThat(cc.wMax()).isEqualTo(59_500);
        assertThat(cc.cwnd()).isEqualTo(49_000);
        cc.onRecoveryEnd(S);
        for (int i = 0; i < 100 && cc.cwnd() <= 59_500; i++) {
            roundTrip(2 * S + i * 100 * MS, 100 * MS);
        }
        assertThat(cc.cwnd()).isGreaterThan(59_500);
        long cwnd = cc.cwnd();
        cc.onCongestionEvent(cwnd, 20 * S); // above W_max: W_max = cwnd
        assertThat(cc.wMax()).isEqualTo(cwnd);
    }

    @Test
    void theRenoFriendlyRegionDominatesAtASmallRttAndWindow() {
        growTo(20_000);
        cc.onCongestionEvent(20_000, 0); // W_max 20 segments, cwnd 14, K = cbrt(15) = 2.47 s
        cc.onRecoveryEnd(0);
        long rtt = MS;
        long start = S;
        long now = start;
        for (int i = 0; i < 500; i++) { // 0.5 s of 1 ms round trips
            now = roundTrip(now, rtt);
        }
        long t = now - start;
        // W_cubic(0.5 s) = 20 - 0.4 * 1.97^3 = 17 segments; Reno's estimate grew ~1 segment per RTT
        assertThat(cc.cubicWindow(t)).isLessThan(18_000);
        assertThat(cc.cwnd()).isEqualTo(cc.renoEstimate());
        // 14 segments, alpha 9/17 per RTT up to the previous cwnd (20 segments, ~11 RTTs), then 1 per RTT
        assertThat(cc.cwnd()).isBetween(480_000L, 510_000L);
    }

    @Test
    void growthIsConcaveBelowWmaxAndConvexAbove() {
        growTo(1_000_000);
        cc.onCongestionEvent(1_000_000, 0); // W_max 1000 segments, cwnd 700, K = cbrt(750) = 9.09 s
        cc.onRecoveryEnd(0);
        long rtt = 100 * MS;
        long start = S;
        long now = start;
        long[] cwndAt = new long[181]; // cwnd at the end of each RTT: 18 s
        cwndAt[0] = cc.cwnd();
        double k = Math.cbrt(750);
        for (int i = 1; i < cwndAt.length; i++) {
            now = roundTrip(now, rtt);
            cwndAt[i] = cc.cwnd();
            // cwnd tracks W_cubic: each RTT it moves to W_cubic(t + RTT) of the RTT's start
            double expected = rfcCubic(i * 0.1, k, 1_000_000);
            assertThat((double) cwndAt[i]).as("cwnd after %d RTTs", i).isCloseTo(expected, within(0.01 * expected));
        }
        long concave1 = cwndAt[30] - cwndAt[0];
        long concave2 = cwndAt[60] - cwndAt[30];
        long concave3 = cwndAt[90] - cwndAt[60];
        assertThat(concave1).isGreaterThan(concave2);
        assertThat(concave2).isGreaterThan(concave3);
        assertThat(concave3).isPositive();
        long convex1 = cwndAt[120] - cwndAt[90];
        long convex2 = cwndAt[150] - cwndAt[120];
        long convex3 = cwndAt[180] - cwndAt[150];
        assertThat(convex1).isLessThan(convex2);
        assertThat(convex2).isLessThan(convex3);
        assertThat((double) cwndAt[91]).isCloseTo(1_000_000, within(10_000.0)); // flat near W_max at K
    }

    @Test
    void perAckGrowthIsCappedAtHalfTheWindowPerRtt() {
        growTo(100_000);
        cc.onCongestionEvent(100_000, 0);
        cc.onRecoveryEnd(0);
        cc.onAck(MSS, 100 * MS, cc.cwnd(), S); // epoch start
        long before = cc.cwnd();
        roundTrip(100 * S, 100 * MS); // far in the convex region: W_cubic is huge, target clamps to 1.5 cwnd
        assertThat(cc.cwnd()).isBetween(before + before / 2 - MSS, before + before / 2 + MSS);
    }

    @Test
    void aTimeoutDropsToOneSegmentAndTheNextEpochHasKZero() {
        growTo(100_000);
        cc.onRetransmissionTimeout(100_000, 0);
        assertThat(cc.cwnd()).isEqualTo(MSS);
        assertThat(cc.ssthresh()).isEqualTo(70_000);
        long now = S;
        growTo(70_000); // slow start stops at ssthresh
        assertThat(cc.kNanos()).isZero();
        cc.onAck(MSS, 100 * MS, cc.cwnd(), now); // congestion avoidance starts the epoch
        assertThat(cc.kNanos()).isZero();
        assertThat(cc.wMax()).isEqualTo(70_000);
        long w = cc.cwnd();
        now = roundTrip(now, 100 * MS);
        assertThat(cc.cwnd()).isGreaterThanOrEqualTo(w); // convex from the start
    }

    @Test
    void aCongestionEventEndsTheEpoch() {
        growTo(100_000);
        cc.onCongestionEvent(100_000, 0);
        cc.onAck(MSS, 100 * MS, cc.cwnd(), S);
        assertThat(cc.kNanos()).isPositive();
        cc.onCongestionEvent(cc.cwnd(), 2 * S);
        assertThat(cc.kNanos()).isZero(); // until the next ACK in congestion avoidance
        cc.onAck(MSS, 100 * MS, cc.cwnd(), 3 * S);
        // W_max = 70 000 * 0.85 = 59 500 after fast convergence; cwnd 49 000: K = cbrt(10.5 / 0.4)
        assertThat(cc.kNanos() / 1e9).isCloseTo(Math.cbrt(10.5 / 0.4), within(1e-3));
    }

    @Test
    void idleRestartAndMssChange() {
        growTo(100_000);
        cc.onIdleRestart(S);
        assertThat(cc.cwnd()).isEqualTo(10_000);
        cc.onCongestionEvent(10_000, 2 * S);
        cc.mssChanged(500);
        assertThat(cc.cwnd()).isEqualTo(3_500);
        assertThat(cc.wMax()).isEqualTo(5_000);
        assertThat(cc.toString()).isEqualTo("cubic[cwnd=3500, ssthresh=3500, wMax=5000]");
    }
}
