package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.TcpHeader.ACK;
import static org.netstack4j.wire.TcpHeader.SYN;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.transport.tcp.TcpHarness.Seg;
import org.netstack4j.wire.SeqNum;
import org.netstack4j.wire.TcpOptions;

/**
 * Receive-buffer auto-tuning segment by segment on the manual clock: a peer that sends, once per 10 ms round
 * trip, the whole window offered at the start of the round, echoing the timestamp of our last ACK before it (as
 * an ACK-clocked sender does), in 16 KiB segments.
 */
class ReceiveWindowTuningTest {
    private static final int RTT_MS = 10;
    private static final int SEGMENT = 16 * 1024;
    private final byte[] sink = new byte[1 << 20];

    /** Active open of an auto-tuned connection (receive buffer 0: the configuration's) to a peer with options. */
    private static TcpHarness open(TcpConfig config, int receiveBuffer) {
        TcpHarness h = new TcpHarness(config);
        h.newConnection(1500, 64 * 1024, receiveBuffer);
        h.c.open(1000, h.clock.nanoTime());
        h.advanceMillis(RTT_MS);
        h.finishHandshake();
        return h;
    }

    /**
     * One round trip: time passes, then the peer sends the window offered now, each segment read by the
     * application at once when {@code reads}; returns the window offered at the start of the round, in bytes.
     */
    private long round(TcpHarness h, boolean reads) throws Exception {
        int echo = h.lastTsVal();
        h.advanceMillis(RTT_MS);
        long window = Math.max(0, SeqNum.diff(h.c.rcvAdv, h.c.rcvNxt));
        long left = window;
        while (left > 0) {
            int n = (int) Math.min(SEGMENT, left);
            TcpSegment s = h.segment(h.c.rcvNxt, h.c.sndNxt, ACK, 1000, n);
            s.options.setTimestamps(++h.peerTs, echo);
            h.c.segmentArrived(s, h.clock.nanoTime());
            left -= n;
            if (reads) {
                while (h.c.rcv.available() > 0) {
                    h.c.rcv.read(sink, 0, sink.length, Long.MAX_VALUE);
                }
            }
        }
        return window;
    }

