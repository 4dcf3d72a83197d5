package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.TcpHeader.ACK;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.transport.tcp.TcpHarness.Seg;
import org.netstack4j.wire.SeqNum;

/**
 * TCP under reordering, segment by segment on a manual clock: D-SACK blocks we send for duplicate data (RFC
 * 2883), D-SACKs we receive proving a retransmission spurious (RFC 3708), the undo of its congestion response,
 * and the DupThresh raised to the reordering degree seen; a genuine loss still recovers as before.
 */
class TcpReorderingTest {
    private static final int M = 1448;
    // No tail-loss probes: on this clock the RTT is ~0, so a probe would come 2 ms after each flight and mix
    // into the loss episodes under test (TcpTailLossProbeTest covers them).
    private final TcpHarness h = new TcpHarness(
            TcpConfig.builder().timeWait(Duration.ofSeconds(2)).tailLossProbe(false).build());

    // --- receiver: D-SACK blocks -------------------------------------------------------------------------

    @Test
    void anEntirelyOldSegmentIsAnsweredWithItsRangeAsTheFirstSackBlockOnce() {
        h.established();
        h.data(5001, 1000, 0);
        h.out.clear();
        h.data(5001, 1000, 0); // again: our ACK was slow, or the peer retransmitted spuriously
        Seg ack = h.last();
        assertThat(ack.ack()).isEqualTo(6001);
        assertThat(ack.options().sackBlockCount()).isEqualTo(1);
        assertThat(ack.options().sackLeft(0)).isEqualTo(5001);
        assertThat(ack.options().sackRight(0)).isEqualTo(6001);
        assertThat(h.counters.get(TcpCounter.DSACKS_SENT)).isEqualTo(1);
        h.out.clear();
        h.data(6001 + 500, 100, 0); // out of order: an ordinary SACK block, the D-SACK is not repeated
        assertThat(h.last().options().sackBlockCount()).isEqualTo(1);
        assertThat(h.last().options().sackLeft(0)).isEqualTo(6501);
        assertThat(h.counters.get(TcpCounter.DSACKS_SENT)).isEqualTo(1);
    }

    @Test
    void aPartlyOldSegmentReportsItsOldPartAndTakesTheRest() {
        h.established();
        h.data(5001, 1000, 0);
        h.out.clear();
        h.data(5501, 1000, 0); // [5501, 6001) old, [6001, 6501) new
        Seg ack = h.last();
        assertThat(ack.ack()).isEqualTo(6501);
        assertThat(ack.options().sackBlockCount()).isEqualTo(1);
        assertThat(ack.options().sackLeft(0)).isEqualTo(5501);
        assertThat(ack.options().sackRight(0)).isEqualTo(6001);
    }

