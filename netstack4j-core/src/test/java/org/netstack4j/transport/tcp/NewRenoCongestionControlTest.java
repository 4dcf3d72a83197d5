package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NewRenoCongestionControlTest {
    private static final int MSS = 1000;
    private static final long RTT = 50_000_000L;

    private final CongestionControl cc = CongestionControls.NEW_RENO.create(MSS, 10 * MSS);

    /**
     * One RTT of a sender keeping all of cwnd in flight (each ACK lets it send more), ACKed every
     * {@code segmentsPerAck} segments.
     */
    private void roundTrip(int segmentsPerAck, long now) {
        long window = cc.cwnd();
        long acked = 0;
        while (acked < window) {
            long n = Math.min((long) segmentsPerAck * MSS, window - acked);
            cc.onAck(n, RTT, cc.cwnd(), now);
            acked += n;
        }
    }

    @Test
    void initialWindowFollowsRfc6928() {
        assertThat(CongestionControls.initialWindow(1460)).isEqualTo(14_600);
        assertThat(CongestionControls.initialWindow(536)).isEqualTo(5_360);
        assertThat(CongestionControls.initialWindow(1000)).isEqualTo(10_000);
        assertThat(CongestionControls.initialWindow(8960)).isEqualTo(17_920); // 2 * MSS dominates
        assertThat(cc.cwnd()).isEqualTo(10_000);
        assertThat(cc.ssthresh()).isEqualTo(Long.MAX_VALUE);
        assertThat(cc.name()).isEqualTo("newreno");
        assertThat(CongestionControls.byName("NewReno")).isSameAs(CongestionControls.NEW_RENO);
        assertThat(CongestionControls.byName("cubic")).isSameAs(CongestionControls.CUBIC);
        assertThat(CongestionControls.byName("bbr")).isNull();
        assertThatThrownBy(() -> CongestionControls.NEW_RENO.create(1000, 500))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void slowStartDoublesPerRttWithDelayedAcks() {
        long expected = 10_000;
        for (int rtt = 0; rtt < 5; rtt++) {
            roundTrip(2, rtt * RTT); // every ACK covers 2 segments: the ABC limit L = 2 SMSS, all counted
            expected *= 2;
            assertThat(cc.cwnd()).isEqualTo(expected);
        }
    }

    @Test
    void slowStartCountsAtMostTwoSegmentsPerStretchAck() {
        cc.onAck(8 * MSS, RTT, 10 * MSS, 0); // one ACK for 8 segments: +2 SMSS (RFC 3465 L = 2)
        assertThat(cc.cwnd()).isEqualTo(12_000);
        cc.onAck(500, RTT, 10 * MSS, 0); // a partial segment counts its bytes
        assertThat(cc.cwnd()).isEqualTo(12_500);
    }

    @Test
    void aSenderNotUsingTheWindowDoesNotGrowIt() {
        cc.onAck(2 * MSS, RTT, 2 * MSS, 0); // 2 of 10 segments in flight
        assertThat(cc.cwnd()).isEqualTo(10_000);
        cc.onAck(0, RTT, 10 * MSS, 0);
        assertThat(cc.cwnd()).isEqualTo(10_000);
    }

    @Test
    void lossHalvesTheFlightWithATwoSegmentFloor() {
        cc.onCongestionEvent(30_000, 0);
        assertThat(cc.ssthresh()).isEqualTo(15_000);
        assertThat(cc.cwnd()).isEqualTo(15_000);
        cc.onCongestionEvent(3_000, 0);
        assertThat(cc.ssthresh()).isEqualTo(2_000);
        assertThat(cc.cwnd()).isEqualTo(2_000);
    }

    @Test
    void congestionAvoidanceAddsOneSegmentPerCwndOfAckedBytes() {
        cc.onCongestionEvent(40_000, 0); // cwnd = ssthresh = 20 000
        cc.onRecoveryEnd(0);
        assertThat(cc.cwnd()).isEqualTo(20_000);
        for (int i = 0; i < 19; i++) {
            cc.onAck(MSS, RTT, 20_000, 0);
        }
        assertThat(cc.cwnd()).isEqualTo(20_000); // 19 000 of 20 000 bytes counted
        cc.onAck(MSS, RTT, 20_000, 0);
        assertThat(cc.cwnd()).isEqualTo(21_000);
        for (int rtt = 1; rtt <= 10; rtt++) {
            roundTrip(2, rtt * RTT);
        }
        assertThat(cc.cwnd()).isEqualTo(31_000); // +1 SMSS per RTT
    }

    @Test
    void slowStartStopsAtSsthresh() {
        cc.onCongestionEvent(24_000, 0); // ssthresh 12 000
        cc.onRetransmissionTimeout(24_000, 0); // cwnd 1 SMSS, ssthresh 12 000
        for (int i = 0; i < 5; i++) {
            cc.onAck(2 * MSS, RTT, cc.cwnd(), 0);
        }
        assertThat(cc.cwnd()).isEqualTo(11_000);
        cc.onAck(2 * MSS, RTT, cc.cwnd(), 0);
        assertThat(cc.cwnd()).isEqualTo(12_000); // not past ssthresh
        for (int i = 0; i < 5; i++) {
            cc.onAck(2 * MSS, RTT, cc.cwnd(), 0); // congestion avoidance: 10 000 of 12 000 bytes
        }
        assertThat(cc.cwnd()).isEqualTo(12_000);
        cc.onAck(2 * MSS, RTT, cc.cwnd(), 0);
        assertThat(cc.cwnd()).isEqualTo(13_000);
    }

    @Test
    void recoveryEndDeflatesToSsthresh() {
        roundTrip(2, 0); // 20 000
        cc.onCongestionEvent(20_000, 0);
        cc.onRecoveryEnd(RTT);
        assertThat(cc.cwnd()).isEqualTo(10_000);
        assertThat(cc.ssthresh()).isEqualTo(10_000);
    }

    @Test
    void timeoutFallsToTheLossWindow() {
        roundTrip(2, 0);
        roundTrip(2, RTT); // 40 000
        cc.onRetransmissionTimeout(36_000, 2 * RTT);
        assertThat(cc.cwnd()).isEqualTo(MSS);
        assertThat(cc.ssthresh()).isEqualTo(18_000);
        cc.onRetransmissionTimeout(MSS, 3 * RTT); // the retransmission is lost too
        assertThat(cc.ssthresh()).isEqualTo(2 * MSS);
        assertThat(cc.cwnd()).isEqualTo(MSS);
    }

    @Test
    void idleRestartCutsToTheInitialWindow() {
        roundTrip(2, 0);
        roundTrip(2, RTT);
        cc.onIdleRestart(10 * RTT);
        assertThat(cc.cwnd()).isEqualTo(10_000);
        cc.onRetransmissionTimeout(4_000, 11 * RTT);
        cc.onIdleRestart(20 * RTT);
        assertThat(cc.cwnd()).isEqualTo(MSS); // never raised by a restart
    }

    @Test
    void anMssChangeKeepsTheWindowsInSegments() {
        cc.onCongestionEvent(40_000, 0);
        cc.mssChanged(500);
        assertThat(cc.cwnd()).isEqualTo(10_000);
        assertThat(cc.ssthresh()).isEqualTo(10_000);
        cc.onIdleRestart(0);
        assertThat(cc.cwnd()).isEqualTo(5_000); // the initial window of 10 segments, now of 500 bytes
        assertThat(cc.toString()).isEqualTo("newreno[cwnd=5000, ssthresh=10000]");
    }
}