    private List<Long> rounds(TcpHarness h, int n, boolean reads) throws Exception {
        List<Long> windows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            windows.add(round(h, reads));
        }
        return windows;
    }

    @Test
    void windowOfAReadingApplicationDoublesWithTheBytesReadPerRoundTripUpToTheMaximum() throws Exception {
        TcpHarness h = open(TcpConfig.defaults(), 0);
        Seg syn = h.out.get(0);
        assertThat(syn.options().windowScale()).as("scale from the 6 MiB maximum").isEqualTo(7);
        assertThat(syn.window()).isEqualTo(65535);
        assertThat(h.last().window()).as("128 KiB >> 7").isEqualTo(1024);

        List<Long> windows = rounds(h, 16, true);

        // A round that delivered a full window asks for twice that at the next one (one round trip to measure,
        // so a step every second round). Each round starts one segment short of the buffer: reading the last
        // segment of a round frees too little for a window update of its own (receiver SWS avoidance).
        long k = 1024;
        long s = SEGMENT;
        assertThat(windows).containsExactly(128 * k, 128 * k - s, 256 * k - s, 256 * k - s, 512 * k - s, 512 * k - s,
                1024 * k - s, 1024 * k - s, 2048 * k - s, 2048 * k - s, 4096 * k - s, 4096 * k - s, 6144 * k - s,
                6144 * k - s, 6144 * k - s, 6144 * k - s);
        assertThat(h.c.rcv.capacity()).as("not beyond the maximum").isEqualTo(6 * 1024 * 1024);
        assertThat(h.last().window()).as("(6 MiB - one segment) >> 7").isEqualTo(49024);
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWN)).isEqualTo(6);
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWTH_REFUSED)).isZero();
        assertThat(h.c.rcvTuner().rtt()).as("from the echoed timestamps").isEqualTo(RTT_MS * 1_000_000L);
        assertThat(h.counters.get(TcpCounter.DROP_MEMORY)).isZero();
        // The application kept up: the ring holds about a segment, not the window.
        assertThat(h.memory.get()).isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void anApplicationThatDoesNotReadNeverGetsALargerWindow() throws Exception {
        TcpHarness h = open(TcpConfig.defaults(), 0);
        List<Long> windows = rounds(h, 6, false);
        assertThat(windows.get(0)).isEqualTo(128 * 1024);
        assertThat(windows.subList(1, 6)).containsOnly(0L); // full, and it stays so
        assertThat(h.c.rcv.capacity()).isEqualTo(128 * 1024);
        assertThat(h.last().window()).isZero();
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWN)).isZero();
    }

    @Test
    void anExplicitReceiveBufferSizeIsNeverAutoTunedAndSetsTheScale() throws Exception {
        TcpHarness h = open(TcpConfig.defaults(), 128 * 1024);
        assertThat(h.out.get(0).options().windowScale()).as("scale from the 128 KiB asked for").isEqualTo(2);
        List<Long> windows = rounds(h, 8, true);
        assertThat(windows).containsOnly(128L * 1024, 128L * 1024 - SEGMENT);
        assertThat(h.c.rcv.capacity()).isEqualTo(128 * 1024);
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWN)).isZero();
    }

    @Test
    void settingTheReceiveBufferOnAnOpenConnectionStopsAutoTuning() throws Exception {
        TcpHarness h = open(TcpConfig.defaults(), 0);
        rounds(h, 2, true);
        assertThat(h.c.rcv.capacity()).as("grown once").isEqualTo(256 * 1024);
        h.c.appReceiveBufferSize(64 * 1024); // smaller: keeps what it has, no more tuning
        List<Long> windows = rounds(h, 8, true);
        assertThat(windows).containsOnly(256L * 1024 - SEGMENT);
        assertThat(h.c.rcv.capacity()).isEqualTo(256 * 1024);
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWN)).isEqualTo(1);
        h.c.appReceiveBufferSize(1 << 20); // larger: grows at once, within the scale
        assertThat(h.c.rcv.capacity()).isEqualTo(1 << 20);
        assertThat(h.last().window()).as("window update for the larger buffer").isEqualTo(8192);
        h.c.appReceiveBufferSize(64 << 20);
        assertThat(h.c.rcv.capacity()).as("within the connection's memory limit less the send buffer")
                .isEqualTo(8 * 1024 * 1024 - 64 * 1024);
    }

    @Test
    void autoTuningOffInTheConfigurationKeepsTheInitialSize() throws Exception {
        TcpHarness h = open(TcpConfig.builder().receiveAutoTuning(false).build(), 0);
        assertThat(h.out.get(0).options().windowScale()).isEqualTo(2);
        assertThat(rounds(h, 6, true)).containsOnly(128L * 1024, 128L * 1024 - SEGMENT);
        assertThat(h.c.rcv.capacity()).isEqualTo(128 * 1024);
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWN)).isZero();
    }

    @Test
    void theGlobalBudgetRefusingStopsTheGrowthAndIsCounted() throws Exception {
        // 256 KiB for the whole stack: the ring holds a 16 KiB array (the application keeps up), so growing the
        // window to 256 KiB (an array of 256 KiB, 240 KiB more) fits and to 512 KiB does not.
        TcpHarness h = open(TcpConfig.builder().memoryLimits(8 << 20, 256 * 1024).build(), 0);
        List<Long> windows = rounds(h, 10, true);
        long s = SEGMENT;
        assertThat(windows).containsExactly(128L * 1024, 128L * 1024 - s, 256L * 1024 - s, 256L * 1024 - s,
                256L * 1024 - s, 256L * 1024 - s, 256L * 1024 - s, 256L * 1024 - s, 256L * 1024 - s, 256L * 1024 - s);
        assertThat(h.c.rcv.capacity()).isEqualTo(256 * 1024);
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWN)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWTH_REFUSED)).as("each round trip from the 4th on")
                .isEqualTo(7);
        assertThat(h.counters.get(TcpCounter.DROP_MEMORY)).isZero();
    }

    @Test
    void theConnectionMemoryLimitCapsTheGrowth() throws Exception {
        // 512 KiB per connection, 64 KiB of it the send buffer: 256 KiB fits, 512 KiB does not.
        TcpHarness h = open(TcpConfig.builder().memoryLimits(512 * 1024, 1L << 30).build(), 0);
        assertThat(h.out.get(0).options().windowScale()).as("scale from the 512 KiB the limit allows").isEqualTo(4);
        rounds(h, 10, true);
        assertThat(h.c.rcv.capacity()).isEqualTo(256 * 1024);
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWN)).isEqualTo(1);
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWTH_REFUSED)).isEqualTo(7);
    }

    @Test
    void windowScaleOfTheSynFollowsTheMaximum() {
        assertThat(synScale(TcpConfig.builder().receiveBufferMax(1 << 20).build())).isEqualTo(5);
        assertThat(synScale(TcpConfig.builder().receiveBufferMax(16 << 20).memoryLimits(32 << 20, 1L << 30).build()))
                .isEqualTo(9);
        assertThat(synScale(TcpConfig.builder().receiveBufferMax(16 << 20).build()))
                .as("within the 8 MiB connection limit").isEqualTo(8);
        assertThat(synScale(TcpConfig.builder().receiveBufferSize(32 * 1024).receiveBufferMax(32 * 1024).build()))
                .isZero();
    }

    private static int synScale(TcpConfig config) {
        TcpHarness h = new TcpHarness(config);
        h.newConnection(1500, 64 * 1024, 0);
        h.c.open(1000, h.clock.nanoTime());
        Seg syn = h.last();
        assertThat(syn.flags()).isEqualTo(SYN);
        return syn.options().windowScale();
    }

    @Test
    void withoutTimestampsTheHandshakeRttAndWindowFillsTimeTheMeasurement() throws Exception {
        TcpHarness h = new TcpHarness(TcpConfig.defaults());
        h.newConnection(1500, 64 * 1024, 0);
        h.c.open(1000, h.clock.nanoTime());
        h.advanceMillis(RTT_MS); // the SYN's round trip: the sender side's first RTT sample
        TcpSegment synAck = h.segment(h.peerSeq, 1001, SYN | ACK, 65535, 0);
        synAck.options.setMss(1460).setWindowScale(7);
        h.c.segmentArrived(synAck, h.clock.nanoTime());
        assertThat(h.c.tsOn).isFalse();
        List<Long> windows = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            h.advanceMillis(RTT_MS);
            long window = SeqNum.diff(h.c.rcvAdv, h.c.rcvNxt);
            windows.add(window);
            for (long left = window; left > 0; left -= SEGMENT) {
                TcpSegment s = h.segment(h.c.rcvNxt, h.c.sndNxt, ACK, 1000, (int) Math.min(SEGMENT, left));
                h.c.segmentArrived(s, h.clock.nanoTime());
                h.c.rcv.read(sink, 0, sink.length, Long.MAX_VALUE);
            }
        }
        // The same steps as with timestamps: the handshake's RTT times the first measurements, window fills later.
        long k = 1024;
        long s = SEGMENT;
        assertThat(windows).containsExactly(128 * k, 128 * k - s, 256 * k - s, 256 * k - s, 512 * k - s, 512 * k - s,
                1024 * k - s, 1024 * k - s, 2048 * k - s, 2048 * k - s, 4096 * k - s, 4096 * k - s, 6144 * k - s,
                6144 * k - s, 6144 * k - s, 6144 * k - s);
        assertThat(h.c.rcvTuner().rtt()).as("the shortest window fill").isEqualTo(RTT_MS * 1_000_000L);
        assertThat(h.c.rcv.capacity()).isEqualTo(6 * 1024 * 1024);
        assertThat(h.counters.get(TcpCounter.RECEIVE_WINDOW_GROWN)).isEqualTo(6);
    }

    @Test
    void aSynCookieCarriesTheScaleOfTheListenersSizeAndItsConnectionKeepsIt() throws Exception {
        ProtocolHarness p = new ProtocolHarness(TcpConfig.builder().synQueueLimit(1).build());
        ListenerCore l = p.tcp.listen(4, 0, 0, 80, 4);
        l.receiveBufferSize(64 * 1024);
        TcpOptions syn = new TcpOptions().setMss(1460).setWindowScale(7).setSackPermitted(true).setTimestamps(50, 0);
        p.send(5555, 80, 1000, 0, SYN, 65535, syn, 0); // takes the one SYN queue slot
        p.send(5556, 80, 2000, 0, SYN, 65535, syn, 0);
        Seg cookie = p.last();
        assertThat(p.tcp.counters().get(TcpCounter.COOKIES_SENT)).isEqualTo(1);
        assertThat(cookie.options().windowScale()).isEqualTo(1);
        p.send(5556, 80, 2001, cookie.seq() + 1, ACK, 512,
                new TcpOptions().setTimestamps(51, cookie.options().tsVal()), 0);
        TcpConnection c = l.poll();
        assertThat(c).isNotNull();
        assertThat(c.rcvShift).isEqualTo((byte) 1);
        assertThat(c.rcvAutoTuning).isFalse();
    }

    @Test
    void aListenerSizeIsInheritedAndNotAutoTuned() throws Exception {
        ProtocolHarness p = new ProtocolHarness(TcpConfig.defaults());
        ListenerCore l = p.tcp.listen(4, 0, 0, 80, 4);
        l.receiveBufferSize(64 * 1024);
        p.send(5555, 80, 1000, 0, SYN, 65535,
                new TcpOptions().setMss(1460).setWindowScale(7).setSackPermitted(true).setTimestamps(50, 0), 0);
        Seg synAck = p.last();
        assertThat(synAck.options().windowScale()).isEqualTo(1);
        p.send(5555, 80, 1001, synAck.seq() + 1, ACK, 512,
                new TcpOptions().setTimestamps(51, synAck.options().tsVal()), 0);
        TcpConnection c = l.poll();
        assertThat(c.rcvAutoTuning).isFalse();
        assertThat(c.rcv.capacity()).isEqualTo(64 * 1024);

        ListenerCore auto = p.tcp.listen(4, 0, 0, 81, 4);
        p.send(5556, 81, 1000, 0, SYN, 65535,
                new TcpOptions().setMss(1460).setWindowScale(7).setSackPermitted(true).setTimestamps(60, 0), 0);
        Seg autoSynAck = p.last();
        assertThat(autoSynAck.options().windowScale()).isEqualTo(7);
        p.send(5556, 81, 1001, autoSynAck.seq() + 1, ACK, 512,
                new TcpOptions().setTimestamps(61, autoSynAck.options().tsVal()), 0);
        TcpConnection tuned = auto.poll();
        assertThat(tuned.rcvAutoTuning).isTrue();
        assertThat(tuned.rcv.capacity()).isEqualTo(128 * 1024);
    }
}
