package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.TcpHeader.ACK;
import static org.netstack4j.wire.TcpHeader.FIN;
import static org.netstack4j.wire.TcpHeader.PSH;
import static org.netstack4j.wire.TcpHeader.RST;
import static org.netstack4j.wire.TcpHeader.SYN;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.transport.tcp.TcpHarness.Seg;

/** Segment-by-segment rules of one connection on a manual clock with a capturing sink. */
class TcpConnectionTest {
    private static final TcpConfig CONFIG = TcpConfig.builder().timeWait(Duration.ofSeconds(2)).build();
    private final TcpHarness h = new TcpHarness(CONFIG);

    @Test
    void synCarriesMssWindowScaleSackPermittedAndTimestamps() {
        Seg syn = h.open();
        assertThat(syn.seq()).isEqualTo(1000);
        assertThat(syn.flags()).isEqualTo(SYN);
        assertThat(syn.window()).isEqualTo(65535);
        assertThat(syn.options().mss()).isEqualTo(1460);
        assertThat(syn.options().windowScale()).isEqualTo(1); // 64 KiB buffer needs one shift
        assertThat(syn.options().sackPermitted()).isTrue();
        assertThat(syn.options().hasTimestamps()).isTrue();
        assertThat(syn.options().tsEcr()).isZero();
        assertThat(h.c.state()).isEqualTo(TcpState.SYN_SENT);
    }

