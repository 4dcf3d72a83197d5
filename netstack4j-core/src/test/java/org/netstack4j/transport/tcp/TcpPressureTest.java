package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.TcpHeader.ACK;
import static org.netstack4j.wire.TcpHeader.RST;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.tcp.TcpHarness.Seg;

/** Keepalive, GSO super-segments, the memory budget and coalesced inbound segments. */
class TcpPressureTest {

    @Test
    void keepaliveProbesAnIdlePeerAndDropsTheConnectionWhenItStaysSilent() {
        TcpHarness h = new TcpHarness(TcpConfig.builder()
                .keepalive(Duration.ofSeconds(10), Duration.ofSeconds(2), 3).build());
        h.established();
        h.c.keepAlive(true);
        h.out.clear();
        h.advanceMillis(9_999);
        assertThat(h.out).isEmpty();
        h.advanceMillis(2);
        Seg probe = h.last();
        assertThat(probe.seq()).as("SND.UNA - 1: the peer must answer").isEqualTo(1000);
        assertThat(probe.payload()).isEmpty();
        // An answer resets the count; then three unanswered probes end it.
        h.ack(1001, 1000);
        h.out.clear();
        h.advanceMillis(10_001);
        h.advanceMillis(2_001);
        h.advanceMillis(2_001);
        assertThat(h.out).hasSize(3);
        h.advanceMillis(2_001);
        assertThat(h.c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(h.last().flags()).isEqualTo(RST);
        assertThat(h.counters.get(TcpCounter.KEEPALIVE_PROBES)).isEqualTo(4);
    }

    @Test
    void withGsoTheSenderEmitsSuperSegmentsOfWholeSegments() throws Exception {
        TcpHarness h = new TcpHarness(TcpConfig.defaults());
        h.newConnection(new TransportHost.Path(1, 4, 0, TcpHarness.LOCAL, 1500, 65536, false), 256 * 1024,
                64 * 1024);
        h.c.open(1000, h.clock.nanoTime());
        h.finishHandshake();
        h.ack(1001, 2000);
        h.take();
        h.write(14480); // the initial window, 10 segments of 1448
        List<Seg> sent = h.out;
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).payload()).hasSize(14480);
        assertThat(h.gso.get(0)).isEqualTo(1448);
    }

    @Test
    void aCoalescedInboundSegmentLongerThanTheMssIsTaken() {
        TcpHarness h = new TcpHarness(TcpConfig.defaults());
        h.established();
        h.data(5001, 20_000, 0);
        assertThat(h.c.rcv.available()).isEqualTo(20_000);
        assertThat(h.last().ack()).isEqualTo(25_001);
    }

    @Test
    void theGlobalMemoryBudgetStopsReceiveBuffersFromGrowing() throws Exception {
        TcpHarness h = new TcpHarness(TcpConfig.builder().memoryLimits(1 << 20, 8192).build());
        h.established();
        h.data(5001, 4096, 0);
        assertThat(h.c.rcv.available()).isEqualTo(4096);
        h.data(5001 + 4096, 8192, 0); // would need a 16 KiB ring: over the 8 KiB budget
        assertThat(h.c.rcv.available()).isEqualTo(4096);
        assertThat(h.counters.get(TcpCounter.DROP_MEMORY)).isEqualTo(1);
        assertThat(h.memory.get()).isLessThanOrEqualTo(8192);
        h.c.terminate();
        assertThat(h.memory.get()).as("unread data kept until read").isPositive();
        h.c.rcv.read(new byte[8192], 0, 8192, Long.MAX_VALUE);
        assertThat(h.memory.get()).isZero();
    }

    @Test
    void windowUpdateGoesOutWhenTheApplicationDrainsAFullBuffer() throws Exception {
        TcpHarness h = new TcpHarness(TcpConfig.defaults());
        h.newConnection(1500, 64 * 1024, 8192);
        h.c.open(1000, h.clock.nanoTime());
        h.finishHandshake();
        int seq = 5001;
        for (int i = 0; i < 8; i++) {
            h.data(seq, 1024, 0);
            seq += 1024;
        }
        assertThat(h.last().window()).as("buffer full: window closed").isZero();
        h.out.clear();
        byte[] b = new byte[8192];
        h.c.rcv.read(b, 0, 8192, Long.MAX_VALUE);
        Seg update = h.last();
        assertThat(update.flags()).isEqualTo(ACK);
        assertThat(update.window()).isEqualTo(8192);
    }
}
