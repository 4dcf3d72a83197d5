package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.TcpHeader.ACK;
import static org.netstack4j.wire.TcpHeader.FIN;
import static org.netstack4j.wire.TcpHeader.RST;
import static org.netstack4j.wire.TcpHeader.SYN;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.netstack4j.transport.tcp.TcpHarness.Seg;
import org.netstack4j.wire.TcpOptions;

/** The protocol handler: resets for no connection, listen queues, SYN cookies, TIME-WAIT reuse. */
class TcpProtocolTest {

    private static TcpOptions synOptions(int tsVal) {
        return new TcpOptions().setMss(1460).setWindowScale(7).setSackPermitted(true).setTimestamps(tsVal, 0);
    }

    @Test
    void synToAClosedPortGetsResetAckAndAnAckGetsAResetAtItsAckNumber() {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.defaults());
        h.send(5555, 81, 1000, 0, SYN, 65535, null, 0);
        Seg r = h.last();
        assertThat(r.flags()).isEqualTo(RST | ACK);
        assertThat(r.seq()).isZero();
        assertThat(r.ack()).isEqualTo(1001);
        h.send(5555, 81, 1000, 424242, ACK, 65535, null, 10);
        assertThat(h.last().flags()).isEqualTo(RST);
        assertThat(h.last().seq()).isEqualTo(424242);
        int before = h.out.size();
        h.send(5555, 81, 1000, 0, RST, 0, null, 0);
        assertThat(h.out).as("never a reset for a reset").hasSize(before);
        assertThat(h.tcp.counters().get(TcpCounter.DROP_NO_CONNECTION)).isEqualTo(3);
    }

    @Test
    void passiveOpenAnswersSynAckWithNegotiatedOptionsAndQueuesTheConnection() throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.defaults());
        ListenerCore l = h.tcp.listen(4, 0, 0, 80, 4);
        h.send(5555, 80, 1000, 0, SYN, 65535, synOptions(50), 0);
        Seg synAck = h.last();
        assertThat(synAck.flags()).isEqualTo(SYN | ACK);
        assertThat(synAck.ack()).isEqualTo(1001);
        assertThat(synAck.options().mss()).isEqualTo(1460);
        assertThat(synAck.options().windowScale()).isEqualTo(7); // from the 6 MiB auto-tuning maximum
        assertThat(synAck.options().sackPermitted()).isTrue();
        assertThat(synAck.options().tsEcr()).isEqualTo(50);
        assertThat(l.poll()).isNull();
        h.send(5555, 80, 1001, synAck.seq() + 1, ACK, 512, new TcpOptions().setTimestamps(51, synAck.options().tsVal()), 0);
        TcpConnection c = l.poll();
        assertThat(c).isNotNull();
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(c.sndWnd).isEqualTo(512 << 7);
    }

    @Test
    void aRepeatedSynInSynReceivedGetsTheSynAckAgain() throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.defaults());
        h.tcp.listen(4, 0, 0, 80, 4);
        h.send(5555, 80, 1000, 0, SYN, 65535, null, 0);
        Seg first = h.last();
        h.out.clear();
        h.send(5555, 80, 1000, 0, SYN, 65535, null, 0);
        assertThat(h.out).hasSize(1);
        assertThat(h.last().flags()).isEqualTo(SYN | ACK);
        assertThat(h.last().seq()).isEqualTo(first.seq());
        assertThat(h.last().ack()).isEqualTo(1001);
        assertThat(h.tcp.connectionCount()).isEqualTo(1);
    }

    @Test
    void aFullSynQueueAnswersWithCookiesAndAReturningCookieMakesTheConnection() throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.builder().synQueueLimit(1).build());
        ListenerCore l = h.tcp.listen(4, 0, 0, 80, 8);
        h.send(5555, 80, 1000, 0, SYN, 65535, synOptions(50), 0); // takes the one SYN queue slot
        h.send(6666, 80, 7000, 0, SYN, 65535, synOptions(60), 0);
        Seg cookie = h.last();
        assertThat(cookie.flags()).isEqualTo(SYN | ACK);
        assertThat(cookie.ack()).isEqualTo(7001);
        assertThat(h.tcp.counters().get(TcpCounter.COOKIES_SENT)).isEqualTo(1);
        assertThat(h.tcp.connectionCount()).as("no state kept for the cookie").isEqualTo(1);
        // A forged cookie is refused with a reset.
        h.send(6666, 80, 7001, cookie.seq() + 2, ACK, 512, new TcpOptions().setTimestamps(61, cookie.options().tsVal()), 0);
        assertThat(h.last().flags()).isEqualTo(RST);
        assertThat(h.tcp.counters().get(TcpCounter.COOKIES_REJECTED)).isEqualTo(1);
        // The real one makes an established connection with the options the cookie carried.
        h.send(6666, 80, 7001, cookie.seq() + 1, ACK, 512, new TcpOptions().setTimestamps(61, cookie.options().tsVal()), 100);
        TcpConnection c = l.poll();
        assertThat(c).isNotNull();
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(c.sackOn).isTrue();
        assertThat(c.tsOn).isTrue();
        assertThat(c.sndShift).isEqualTo(7);
        assertThat(c.effectiveMss()).isEqualTo(1448);
        assertThat(c.rcv.available()).as("data on the cookie's ACK is kept").isEqualTo(100);
        assertThat(h.tcp.counters().get(TcpCounter.COOKIES_ACCEPTED)).isEqualTo(1);
    }

    @Test
    void aSynFloodNeitherStopsANormalConnectionNorLeavesStateBehind() throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.builder().synQueueLimit(256).synRetries(2).build());
        ListenerCore l = h.tcp.listen(4, 0, 0, 80, 16);
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < 5000; i++) {
            h.send(1024 + r.nextInt(60000), 80, r.nextInt(), 0, SYN, 65535, synOptions(r.nextInt(1 << 30)), 0);
        }
        assertThat(h.tcp.connectionCount()).as("half-open state bounded by the SYN queue").isLessThanOrEqualTo(256);
        assertThat(h.tcp.counters().get(TcpCounter.COOKIES_SENT)).isGreaterThan(4000);
        h.out.clear();
        // A real client now: its SYN gets a cookie, its ACK makes the connection.
        h.send(65500, 80, 42, 0, SYN, 65535, synOptions(99), 0);
        Seg synAck = h.last();
        h.send(65500, 80, 43, synAck.seq() + 1, ACK, 512, new TcpOptions().setTimestamps(100, synAck.options().tsVal()), 0);
        TcpConnection c = l.poll();
        assertThat(c).isNotNull();
        assertThat(c.remotePort()).isEqualTo(65500);
        // The flood's half-open connections are forgotten after the SYN-ACK retries.
        for (int i = 0; i < 10; i++) {
            h.advanceMillis(2000);
        }
        assertThat(h.tcp.connectionCount()).isEqualTo(1);
        assertThat(l.synQueue.get()).isZero();
    }

    @Test
    void aFullAcceptQueueDropsSyns() throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.defaults());
        ListenerCore l = h.tcp.listen(4, 0, 0, 80, 1);
        h.send(5555, 80, 1000, 0, SYN, 65535, null, 0);
        h.send(5555, 80, 1001, h.last().seq() + 1, ACK, 65535, null, 0);
        int before = h.out.size();
        h.send(6666, 80, 1000, 0, SYN, 65535, null, 0);
        assertThat(h.out).hasSize(before);
        assertThat(h.tcp.counters().get(TcpCounter.DROP_LISTEN_OVERFLOW)).isEqualTo(1);
        assertThat(l.poll()).isNotNull();
        h.send(6666, 80, 1000, 0, SYN, 65535, null, 0);
        assertThat(h.last().flags()).isEqualTo(SYN | ACK);
    }

    @Test
    void halfOpenConnectionsAreForgottenAfterTheSynAckRetries() throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.builder().synRetries(2).build());
        ListenerCore l = h.tcp.listen(4, 0, 0, 80, 4);
        h.send(5555, 80, 1000, 0, SYN, 65535, null, 0);
        assertThat(h.tcp.connectionCount()).isEqualTo(1);
        for (int i = 0; i < 8 && h.tcp.connectionCount() > 0; i++) {
            h.advanceMillis(4000);
        }
        assertThat(h.tcp.connectionCount()).isZero();
        assertThat(l.synQueue.get()).isZero();
        assertThat(h.out.stream().filter(s -> s.flags() == (SYN | ACK)).count()).isEqualTo(3);
    }

    @Test
    void aNewerSynTakesOverATimeWaitConnection() throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.defaults());
        ListenerCore l = h.tcp.listen(4, 0, 0, 80, 4);
        h.send(5555, 80, 1000, 0, SYN, 65535, synOptions(50), 0);
        int iss = h.last().seq();
        int ts = h.last().options().tsVal();
        h.send(5555, 80, 1001, iss + 1, ACK, 512, new TcpOptions().setTimestamps(51, ts), 0);
        TcpConnection c = l.poll();
        c.appShutdownOutput(); // the server closes first and ends in TIME-WAIT
        h.runTasks();
        assertThat(h.last().flags()).isEqualTo(ACK | FIN);
        h.send(5555, 80, 1001, iss + 2, ACK | FIN, 512, new TcpOptions().setTimestamps(52, ts), 0);
        assertThat(c.state()).isEqualTo(TcpState.TIME_WAIT);
        // An old SYN (older timestamp) is just acknowledged again.
        h.send(5555, 80, 900, 0, SYN, 65535, synOptions(40), 0);
        assertThat(c.state()).isEqualTo(TcpState.TIME_WAIT);
        // A newer one takes the tuple over.
        h.send(5555, 80, 90000, 0, SYN, 65535, synOptions(80), 0);
        assertThat(h.tcp.counters().get(TcpCounter.TIME_WAIT_REUSED)).isEqualTo(1);
        assertThat(h.last().flags()).isEqualTo(SYN | ACK);
        assertThat(h.last().ack()).isEqualTo(90001);
    }

    /** An ICMP error packet quoting our segment {@code seq} from local port {@code port} to the peer's 80. */
    private static org.netstack4j.buffer.PacketBuffer icmpQuoting(int port, int seq) {
        org.netstack4j.buffer.PacketBuffer p = new org.netstack4j.buffer.PacketBuffer(200, 64);
        p.append(28 + 28);
        byte[] b = p.array();
        int q = p.start() + 28;
        org.netstack4j.wire.Ipv4Header.write(b, q, 0, 1500, 7, 0, 0, 64, 6, ProtocolHarness.LOCAL,
                ProtocolHarness.PEER);
        org.netstack4j.wire.Bytes.put16(b, q + 20, port);
        org.netstack4j.wire.Bytes.put16(b, q + 22, 80);
        org.netstack4j.wire.Bytes.put32(b, q + 24, seq);
        return p;
    }

    @Test
    void fragmentationNeededShrinksTheSegmentsAndResendsWhatIsInFlight() throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.defaults());
        ListenerCore l = h.tcp.listen(4, 0, 0, 80, 4);
        h.send(5555, 80, 1000, 0, SYN, 65535, new TcpOptions().setMss(1460), 0);
        int iss = h.last().seq();
        h.send(5555, 80, 1001, iss + 1, ACK, 65535, null, 0);
        TcpConnection c = l.poll();
        c.snd.tryWrite(new byte[3000], 0, 3000);
        c.appWake();
        h.runTasks();
        assertThat(h.last().payload().length).isEqualTo(1460); // two full segments; Nagle holds the rest
        var icmp = icmpQuoting(80, iss + 1); // quoting: the connection's local port is 80 (we are the server)
        // The quoted header is ours: source LOCAL port 80, destination PEER port 5555.
        org.netstack4j.wire.Bytes.put16(icmp.array(), icmp.start() + 28 + 22, 5555);
        h.out.clear();
        h.tcp.icmpError(1, 4, 3, 4, 1000, icmp, icmp.start() + 28);
        assertThat(c.effectiveMss()).isEqualTo(960);
        assertThat(h.tcp.counters().get(TcpCounter.MTU_REDUCED)).isEqualTo(1);
        assertThat(h.out).isNotEmpty();
        assertThat(h.out.get(0).seq()).isEqualTo(iss + 1);
        assertThat(h.out).allSatisfy(seg -> assertThat(seg.payload().length).isLessThanOrEqualTo(960));
        // An error quoting a sequence number outside the flight is not believed (RFC 5927).
        var stale = icmpQuoting(80, iss - 5000);
        org.netstack4j.wire.Bytes.put16(stale.array(), stale.start() + 28 + 22, 5555);
        h.tcp.icmpError(1, 4, 3, 4, 600, stale, stale.start() + 28);
        assertThat(c.effectiveMss()).isEqualTo(960);
    }

    @Test
    void portUnreachableWhileConnectingFailsTheConnect() throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.defaults());
        TcpConnection c = h.tcp.connect(4, 0, ProtocolHarness.LOCAL & 0xffff_ffffL, 0, 0,
                ProtocolHarness.PEER & 0xffff_ffffL, 80, 65536, 65536);
        h.runTasks();
        Seg syn = h.last();
        assertThat(syn.flags()).isEqualTo(SYN);
        var icmp = icmpQuoting(c.localPort(), syn.seq());
        h.tcp.icmpError(1, 4, 3, 3, 0, icmp, icmp.start() + 28);
        assertThat(c.establishedFuture()).isCompletedExceptionally();
        assertThat(h.tcp.connectionCount()).isZero();
    }

    @Test
    void timeWaitIsBoundedAndTheOldestIsRecycled() throws Exception {
        ProtocolHarness h = new ProtocolHarness(TcpConfig.builder().timeWaitCap(2).build());
        ListenerCore l = h.tcp.listen(4, 0, 0, 80, 8);
        for (int port = 5000; port < 5003; port++) {
            h.send(port, 80, 1000, 0, SYN, 65535, null, 0);
            int iss = h.last().seq();
            h.send(port, 80, 1001, iss + 1, ACK, 65535, null, 0);
            TcpConnection c = l.poll();
            c.appShutdownOutput();
            h.runTasks();
            h.send(port, 80, 1001, iss + 2, ACK | FIN, 65535, null, 0);
            assertThat(c.state()).isEqualTo(TcpState.TIME_WAIT);
        }
        assertThat(h.tcp.connectionCount()).isEqualTo(2);
        assertThat(h.tcp.counters().get(TcpCounter.TIME_WAIT_RECYCLED)).isEqualTo(1);
        h.advanceMillis(Duration.ofSeconds(61).toMillis());
        assertThat(h.tcp.connectionCount()).isZero();
    }
}