    @Test
    void aDuplicateOfHeldOutOfOrderDataIsReportedFirstWithItsContainingBlockSecond() {
        h.established();
        h.data(6001, 1000, 0);
        h.data(7001, 1000, 0); // held: [6001, 8001), the hole [5001, 6001)
        h.data(9001, 100, 0); // a second island [9001, 9101)
        h.out.clear();
        h.data(7001, 1000, 0);
        Seg ack = h.last();
        assertThat(ack.ack()).isEqualTo(5001);
        assertThat(ack.options().sackBlockCount()).isEqualTo(3);
        assertThat(ack.options().sackLeft(0)).isEqualTo(7001);
        assertThat(ack.options().sackRight(0)).isEqualTo(8001);
        assertThat(ack.options().sackLeft(1)).isEqualTo(6001);
        assertThat(ack.options().sackRight(1)).isEqualTo(8001);
        assertThat(ack.options().sackLeft(2)).isEqualTo(9001);
        assertThat(h.counters.get(TcpCounter.DSACKS_SENT)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.OUT_OF_ORDER)).isEqualTo(3);
    }

    // --- sender: spurious retransmissions, undo, DupThresh ------------------------------------------------


    /** Established, the SYN acknowledged, 10 full segments from {@code 1001} in flight. */
    private void tenSegmentsInFlight() throws Exception {
        h.established();
        h.ack(1001, 1000);
        h.out.clear();
        h.write(10 * M);
        assertThat(h.take()).hasSize(10);
    }

    /**
     * Segment 0 (from {@code base}) overtaken by segments 1–3: three SACKs, a fast retransmit of segment 0, then
     * the original arrives (the ACK jumps past segment 3) and the retransmission after it (a D-SACK below the ACK).
     */
    private void reorderedThenDsacked(int base, boolean dsack) {
        h.sackAck(base, base + M, base + 2 * M);
        h.sackAck(base, base + M, base + 3 * M);
        h.sackAck(base, base + M, base + 4 * M);
        h.sackAck(base + 4 * M);
        if (dsack) {
            h.sackAck(base + 4 * M, base, base + M);
        }
    }

    @Test
    void aDsackForAFastRetransmissionCountsItSpuriousAndUndoesTheReduction() throws Exception {
        tenSegmentsInFlight();
        long cwnd = h.c.sender.cc.cwnd();
        assertThat(h.c.sender.cc.ssthresh()).isEqualTo(Long.MAX_VALUE);
        h.sackAck(1001, 1001 + M, 1001 + 2 * M);
        h.sackAck(1001, 1001 + M, 1001 + 3 * M);
        assertThat(h.out).isEmpty();
        h.sackAck(1001, 1001 + M, 1001 + 4 * M);
        assertThat(h.counters.get(TcpCounter.FAST_RETRANSMITS)).isEqualTo(1);
        assertThat(h.take()).extracting(Seg::seq).containsExactly(1001);
        assertThat(h.c.sender.cc.cwnd()).isLessThan(cwnd);
        assertThat(h.c.sender.cc.ssthresh()).isLessThan(Long.MAX_VALUE);

        h.sackAck(1001 + 4 * M); // the original arrived late: segments 0-3 acknowledged
        assertThat(h.counters.get(TcpCounter.CONGESTION_UNDOS)).isZero();
        h.sackAck(1001 + 4 * M, 1001, 1001 + M); // then the retransmission: a D-SACK below the ACK
        assertThat(h.counters.get(TcpCounter.DSACKS_RECEIVED)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.SPURIOUS_RETRANSMITS)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.CONGESTION_UNDOS)).isEqualTo(1);
        assertThat(h.c.sender.cc.cwnd()).isEqualTo(cwnd);
        assertThat(h.c.sender.cc.ssthresh()).isEqualTo(Long.MAX_VALUE);
        assertThat(h.c.sender.inRecovery).isFalse();
        // Three segments overtook segment 0: DupThresh 4 makes the same reordering no loss.
        assertThat(h.c.sender.dupThresh()).isEqualTo(4);
        assertThat(h.counters.get(TcpCounter.REORDERING_RAISED)).isEqualTo(1);
        // The same D-SACK again (a repeated ACK) changes nothing more.
        h.sackAck(1001 + 4 * M, 1001, 1001 + M);
        assertThat(h.counters.get(TcpCounter.SPURIOUS_RETRANSMITS)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.CONGESTION_UNDOS)).isEqualTo(1);
    }

    @Test
    void aDsackInsideTheSecondBlockCountsButOnlyAnEpisodeAllSpuriousIsUndone() throws Exception {
        tenSegmentsInFlight();
        int s4 = 1001 + 4 * M;
        // Segment 0 is lost; segment 4 only falls behind 5-7.
        h.sackAck(1001, 1001 + M, 1001 + 4 * M);
        assertThat(h.take()).extracting(Seg::seq).containsExactly(1001);
        h.sackAck(1001, 1001 + M, 1001 + 4 * M, s4 + M, s4 + 4 * M); // segment 4 now IsLost: retransmitted
        assertThat(h.take()).extracting(Seg::seq).containsExactly(s4);
        h.sackAck(1001, 1001 + M, s4 + 4 * M); // its original arrives
        h.sackAck(1001, s4, s4 + M, 1001 + M, s4 + 4 * M); // then the retransmission: D-SACK in the second block
        assertThat(h.counters.get(TcpCounter.DSACKS_RECEIVED)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.SPURIOUS_RETRANSMITS)).isEqualTo(1);
        // Segment 0's retransmission was a real repair: the reduction stays.
        assertThat(h.counters.get(TcpCounter.CONGESTION_UNDOS)).isZero();
        assertThat(h.c.sender.inRecovery).isTrue();
        assertThat(h.c.sender.cc.ssthresh()).isLessThan(Long.MAX_VALUE);
        assertThat(h.c.sender.dupThresh()).as("three segments overtook segment 4").isEqualTo(4);
        // A D-SACK of data we never retransmitted (a duplicate made by the network) proves nothing.
        h.sackAck(1001, 1001 + M, 1001 + 2 * M, 1001 + M, s4 + 4 * M);
        assertThat(h.counters.get(TcpCounter.DSACKS_RECEIVED)).isEqualTo(2);
        assertThat(h.counters.get(TcpCounter.SPURIOUS_RETRANSMITS)).isEqualTo(1);
    }

    @Test
    void afterOneReorderingTheSameDegreeNoLongerTriggersFastRetransmitButAGenuineLossStillDoes() throws Exception {
        tenSegmentsInFlight();
        reorderedThenDsacked(1001, true);
        assertThat(h.c.sender.dupThresh()).isEqualTo(4);
        h.sackAck(1001 + 10 * M);
        h.out.clear();
        long cwnd = h.c.sender.cc.cwnd();

        // The same reordering again: three segments overtake one. No retransmission, no reduction.
        int base = 1001 + 10 * M;
        h.write(10 * M);
        assertThat(h.take()).hasSize(10);
        h.sackAck(base, base + M, base + 2 * M);
        h.sackAck(base, base + M, base + 3 * M);
        h.sackAck(base, base + M, base + 4 * M);
        assertThat(h.out).as("segments sent for three SACKs above a hole at DupThresh 4").isEmpty();
        assertThat(h.counters.get(TcpCounter.FAST_RETRANSMITS)).isEqualTo(1);
        h.sackAck(base + 4 * M); // the late segment arrives
        assertThat(h.c.sender.inRecovery).isFalse();
        assertThat(h.c.sender.cc.cwnd()).isGreaterThanOrEqualTo(cwnd);
        assertThat(h.counters.get(TcpCounter.RETRANSMITS)).isEqualTo(1);
        h.sackAck(base + 10 * M);
        h.out.clear();

        // A genuine loss: four segments SACKed above a hole that the retransmission fills. Fast retransmit,
        // recovery, a reduction that stays.
        base += 10 * M;
        h.write(10 * M);
        h.take();
        h.sackAck(base, base + M, base + 2 * M);
        h.sackAck(base, base + M, base + 3 * M);
        h.sackAck(base, base + M, base + 4 * M);
        assertThat(h.out).isEmpty();
        long before = h.c.sender.cc.cwnd();
        h.sackAck(base, base + M, base + 5 * M);
        assertThat(h.counters.get(TcpCounter.FAST_RETRANSMITS)).isEqualTo(2);
        List<Seg> sent = h.take();
        assertThat(sent.get(0).seq()).isEqualTo(base);
        assertThat(sent.get(0).payload()).hasSize(M);
        assertThat(h.c.sender.inRecovery).isTrue();
        long reduced = h.c.sender.cc.cwnd();
        assertThat(reduced).isLessThan(before);
        h.sackAck(base + 10 * M); // the retransmission filled the hole: recovery over, no D-SACK, no undo
        assertThat(h.c.sender.inRecovery).isFalse();
        assertThat(h.counters.get(TcpCounter.CONGESTION_UNDOS)).isEqualTo(1);
        assertThat(h.c.sender.cc.cwnd()).isLessThanOrEqualTo(reduced);
        assertThat(h.c.sender.dupThresh()).isEqualTo(4);
    }

    @Test
    void onceReorderingWasSeenAHoleOlderThanTheReorderingWindowIsLostWhateverDupThresh() throws Exception {
        tenSegmentsInFlight();
        reorderedThenDsacked(1001, true);
        assertThat(h.c.sender.dupThresh()).isEqualTo(4);
        h.sackAck(1001 + 10 * M);
        h.out.clear();
        int base = 1001 + 10 * M;
        h.write(10 * M);
        assertThat(h.take()).hasSize(10);
        h.sackAck(base, base + M, base + 2 * M); // one segment above the hole: no loss by count
        h.advanceMillis(1); // the reordering window here: its floor, 1 ms (the RTT on this clock is ~0)
        h.sackAck(base, base + M, base + 3 * M); // still below DupThresh, but the first SACK is 1 ms old
        assertThat(h.counters.get(TcpCounter.FAST_RETRANSMITS)).isEqualTo(2);
        assertThat(h.take()).extracting(Seg::seq).startsWith(base);
        assertThat(h.c.sender.inRecovery).isTrue();
    }

    @Test
    void withoutReorderingSeenTimeAloneMarksNothing() throws Exception {
        tenSegmentsInFlight();
        h.sackAck(1001, 1001 + M, 1001 + 2 * M);
        h.advanceMillis(5);
        h.sackAck(1001, 1001 + M, 1001 + 3 * M);
        assertThat(h.out).isEmpty();
        assertThat(h.counters.get(TcpCounter.FAST_RETRANSMITS)).isZero();
    }

    @Test
    void aGenuineLossAtTheInitialThresholdRecoversWithoutUndo() throws Exception {
        tenSegmentsInFlight();
        reorderedThenDsacked(1001, false);
        assertThat(h.counters.get(TcpCounter.FAST_RETRANSMITS)).isEqualTo(1);
        h.sackAck(1001 + 10 * M);
        assertThat(h.counters.get(TcpCounter.SPURIOUS_RETRANSMITS)).isZero();
        assertThat(h.counters.get(TcpCounter.CONGESTION_UNDOS)).isZero();
        assertThat(h.c.sender.cc.ssthresh()).isLessThan(Long.MAX_VALUE);
        assertThat(h.c.sender.dupThresh()).isEqualTo(SackScoreboard.DUP_THRESH);
    }

    @Test
    void aSpuriousTimeoutIsUndoneByTheDsackOfItsRetransmission() throws Exception {
        tenSegmentsInFlight();
        long cwnd = h.c.sender.cc.cwnd();
        h.advanceMillis(1100); // the initial RTO (1 s) fires: segment 0 again, cwnd 1 MSS
        assertThat(h.counters.get(TcpCounter.TIMEOUTS)).isEqualTo(1);
        assertThat(h.take()).extracting(Seg::seq).containsExactly(1001);
        assertThat(h.c.sender.cc.cwnd()).isEqualTo(M);
        h.sackAck(1001 + 10 * M); // the originals were only slow
        h.sackAck(1001 + 10 * M, 1001, 1001 + M);
        assertThat(h.counters.get(TcpCounter.SPURIOUS_RETRANSMITS)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.CONGESTION_UNDOS)).isEqualTo(1);
        assertThat(h.c.sender.cc.cwnd()).isGreaterThanOrEqualTo(cwnd);
        assertThat(h.c.sender.cc.ssthresh()).isEqualTo(Long.MAX_VALUE);
        assertThat(h.c.sender.dupThresh()).as("a timeout says nothing of reordering")
                .isEqualTo(SackScoreboard.DUP_THRESH);
    }

    @Test
    void aLateSegmentNeverRetransmittedBelowSackedDataRaisesTheThreshold() throws Exception {
        h.established();
        h.ack(1001, 1000);
        h.out.clear();
        h.write(40 * M);
        assertThat(h.take()).hasSize(10);
        for (int i = 1; i <= 10; i++) {
            h.sackAck(1001 + i * M); // slow start: cwnd 20 segments, 20 in flight
        }
        int base = 1001 + 10 * M;
        assertThat(SeqNum.diff(h.c.sndMax, base)).isEqualTo(20 * M);
        h.out.clear();
        // Segment 0 lost, segment 1 late: both IsLost; the pipe (15 segments not lost plus 1 retransmitted)
        // is above the reduced cwnd, so only segment 0 goes.
        h.sackAck(base, base + 2 * M, base + 5 * M);
        assertThat(h.take()).extracting(Seg::seq).containsExactly(base);
        assertThat(h.c.sender.dupThresh()).isEqualTo(SackScoreboard.DUP_THRESH);
        h.sackAck(base, base + M, base + 5 * M); // segment 1's original, after three later ones
        assertThat(h.c.sender.dupThresh()).isEqualTo(4);
        assertThat(h.counters.get(TcpCounter.REORDERING_RAISED)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.SPURIOUS_RETRANSMITS)).isZero();
    }

    // --- congestion controllers ---------------------------------------------------------------------------

    @Test
    void newRenoUndoRestoresCwndAndSsthreshOnce() {
        NewRenoCongestionControl cc = new NewRenoCongestionControl(1000, 10_000);
        cc.onCongestionEvent(10_000, 0);
        assertThat(cc.cwnd()).isEqualTo(5000);
        cc.undo(1);
        assertThat(cc.cwnd()).isEqualTo(10_000);
        assertThat(cc.ssthresh()).isEqualTo(Long.MAX_VALUE);
        cc.onCongestionEvent(10_000, 2);
        cc.onRetransmissionTimeout(5000, 3);
        assertThat(cc.cwnd()).isEqualTo(1000);
        cc.undo(4); // only the last response: back to the recovery's window
        assertThat(cc.cwnd()).isEqualTo(5000);
        assertThat(cc.ssthresh()).isEqualTo(5000);
        cc.undo(5);
        assertThat(cc.cwnd()).isEqualTo(5000);
    }

    @Test
    void cubicUndoRestoresTheWindowsAndWMax() {
        CubicCongestionControl cc = new CubicCongestionControl(1000, 10_000);
        cc.onCongestionEvent(10_000, 0); // W_max 10 000
        assertThat(cc.wMax()).isEqualTo(10_000);
        long ssthresh = cc.ssthresh();
        cc.onCongestionEvent(7000, 1); // below the previous W_max: fast convergence, W_max 5950
        assertThat(cc.wMax()).isEqualTo(5950);
        cc.undo(2);
        assertThat(cc.cwnd()).isEqualTo(7000);
        assertThat(cc.ssthresh()).isEqualTo(ssthresh);
        assertThat(cc.wMax()).isEqualTo(10_000);
        cc.undo(3);
        assertThat(cc.wMax()).isEqualTo(10_000);
    }
}
