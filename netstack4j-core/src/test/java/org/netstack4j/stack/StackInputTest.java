package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.netstack4j.network.fragment.ReassemblyConfig;
import org.netstack4j.time.Clock;
import org.netstack4j.time.ManualClock;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Header;

class StackInputTest {
    private static final int PEER = RawPeer.ip("10.0.0.2");
    private static final int US = RawPeer.ip("10.0.0.1");

    @Test
    void malformedPacketsAreDroppedAndCountedAndTheStackStaysAlive() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(2))) {
            byte[] good = RawPeer.echoRequest(PEER, US, 1, 16);
            byte[] badChecksum = good.clone();
            badChecksum[10] ^= 0x55;
            r.send(badChecksum);
            byte[] truncated = java.util.Arrays.copyOf(good, 12);
            r.send(truncated);
            byte[] ihl = good.clone();
            ihl[0] = 0x44;
            r.send(ihl);
            byte[] lies = good.clone();
            Bytes.put16(lies, 2, good.length + 100);
            Bytes.put16(lies, 10, 0);
            Bytes.put16(lies, 10, Ipv4Header.checksum(lies, 0, 20));
            r.send(lies);
            r.send(RawPeer.ipv4(PEER, US, 253, 9, 0, 0, new byte[8])); // unknown protocol
            r.send(ipv6ExtensionLoop());
            Stats s = r.awaitStats(x -> x.get(StackCounter.IPV6_TOO_MANY_EXTENSIONS) == 1
                    && x.get(StackCounter.IPV4_UNKNOWN_PROTOCOL) == 1 && x.get(StackCounter.IPV4_BAD_TOTAL_LENGTH) == 1);
            assertThat(s.get(StackCounter.IPV4_BAD_CHECKSUM)).isEqualTo(1);
            // A 12-byte packet may already be refused by the link as malformed; either way it is counted once.
            assertThat(s.get(StackCounter.IPV4_TRUNCATED) + s.link(1).totalDrops()).isEqualTo(1);
            assertThat(s.get(StackCounter.IPV4_BAD_IHL)).isEqualTo(1);
            assertThat(s.get(StackCounter.IPV4_BAD_TOTAL_LENGTH)).isEqualTo(1);
            assertThat(s.get(StackCounter.IPV4_UNKNOWN_PROTOCOL)).isEqualTo(1);
            assertThat(s.get(StackCounter.IPV6_TOO_MANY_EXTENSIONS)).isEqualTo(1);
            assertThat(s.get(StackCounter.INTERNAL_ERROR)).isZero();
            byte[] unreachable = r.await(p -> RawPeer.isIcmpv4(p, Icmpv4Message.TYPE_DESTINATION_UNREACHABLE));
            assertThat(unreachable).isNotNull();
            assertThat(unreachable[21]).isEqualTo((byte) Icmpv4Message.UNREACHABLE_PROTOCOL);
            r.send(good);
            byte[] reply = r.await(p -> RawPeer.isIcmpv4(p, Icmpv4Message.TYPE_ECHO_REPLY));
            assertThat(reply).isNotNull();
            assertThat(java.util.Arrays.copyOfRange(reply, 28, reply.length))
                    .isEqualTo(java.util.Arrays.copyOfRange(good, 28, good.length));
        }
    }

    /** An IPv6 packet with 40 destination-options headers chained: more than any sane chain. */
    private static byte[] ipv6ExtensionLoop() {
        int n = 40;
        byte[] b = new byte[40 + n * 8];
        Ipv6Header.write(b, 0, 0, 0, n * 8, Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS, 64,
                0xfd00_0000_0000_0000L, 2, 0xfd00_0000_0000_0000L, 1);
        for (int i = 0; i < n; i++) {
            int at = 40 + i * 8;
            b[at] = (byte) (i == n - 1 ? Ipv6Header.NEXT_HEADER_NONE : Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS);
            b[at + 1] = 0;
            b[at + 2] = 1; // PadN of 4
            b[at + 3] = 4;
        }
        return b;
    }

    @Test
    void icmpErrorsAreRateLimitedAndNeverSentForBroadcastsOrLaterFragments() throws Exception {
        ManualClock clock = new ManualClock();
        try (RawPeer r = new RawPeer(false, clock, Stack.builder().shards(1).icmpRateLimit(1, 3))) {
            for (int i = 0; i < 10; i++) {
                r.send(RawPeer.ipv4(PEER, US, 253, 100 + i, 0, 0, new byte[8]));
            }
            r.send(RawPeer.ipv4(PEER, RawPeer.ip("10.0.0.255"), 253, 200, 0, 0, new byte[8]));
            Stats s = r.awaitStats(x -> x.get(StackCounter.IPV4_UNKNOWN_PROTOCOL) == 11);
            assertThat(s.get(StackCounter.ICMPV4_ERRORS_SENT)).isEqualTo(3);
            assertThat(s.get(StackCounter.ICMPV4_ERRORS_RATE_LIMITED)).isEqualTo(7);
            assertThat(s.get(StackCounter.ICMPV4_ERRORS_SUPPRESSED)).isEqualTo(1);
        }
    }

    @Test
    void reassemblyTimeoutAnswersOnlyWhenTheFirstFragmentArrived() throws Exception {
        ManualClock clock = new ManualClock();
        try (RawPeer r = new RawPeer(false, clock, Stack.builder().shards(1))) {
            byte[] data = new byte[64];
            r.send(RawPeer.ipv4(PEER, US, 253, 300, Ipv4Header.FLAG_MORE_FRAGMENTS, 0, data)); // first only
            r.send(RawPeer.ipv4(PEER, US, 253, 301, Ipv4Header.FLAG_MORE_FRAGMENTS, 64, data)); // middle only
            r.awaitStats(x -> x.reassemblyPendingDatagrams() == 2);
            clock.advance(Duration.ofSeconds(31));
            Stats s = r.awaitStats(x -> x.reassemblyTimeouts() == 2);
            assertThat(s.reassemblyTimeouts()).isEqualTo(2);
            byte[] exceeded = r.await(p -> RawPeer.isIcmpv4(p, Icmpv4Message.TYPE_TIME_EXCEEDED));
            assertThat(exceeded).isNotNull();
            assertThat(Bytes.u16(exceeded, 28 + 4)).isEqualTo(300);
            assertThat(r.awaitStats(x -> true).get(StackCounter.ICMPV4_ERRORS_SENT)).isEqualTo(1);
        }
    }

    @Test
    void thousandsOfIncompleteTrainsStayWithinTheCapAndPingStillWorks() throws Exception {
        long cap = 256 * 1024;
        ReassemblyConfig v4 = ReassemblyConfig.ipv4().withCaps(cap, cap / 2);
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(2).ipv4Reassembly(v4))) {
            byte[] data = new byte[1024];
            int trains = 5000;
            for (int i = 0; i < trains; i++) {
                int src = RawPeer.ip("10.0.0." + (2 + i % 50));
                r.send(RawPeer.ipv4(src, US, 17, i, Ipv4Header.FLAG_MORE_FRAGMENTS, 0, data));
                if (i % 200 == 0) {
                    r.awaitStats(x -> true); // let the shards keep up with the pipe
                }
            }
            Stats s = r.awaitStats(x -> x.get(StackCounter.IPV4_RECEIVED) >= trains);
            assertThat(s.get(StackCounter.IPV4_RECEIVED) + s.get(StackCounter.SHARD_QUEUE_OVERFLOW)
                    + s.link(1).totalDrops()).isGreaterThanOrEqualTo(trains);
            assertThat(s.reassemblyHeldBytes()).isLessThanOrEqualTo(cap * 2);
            assertThat(s.reassemblyPendingDatagrams()).isLessThan(trains);
            assertThat(s.reassemblyFragmentsDropped()).as("evicted trains are counted")
                    .isEqualTo(trains - s.reassemblyPendingDatagrams());
            r.send(RawPeer.echoRequest(PEER, US, 7, 56));
            assertThat(r.await(p -> RawPeer.isIcmpv4(p, Icmpv4Message.TYPE_ECHO_REPLY))).isNotNull();
            System.out.println("after " + trains + " incomplete trains:\n" + r.stack.stats());
        }
    }

    @Test
    void promiscuousModeAcceptsAnyDestinationAndSpoofingAllowsAnySource() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(2))) {
            int other = RawPeer.ip("192.0.2.80");
            r.send(RawPeer.echoRequest(PEER, other, 1, 8));
            r.awaitStats(x -> x.get(StackCounter.IPV4_NOT_FOR_US) == 1);
            assertThat(r.stack.stats().get(StackCounter.IPV4_NOT_FOR_US)).isEqualTo(1);
            r.nic.setPromiscuous(true);
            r.send(RawPeer.echoRequest(PEER, other, 2, 8));
            byte[] reply = r.await(p -> RawPeer.isIcmpv4(p, Icmpv4Message.TYPE_ECHO_REPLY));
            assertThat(reply).isNotNull();
            assertThat(Bytes.i32(reply, 12)).as("answers as the original destination").isEqualTo(other);

            byte[] spoofed = RawPeer.ipv4(RawPeer.ip("198.51.100.7"), PEER, 253, 5, 0, 0, new byte[4]);
            assertThat(r.stack.writePacket(spoofed).get()).isFalse();
            assertThat(r.stack.stats().get(StackCounter.IPV4_SPOOFED_SOURCE)).isEqualTo(1);
            r.nic.setSpoofing(true);
            assertThat(r.stack.writePacket(spoofed).get()).isTrue();
            assertThat(r.await(p -> p.length == spoofed.length && Bytes.i32(p, 12) == RawPeer.ip("198.51.100.7")))
                    .isNotNull();
        }
    }

    @Test
    void defaultRouteSendsThroughTheGatewayAndNoRouteFails() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(1))) {
            var noRoute = r.stack.ping(org.netstack4j.wire.Ipv4Address.parse("203.0.113.9"), new byte[4],
                    Duration.ofSeconds(5));
            assertThat(noRoute).failsWithin(Duration.ofSeconds(5));
            r.stack.addDefaultRoute(org.netstack4j.wire.Ipv4Address.parse("10.0.0.254"), 1);
            r.stack.ping(org.netstack4j.wire.Ipv4Address.parse("203.0.113.9"), new byte[4], Duration.ofSeconds(1));
            byte[] out = r.await(p -> RawPeer.isIcmpv4(p, Icmpv4Message.TYPE_ECHO_REQUEST));
            assertThat(out).isNotNull();
            assertThat(Bytes.i32(out, 16)).isEqualTo(RawPeer.ip("203.0.113.9"));
            assertThat(Bytes.i32(out, 12)).isEqualTo(US);
        }
    }

    @Test
    void closeLeavesNoThreadBehind() throws Exception {
        RawPeer r = new RawPeer(true, Clock.system(), Stack.builder().shards(3));
        var threads = r.stack.shardThreads();
        r.close();
        assertThat(r.stack.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(threads).noneMatch(Thread::isAlive);
    }
}
