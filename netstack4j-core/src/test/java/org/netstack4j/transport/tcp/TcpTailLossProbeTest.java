package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.TcpHeader.ACK;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.transport.tcp.TcpHarness.Seg;
import org.netstack4j.wire.TcpHeader;

/**
 * The tail-loss probe (RFC 8985 §7), segment by segment on a manual clock: a lost last segment is repaired by
 * a probe two SRTT (+ 2 ms) after the last ACK instead of by the RTO; a probe that proves needless (D-SACK) costs
 * nothing; without SACK there is no probe; the probe timeout never comes after the RTO.
 */
class TcpTailLossProbeTest {
    private static final int M = 1448;
    private static final int ISS_NEXT = 1001;

    private TcpHarness h = new TcpHarness(TcpConfig.builder().timeWait(Duration.ofSeconds(2)).build());

    /** Established with an RTT of {@code rttMillis} measured on the SYN; the peer's window 128000 bytes. */
    private void established(long rttMillis) {
        h.open();
        h.advanceMillis(rttMillis);
        h.finishHandshake();
        h.ack(ISS_NEXT, 1000);
        h.out.clear();
    }


    /** Four full segments from {@link #ISS_NEXT}; the peer acknowledges the first two 10 ms later. */
    private void fourSentTwoAcked() throws Exception {
        h.write(4 * M);
        assertThat(h.take()).hasSize(4);
        h.advanceMillis(10);
        h.sackAck(ISS_NEXT + 2 * M);
        assertThat(h.out).isEmpty();
    }