    @Test
    void synAckIsAcknowledgedWithTheEchoedTimestampAndTheConnectionIsEstablished() {
        Seg ack = h.established();
        assertThat(h.c.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(ack.flags()).isEqualTo(ACK);
        assertThat(ack.seq()).isEqualTo(1001);
        assertThat(ack.ack()).isEqualTo(5001);
        assertThat(ack.options().tsEcr()).isEqualTo(777);
        assertThat(ack.options().hasMss()).isFalse();
        assertThat(ack.window()).isEqualTo(32768); // 64 KiB >> 1
        assertThat(h.c.effectiveMss()).isEqualTo(1448); // 1460 less 12 bytes of timestamps
        assertThat(h.c.establishedFuture()).isCompleted();
    }

    @Test
    void peerWithoutOptionsGetsNoneAndItsMssDefaultsTo536() {
        h.open();
        var s = h.segment(5000, 1001, SYN | ACK, 8000, 0);
        h.c.segmentArrived(s, h.clock.nanoTime());
        Seg ack = h.last();
        assertThat(ack.options().hasTimestamps()).isFalse();
        assertThat(ack.window()).isEqualTo(65535); // no scaling: capped at 64 KiB - 1
        assertThat(h.c.effectiveMss()).isEqualTo(536);
        assertThat(h.c.sndWnd).isEqualTo(8000);
    }

    @Test
    void resetToOurSynWithAnAcceptableAckRefusesTheConnection() {
        h.open();
        h.c.segmentArrived(h.segment(0, 1001, RST | ACK, 0, 0), h.clock.nanoTime());
        assertThat(h.c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(h.c.establishedFuture()).isCompletedExceptionally();
        assertThat(h.ctx.table.size()).isZero();
    }

    @Test
    void synAckWithABadAckIsAnsweredWithReset() {
        h.open();
        h.out.clear();
        h.c.segmentArrived(h.segment(5000, 4242, SYN | ACK, 1000, 0), h.clock.nanoTime());
        assertThat(h.last().flags()).isEqualTo(RST);
        assertThat(h.last().seq()).isEqualTo(4242);
        assertThat(h.c.state()).isEqualTo(TcpState.SYN_SENT);
    }

    @Test
    void dataGoesOutInFullSegmentsUpToTheInitialWindow() throws Exception {
        h.established();
        h.ack(1001, 1000); // window 1000 << 7 = 128000
        h.out.clear();
        h.write(20 * 1448);
        List<Seg> sent = h.take();
        assertThat(sent).hasSize(10); // RFC 6928 initial window: 10 segments
        for (int i = 0; i < 10; i++) {
            assertThat(sent.get(i).seq()).isEqualTo(1001 + i * 1448);
            assertThat(sent.get(i).payload()).hasSize(1448);
            assertThat(sent.get(i).ack()).isEqualTo(5001);
        }
        // An ACK of two segments lets more out (slow start).
        h.ack(1001 + 2 * 1448, 1000);
        assertThat(h.take()).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void retransmissionTimeoutResendsTheFirstSegmentAndBacksOff() throws Exception {
        h.established();
        h.ack(1001, 1000);
        h.out.clear();
        h.write(1448);
        assertThat(h.take()).hasSize(1);
        h.advanceMillis(199);
        assertThat(h.out).isEmpty();
        h.advanceMillis(2); // RTO = 200 ms (the minimum) after the handshake sample
        Seg again = h.last();
        assertThat(again.seq()).isEqualTo(1001);
        assertThat(again.payload()).hasSize(1448);
        assertThat(h.counters.get(TcpCounter.TIMEOUTS)).isEqualTo(1);
        h.out.clear();
        h.advanceMillis(399);
        assertThat(h.out).isEmpty(); // backed off to 400 ms
        h.advanceMillis(2);
        assertThat(h.last().seq()).isEqualTo(1001);
        // The echoed timestamp is unambiguous (RFC 7323): its sample ends the backoff.
        assertThat(h.c.sender.rtt.backoffs()).isEqualTo(2);
        h.ack(1001 + 1448, 1000);
        assertThat(h.c.sender.rtt.backoffs()).isZero();
    }

    @Test
    void withoutTimestampsKarnsRuleTakesNoSampleFromARetransmission() throws Exception {
        h.open();
        h.c.segmentArrived(h.segment(5000, 1001, SYN | ACK, 65535, 0), h.clock.nanoTime());
        h.peerSeq = 5001;
        h.out.clear();
        h.write(100);
        h.advanceMillis(201);
        assertThat(h.counters.get(TcpCounter.TIMEOUTS)).isEqualTo(1);
        long srtt = h.c.sender.rtt.srtt();
        h.ack(1101, 65535);
        assertThat(h.c.sender.rtt.srtt()).isEqualTo(srtt);
        assertThat(h.c.sender.rtt.backoffs()).isEqualTo(1);
    }

    @Test
    void outOfOrderDataIsAcknowledgedAtOnceWithASackBlockAndReassembled() throws Exception {
        h.established();
        h.out.clear();
        h.data(5001 + 1000, 500, 0); // a hole of 1000 bytes
        Seg dup = h.last();
        assertThat(dup.ack()).isEqualTo(5001);
        assertThat(dup.options().sackBlockCount()).isEqualTo(1);
        assertThat(dup.options().sackLeft(0)).isEqualTo(6001);
        assertThat(dup.options().sackRight(0)).isEqualTo(6501);
        h.data(5001 + 2000, 100, 0); // a second island: the newest block first
        assertThat(h.last().options().sackBlockCount()).isEqualTo(2);
        assertThat(h.last().options().sackLeft(0)).isEqualTo(7001);
        assertThat(h.last().options().sackLeft(1)).isEqualTo(6001);
        h.data(5001, 1000, 0); // fills the first hole
        assertThat(h.last().ack()).isEqualTo(6501);
        assertThat(h.last().options().sackBlockCount()).isEqualTo(1);
        assertThat(h.c.rcv.available()).isEqualTo(1500);
        byte[] got = new byte[1500];
        h.c.rcv.read(got, 0, 1500, Long.MAX_VALUE);
        for (int i = 0; i < 1500; i++) {
            assertThat(got[i]).as("byte %d", i).isEqualTo((byte) (i < 1000 ? 5001 + i : 6001 + i - 1000));
        }
    }

    @Test
    void threeDuplicateAcksTriggerFastRetransmit() throws Exception {
        h.established();
        h.ack(1001, 1000);
        h.out.clear();
        h.write(8 * 1448);
        assertThat(h.take()).hasSize(8);
        h.ack(1001, 1000);
        h.ack(1001, 1000);
        assertThat(h.out).isEmpty();
        h.ack(1001, 1000);
        Seg rtx = h.last();
        assertThat(rtx.seq()).isEqualTo(1001);
        assertThat(rtx.payload()).hasSize(1448);
        assertThat(h.counters.get(TcpCounter.FAST_RETRANSMITS)).isEqualTo(1);
        assertThat(h.c.sender.inRecovery).isTrue();
        // A full ACK ends the recovery.
        h.ack(1001 + 8 * 1448, 1000);
        assertThat(h.c.sender.inRecovery).isFalse();
    }


    @Test
    void sackRecoveryRetransmitsOnlyTheHolesTheReceiverReports() throws Exception {
        h.established();
        h.ack(1001, 1000);
        h.out.clear();
        int m = 1448;
        h.write(10 * m);
        assertThat(h.take()).hasSize(10);
        // Segments 0 and 4 are lost; the receiver SACKs the others as they come.
        h.sackAck(1001, 1001 + m, 1001 + 2 * m);
        h.sackAck(1001, 1001 + m, 1001 + 3 * m);
        assertThat(h.out).isEmpty();
        h.sackAck(1001, 1001 + m, 1001 + 4 * m); // three SACKed segments above the hole: IsLost(SND.UNA)
        assertThat(h.counters.get(TcpCounter.FAST_RETRANSMITS)).isEqualTo(1);
        assertThat(h.out).isNotEmpty();
        assertThat(h.out.get(0).seq()).isEqualTo(1001);
        assertThat(h.out.get(0).payload()).hasSize(m);
        h.out.clear();
        h.sackAck(1001, 1001 + m, 1001 + 4 * m, 1001 + 5 * m, 1001 + 8 * m);
        // The second hole (segment 4) is lost too now (3 segments SACKed above it): it goes, nothing SACKed does.
        assertThat(h.out).extracting(Seg::seq).contains(1001 + 4 * m);
        for (Seg seg : h.out) {
            boolean sacked = (seg.seq() >= 1001 + m && seg.seq() < 1001 + 4 * m)
                    || (seg.seq() >= 1001 + 5 * m && seg.seq() < 1001 + 8 * m);
            assertThat(sacked).as("retransmitted a SACKed segment: %s", seg).isFalse();
        }
        // The cumulative ACK past the recovery point ends the recovery.
        h.ack(1001 + 10 * m, 1000);
        assertThat(h.c.sender.inRecovery).isFalse();
    }

    @Test
    void delayedAckWaitsForASecondSegmentOrTheTimer() {
        h.established();
        int seq = 5001;
        for (int i = 0; i < 16; i++) { // quick-ACK phase: every segment acknowledged at once
            h.data(seq, 100, 0);
            seq += 100;
        }
        h.c.rcv.shutInput(); // keep the window open: discard what arrives
        h.out.clear();
        h.data(seq, 100, 0);
        seq += 100;
        assertThat(h.out).as("one small segment is not acknowledged at once").isEmpty();
        h.advanceMillis(39);
        assertThat(h.out).isEmpty();
        h.advanceMillis(2);
        assertThat(h.last().ack()).isEqualTo(seq);
        h.out.clear();
        h.data(seq, 1460, 0);
        assertThat(h.out).isEmpty();
        h.data(seq + 1460, 1460, 0);
        assertThat(h.last().ack()).as("every second full segment").isEqualTo(seq + 2920);
    }

    @Test
    void nagleHoldsASecondSmallSegmentUntilTheFirstIsAcknowledged() throws Exception {
        h.established();
        h.ack(1001, 1000);
        h.out.clear();
        h.write(10);
        assertThat(h.take()).hasSize(1);
        h.write(10);
        assertThat(h.out).isEmpty();
        h.ack(1011, 1000);
        Seg second = h.last();
        assertThat(second.seq()).isEqualTo(1011);
        assertThat(second.flags()).isEqualTo(ACK | PSH);
        h.out.clear();
        h.c.noDelay(true);
        h.write(10);
        h.write(10);
        assertThat(h.take()).as("no delay: both go at once").hasSize(2);
    }

    @Test
    void resetInTheWindowButNotExactGetsAChallengeAckAndAnExactOneResets() {
        h.established();
        h.out.clear();
        h.c.segmentArrived(h.segment(5001 + 100, 0, RST, 0, 0), h.clock.nanoTime());
        assertThat(h.c.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(h.last().flags()).isEqualTo(ACK);
        assertThat(h.last().ack()).isEqualTo(5001);
        assertThat(h.counters.get(TcpCounter.CHALLENGE_ACKS)).isEqualTo(1);
        h.c.segmentArrived(h.segment(5001, 0, RST, 0, 0), h.clock.nanoTime());
        assertThat(h.c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(h.counters.get(TcpCounter.RESETS_IN)).isEqualTo(1);
    }

    @Test
    void synInASynchronizedStateGetsAChallengeAck() {
        h.established();
        h.out.clear();
        h.c.segmentArrived(h.segment(9999, 0, SYN, 1000, 0), h.clock.nanoTime());
        assertThat(h.c.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(h.last().flags()).isEqualTo(ACK);
        assertThat(h.last().ack()).isEqualTo(5001);
    }

    @Test
    void pawsDropsASegmentWithAnOldTimestamp() {
        h.established();
        h.out.clear();
        var s = h.segment(5001, 1001, ACK, 1000, 100);
        s.options.setTimestamps(700, h.lastTsVal()); // older than 777
        h.c.segmentArrived(s, h.clock.nanoTime());
        assertThat(h.counters.get(TcpCounter.DROP_PAWS)).isEqualTo(1);
        assertThat(h.c.rcv.available()).isZero();
        assertThat(h.last().ack()).isEqualTo(5001);
    }

    @Test
    void zeroWindowHoldsDataAndAProbeGoesOutOnTheTimer() throws Exception {
        h.established();
        h.ack(1001, 0);
        h.out.clear();
        h.write(100);
        assertThat(h.out).isEmpty();
        h.advanceMillis(201);
        Seg probe = h.last();
        assertThat(probe.seq()).isEqualTo(1001);
        assertThat(probe.payload()).hasSize(1);
        assertThat(h.counters.get(TcpCounter.WINDOW_PROBES)).isEqualTo(1);
        h.out.clear();
        h.ack(1002, 1000); // the window opens
        assertThat(h.last().seq()).isEqualTo(1002);
        assertThat(h.last().payload()).hasSize(99);
    }

    @Test
    void activeCloseGoesThroughFinWait2AndTimeWaitAndIsForgottenAfter2Msl() throws Exception {
        h.established();
        h.out.clear();
        h.c.appShutdownOutput();
        Seg fin = h.last();
        assertThat(fin.flags()).isEqualTo(ACK | FIN);
        assertThat(fin.seq()).isEqualTo(1001);
        assertThat(h.c.state()).isEqualTo(TcpState.FIN_WAIT_1);
        h.ack(1002, 1000);
        assertThat(h.c.state()).isEqualTo(TcpState.FIN_WAIT_2);
        h.data(5001, 0, FIN);
        assertThat(h.c.state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(h.last().ack()).isEqualTo(5002);
        assertThat(h.ctx.table.size()).isEqualTo(1);
        h.advanceMillis(1999);
        assertThat(h.ctx.table.size()).isEqualTo(1);
        h.advanceMillis(2);
        assertThat(h.ctx.table.size()).isZero();
        assertThat(h.c.state()).isEqualTo(TcpState.CLOSED);
    }

    @Test
    void dataNotYetReadOutlivesTheConnection() throws Exception {
        h.established();
        h.data(5001, 500, FIN);
        h.c.appShutdownOutput();
        h.peerSeq = 5502;
        h.ack(1002, 1000);
        assertThat(h.c.state()).isEqualTo(TcpState.CLOSED); // gone before the application read anything
        byte[] b = new byte[1000];
        assertThat(h.c.rcv.read(b, 0, 1000, Long.MAX_VALUE)).isEqualTo(500);
        assertThat(h.c.rcv.read(b, 0, 1000, Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(h.memory.get()).as("freed once read").isZero();
    }

    @Test
    void simultaneousCloseGoesThroughClosing() {
        h.established();
        h.c.appShutdownOutput();
        var fin = h.segment(5001, 1001, ACK | FIN, 1000, 0); // their FIN crosses ours (acks nothing of it)
        fin.options.setTimestamps(++h.peerTs, h.lastTsVal());
        h.c.segmentArrived(fin, h.clock.nanoTime());
        h.peerSeq = 5002;
        assertThat(h.c.state()).isEqualTo(TcpState.CLOSING);
        h.ack(1002, 1000);
        assertThat(h.c.state()).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void passiveCloseGoesThroughCloseWaitAndLastAck() {
        h.established();
        h.data(5001, 10, FIN);
        assertThat(h.c.state()).isEqualTo(TcpState.CLOSE_WAIT);
        assertThat(h.last().ack()).isEqualTo(5012);
        h.c.appShutdownOutput();
        assertThat(h.c.state()).isEqualTo(TcpState.LAST_ACK);
        assertThat(h.last().flags()).isEqualTo(ACK | FIN);
        h.peerSeq = 5012;
        h.ack(1002, 1000);
        assertThat(h.c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(h.ctx.table.size()).isZero();
    }

    @Test
    void dataAfterTheApplicationClosedIsAnsweredWithReset() {
        h.established();
        h.c.rcv.closeByApp();
        h.c.appShutdownOutput();
        h.out.clear();
        h.data(5001, 10, 0);
        assertThat(h.last().flags()).isEqualTo(RST);
        assertThat(h.c.state()).isEqualTo(TcpState.CLOSED);
    }

    @Test
    void urgentDataIsDeliveredInline() {
        h.established();
        h.data(5001, 10, org.netstack4j.wire.TcpHeader.URG);
        assertThat(h.c.rcv.available()).isEqualTo(10);
        assertThat(h.c.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void challengeAcksAreRateLimitedPerShard() {
        h.established();
        h.out.clear();
        for (int i = 0; i < TcpShardContext.CHALLENGE_ACKS_PER_SECOND + 50; i++) {
            h.c.segmentArrived(h.segment(9999, 0, SYN, 1000, 0), h.clock.nanoTime());
        }
        assertThat(h.out).hasSize(TcpShardContext.CHALLENGE_ACKS_PER_SECOND);
        h.advanceMillis(1000);
        h.c.segmentArrived(h.segment(9999, 0, SYN, 1000, 0), h.clock.nanoTime());
        assertThat(h.out).hasSize(TcpShardContext.CHALLENGE_ACKS_PER_SECOND + 1);
    }

    @Test
    void simultaneousOpenAnswersSynWithSynAck() {
        h.open();
        h.out.clear();
        var s = h.segment(5000, 0, SYN, 65535, 0);
        s.options.setMss(1460);
        h.c.segmentArrived(s, h.clock.nanoTime());
        assertThat(h.c.state()).isEqualTo(TcpState.SYN_RECEIVED);
        assertThat(h.last().flags()).isEqualTo(SYN | ACK);
        assertThat(h.last().seq()).isEqualTo(1000);
        assertThat(h.last().ack()).isEqualTo(5001);
        h.c.segmentArrived(h.segment(5001, 1001, ACK, 65535, 0), h.clock.nanoTime());
        assertThat(h.c.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void windowScaleOfThePeerScalesItsWindow() {
        h.established();
        h.ack(1001, 3);
        assertThat(h.c.sndWnd).isEqualTo(3 << 7);
    }

    @Test
    void synIsRetransmittedWithBackoffAndTheAttemptFailsAfterTheRetries() {
        TcpHarness short2 = new TcpHarness(TcpConfig.builder().synRetries(2).build());
        short2.open();
        short2.out.clear();
        short2.advanceMillis(1001);
        assertThat(short2.last().flags()).isEqualTo(SYN);
        short2.advanceMillis(2001);
        assertThat(short2.out).hasSize(2);
        short2.advanceMillis(4001);
        assertThat(short2.c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(short2.c.establishedFuture()).isCompletedExceptionally();
    }
}
