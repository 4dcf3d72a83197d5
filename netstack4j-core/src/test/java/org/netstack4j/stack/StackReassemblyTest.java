package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.netstack4j.time.Clock;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Ipv4Header;

/** Hand-cut fragments of an echo request through the stack's input: order, duplicates, overlaps, size. */
class StackReassemblyTest {
    private static final int PEER = RawPeer.ip("10.0.0.2");
    private static final int US = RawPeer.ip("10.0.0.1");

    /** The ICMP message (header and 1000 data bytes) of an echo request. */
    private static byte[] echoMessage(int seq) {
        byte[] whole = RawPeer.echoRequest(PEER, US, seq, 1000);
        return Arrays.copyOfRange(whole, 20, whole.length);
    }

    private static byte[] fragment(byte[] message, int id, int from, int to) {
        int flags = to < message.length ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0;
        return RawPeer.ipv4(PEER, US, Ipv4Header.PROTOCOL_ICMP, id, flags, from, Arrays.copyOfRange(message, from, to));
    }

    private static byte[] awaitReply(RawPeer r) throws InterruptedException {
        return r.await(p -> RawPeer.isIcmpv4(p, Icmpv4Message.TYPE_ECHO_REPLY));
    }

    @Test
    void outOfOrderAndDuplicatedFragmentsReassembleIntoOneRequest() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(2))) {
            byte[] m = echoMessage(1);
            r.send(fragment(m, 40, 800, m.length)); // last first
            r.send(fragment(m, 40, 0, 400));
            r.send(fragment(m, 40, 0, 400)); // exact duplicate
            r.send(fragment(m, 40, 400, 800));
            byte[] reply = awaitReply(r);
            assertThat(reply).isNotNull();
            assertThat(Arrays.copyOfRange(reply, 28, reply.length)).isEqualTo(Arrays.copyOfRange(m, 8, m.length));
            Stats s = r.awaitStats(x -> x.datagramsReassembled() == 1);
            assertThat(s.datagramsReassembled()).isEqualTo(1);
            assertThat(s.get(StackCounter.ICMPV4_ECHO_REPLIES_SENT)).isEqualTo(1);
        }
    }

    @Test
    void overlappingFragmentsDiscardTheDatagram() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(2))) {
            byte[] m = echoMessage(2);
            // Middle overlaps the first by 8 bytes (first/middle overlap), then a last that overlaps the
            // middle: RFC 5722 drops the whole datagram, so no reply.
            r.send(fragment(m, 41, 0, 400));
            r.send(fragment(m, 41, 392, 800));
            r.send(fragment(m, 41, 800, m.length));
            Stats s = r.awaitStats(x -> x.get(StackCounter.IPV4_FRAGMENT_DROPPED) >= 1);
            assertThat(s.get(StackCounter.IPV4_FRAGMENT_DROPPED)).isGreaterThanOrEqualTo(1);
            assertThat(s.datagramsReassembled()).isZero();
            // A clean datagram afterwards still goes through.
            byte[] ok = echoMessage(3);
            r.send(fragment(ok, 42, 0, 400));
            r.send(fragment(ok, 42, 400, ok.length));
            assertThat(awaitReply(r)).isNotNull();
            assertThat(r.stack.stats().get(StackCounter.ICMPV4_ECHO_REPLIES_SENT)).isEqualTo(1);
        }
    }

    @Test
    void aFragmentReachingPast65535BytesIsDroppedAndCounted() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(1))) {
            // A last fragment at offset 65512: 20 header bytes + 65512 + 4 = 65536, one byte too many.
            r.send(RawPeer.ipv4(PEER, US, Ipv4Header.PROTOCOL_ICMP, 43, 0, 65512, new byte[4]));
            // With 3 bytes the datagram ends exactly at 65535: kept, waiting for the rest.
            r.send(RawPeer.ipv4(PEER, US, Ipv4Header.PROTOCOL_ICMP, 44, 0, 65512, new byte[3]));
            Stats s = r.awaitStats(x -> x.get(StackCounter.IPV4_FRAGMENT_DROPPED) == 1
                    && x.reassemblyPendingDatagrams() == 1);
            assertThat(s.get(StackCounter.IPV4_FRAGMENT_DROPPED)).isEqualTo(1);
            assertThat(s.reassemblyPendingDatagrams()).isEqualTo(1);
        }
    }
}