    @Test
    void aLostLastSegmentIsRetransmittedByAProbeAfterTwoSrttAndRepairedWithoutTimeout() throws Exception {
        established(10);
        long cwnd = h.c.sender.cc.cwnd();
        fourSentTwoAcked(); // segment 2's ACK is delayed by the peer; segment 3 is lost
        h.advanceMillis(21);
        assertThat(h.out).as("nothing before 2 SRTT + 2 ms (22 ms)").isEmpty();
        h.advanceMillis(2);
        List<Seg> probe = h.take();
        assertThat(probe).extracting(Seg::seq).containsExactly(ISS_NEXT + 3 * M);
        assertThat(probe.get(0).payload()).hasSize(M);
        assertThat(h.counters.get(TcpCounter.TLP_PROBES)).isEqualTo(1);
        assertThat(h.c.sender.cc.cwnd()).as("the probe itself takes no congestion response").isEqualTo(cwnd);
        assertThat(h.c.rtoTimer.deadline() - h.clock.nanoTime()).as("then the RTO")
                .isGreaterThan(h.c.sender.rtt.rto() - 2_000_000L);

        h.advanceMillis(10);
        h.sackAck(ISS_NEXT + 4 * M); // no D-SACK: the probe was the copy that arrived
        assertThat(h.counters.get(TcpCounter.TLP_RECOVERIES)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.TIMEOUTS)).isZero();
        assertThat(h.counters.get(TcpCounter.RETRANSMITS)).isEqualTo(1);
        // The loss takes the response fast recovery would have: a reduction, not the RTO's 1 MSS.
        assertThat(h.c.sender.cc.ssthresh()).isLessThan(Long.MAX_VALUE);
        assertThat(h.c.sender.cc.cwnd()).isLessThan(cwnd).isGreaterThan(M);
        assertThat(h.c.rtoTimer.isScheduled()).isFalse();
        h.advanceMillis(2000);
        assertThat(h.out).isEmpty();
        assertThat(h.counters.get(TcpCounter.TIMEOUTS)).isZero();
    }

    @Test
    void aNeedlessProbeAnsweredByADsackCostsNothingAndIsCountedSpurious() throws Exception {
        established(10);
        long cwnd = h.c.sender.cc.cwnd();
        fourSentTwoAcked(); // nothing lost: the peer only delays the ACK of segments 2-3
        h.advanceMillis(23);
        assertThat(h.take()).extracting(Seg::seq).containsExactly(ISS_NEXT + 3 * M);

        h.sackAck(ISS_NEXT + 4 * M, ISS_NEXT + 3 * M, ISS_NEXT + 4 * M); // everything, and the probe twice
        assertThat(h.counters.get(TcpCounter.TLP_PROBES)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.DSACKS_RECEIVED)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.SPURIOUS_RETRANSMITS)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.TLP_RECOVERIES)).isZero();
        assertThat(h.counters.get(TcpCounter.CONGESTION_UNDOS)).as("no response was taken").isZero();
        assertThat(h.c.sender.cc.ssthresh()).isEqualTo(Long.MAX_VALUE);
        assertThat(h.c.sender.cc.cwnd()).isGreaterThanOrEqualTo(cwnd);
        assertThat(h.c.sender.dupThresh()).isEqualTo(3);

        // The next flight may probe again: one probe per tail, not one per connection.
        h.write(4 * M);
        assertThat(h.take()).hasSize(4);
        h.advanceMillis(30);
        assertThat(h.counters.get(TcpCounter.TLP_PROBES)).isEqualTo(2);
        assertThat(h.take()).hasSize(1);
        h.advanceMillis(50);
        assertThat(h.out).as("at most one probe outstanding").isEmpty();
        assertThat(h.counters.get(TcpCounter.TLP_PROBES)).isEqualTo(2);
    }

    @Test
    void aProbeAcknowledgedBeforeItsDsackIsTakenForARepairThenUndone() throws Exception {
        established(10);
        long cwnd = h.c.sender.cc.cwnd();
        fourSentTwoAcked();
        h.advanceMillis(23);
        assertThat(h.take()).hasSize(1);
        h.sackAck(ISS_NEXT + 4 * M); // the delayed ACK of the originals crossed the probe
        assertThat(h.counters.get(TcpCounter.TLP_RECOVERIES)).isEqualTo(1);
        assertThat(h.c.sender.cc.cwnd()).isLessThan(cwnd);
        h.sackAck(ISS_NEXT + 4 * M, ISS_NEXT + 3 * M, ISS_NEXT + 4 * M); // then the probe's duplicate
        assertThat(h.counters.get(TcpCounter.SPURIOUS_RETRANSMITS)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.CONGESTION_UNDOS)).isEqualTo(1);
        assertThat(h.c.sender.cc.cwnd()).isGreaterThanOrEqualTo(cwnd);
        assertThat(h.c.sender.cc.ssthresh()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aNewDataProbeWhoseSackShowsTheTailHoleStartsFastRecovery() throws Exception {
        established(10);
        h.write(4 * M + 100); // four full segments; Nagle holds the 100 bytes while data is in flight
        assertThat(h.take()).hasSize(4);
        h.advanceMillis(10);
        h.sackAck(ISS_NEXT + 2 * M); // segments 2 and 3 are lost
        assertThat(h.out).isEmpty();
        h.advanceMillis(23);
        List<Seg> probe = h.take();
        assertThat(probe).extracting(Seg::seq).containsExactly(ISS_NEXT + 4 * M);
        assertThat(probe.get(0).payload()).as("new data").hasSize(100);
        assertThat(h.counters.get(TcpCounter.RETRANSMITS)).isZero();

        h.advanceMillis(10);
        h.sackAck(ISS_NEXT + 2 * M, ISS_NEXT + 4 * M, ISS_NEXT + 4 * M + 100);
        assertThat(h.counters.get(TcpCounter.FAST_RETRANSMITS)).isEqualTo(1);
        assertThat(h.take()).extracting(Seg::seq).containsExactly(ISS_NEXT + 2 * M, ISS_NEXT + 3 * M);
        h.advanceMillis(10);
        h.sackAck(ISS_NEXT + 4 * M + 100);
        assertThat(h.c.sender.inRecovery).isFalse();
        assertThat(h.counters.get(TcpCounter.TLP_RECOVERIES)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.TIMEOUTS)).isZero();
    }

    @Test
    void withoutSackThereIsNoProbeAndTheRtoRepairsTheTail() throws Exception {
        h = new TcpHarness(TcpConfig.builder().sack(false).timeWait(Duration.ofSeconds(2)).build());
        established(10);
        assertThat(h.c.sackOn).isFalse();
        h.write(4 * M);
        assertThat(h.take()).hasSize(4);
        h.advanceMillis(10);
        h.ack(ISS_NEXT + 2 * M, 1000);
        long rtoAt = h.clock.nanoTime() + h.c.sender.rtt.rto();
        assertThat(h.c.rtoTimer.deadline()).isEqualTo(rtoAt);
        h.advanceMillis(150);
        assertThat(h.out).isEmpty();
        h.advanceMillis(60);
        assertThat(h.counters.get(TcpCounter.TIMEOUTS)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.TLP_PROBES)).isZero();
        assertThat(h.take()).extracting(Seg::seq).first().isEqualTo(ISS_NEXT + 2 * M);
    }

    @Test
    void theProbeTimeoutNeverComesAfterTheRto() throws Exception {
        // A steady 300 ms RTT: RTTVAR decays until 2 SRTT exceeds SRTT + 4 RTTVAR.
        established(300);
        for (int i = 0; i < 4; i++) {
            h.write(2 * M);
            assertThat(h.take()).hasSize(2);
            h.advanceMillis(300);
            h.sackAck(h.c.sndMax);
        }
        RttEstimator rtt = h.c.sender.rtt;
        assertThat(2 * rtt.srtt()).isGreaterThan(rtt.rto());
        h.write(4 * M);
        h.take();
        long now = h.clock.nanoTime();
        assertThat(h.c.rtoTimer.deadline()).isEqualTo(now + rtt.rto());
        h.advanceMillis(rtt.rto() / 1_000_000L + 1);
        assertThat(h.counters.get(TcpCounter.TIMEOUTS)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.TLP_PROBES)).isZero();

        // One segment in flight: 2 SRTT plus the peer's worst-case delayed ACK, again capped by the RTO.
        TcpHarness one = new TcpHarness(TcpConfig.builder().timeWait(Duration.ofSeconds(2)).build());
        h = one;
        established(10);
        h.write(M);
        h.take();
        assertThat(h.c.rtoTimer.deadline()).isEqualTo(h.clock.nanoTime() + h.c.sender.rtt.rto());
        // A FIN after that segment is no second segment: still the RTO.
        h.c.appShutdownOutput();
        assertThat(h.last().has(TcpHeader.FIN)).isTrue();
        assertThat(h.c.rtoTimer.deadline()).isEqualTo(h.clock.nanoTime() + h.c.sender.rtt.rto());
    }

    @Test
    void theProbeOfAClosedStreamRetransmitsTheLastSegmentWithTheFin() throws Exception {
        established(10);
        h.write(4 * M);
        h.c.appShutdownOutput();
        List<Seg> flight = h.take();
        assertThat(flight).hasSize(5);
        assertThat(flight.get(4).has(TcpHeader.FIN)).isTrue(); // a bare FIN after the data
        h.advanceMillis(10);
        h.sackAck(ISS_NEXT + 2 * M); // segment 3 and the FIN lost
        h.advanceMillis(23);
        List<Seg> probe = h.take();
        assertThat(probe).hasSize(1);
        assertThat(probe.get(0).seq()).isEqualTo(ISS_NEXT + 3 * M);
        assertThat(probe.get(0).payload()).hasSize(M);
        assertThat(probe.get(0).has(TcpHeader.FIN)).isTrue();
        h.advanceMillis(10);
        h.sackAck(ISS_NEXT + 4 * M + 1);
        assertThat(h.counters.get(TcpCounter.TLP_RECOVERIES)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.TIMEOUTS)).isZero();
        assertThat(h.c.state()).isEqualTo(TcpState.FIN_WAIT_2);
    }

    @Test
    void noProbeDuringFastRecovery() throws Exception {
        h.open();
        h.finishHandshake();
        h.ack(ISS_NEXT, 1000);
        h.out.clear();
        h.write(10 * M);
        assertThat(h.take()).hasSize(10);
        // Fast recovery under way: the RTO, not a probe.
        h.sackAck(ISS_NEXT, ISS_NEXT + M, ISS_NEXT + 4 * M);
        assertThat(h.c.sender.inRecovery).isTrue();
        h.take();
        h.advanceMillis(100);
        assertThat(h.counters.get(TcpCounter.TLP_PROBES)).isZero();
        assertThat(h.out).isEmpty();
    }
}
