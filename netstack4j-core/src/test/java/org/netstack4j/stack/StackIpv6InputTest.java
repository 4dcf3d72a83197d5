package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.netstack4j.time.Clock;
import org.netstack4j.time.ManualClock;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Icmpv6Message;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Address;
import org.netstack4j.wire.Ipv6Header;

class StackIpv6InputTest {
    private static final long NET = 0xfd00_0000_0000_0000L;

    private static byte[] ipv6(int nextHeader, byte[] payload, long dstLow) {
        byte[] b = new byte[40 + payload.length];
        Ipv6Header.write(b, 0, 0, 0, payload.length, nextHeader, 64, NET, 2, NET, dstLow);
        System.arraycopy(payload, 0, b, 40, payload.length);
        return b;
    }

    private static byte[] echo6(int seq, int dataLength) {
        byte[] icmp = new byte[8 + dataLength];
        for (int i = 0; i < dataLength; i++) {
            icmp[8 + i] = (byte) (i * 7);
        }
        Icmpv6Message.writeEcho(icmp, 0, Icmpv6Message.TYPE_ECHO_REQUEST, 0x4321, seq, dataLength, NET, 2, NET, 1);
        return ipv6(Icmpv6Message.NEXT_HEADER, icmp, 1);
    }

    private static boolean isIcmpv6(byte[] p, int type) {
        return p.length >= 48 && (p[0] >> 4 & 0xf) == 6 && (p[6] & 0xff) == 58 && (p[40] & 0xff) == type;
    }

    @Test
    void unknownNextHeaderIsAnsweredWithAParameterProblemAndBadPacketsAreCounted() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(2))) {
            r.send(ipv6(253, new byte[16], 1));
            byte[] problem = r.await(p -> isIcmpv6(p, Icmpv6Message.TYPE_PARAMETER_PROBLEM));
            assertThat(problem).isNotNull();
            assertThat(problem[41]).isEqualTo((byte) Icmpv6Message.PARAMETER_PROBLEM_NEXT_HEADER);
            assertThat(Bytes.i32(problem, 44)).as("points at the next header field").isEqualTo(6);
            byte[] bad = echo6(1, 8);
            Bytes.put16(bad, 4, 500); // payload length beyond the packet
            r.send(bad);
            byte[] badSum = echo6(2, 8);
            badSum[50] ^= 1;
            r.send(badSum);
            r.send(ipv6(Icmpv6Message.NEXT_HEADER, new byte[16], 0x99)); // not ours
            Stats s = r.awaitStats(x -> x.get(StackCounter.IPV6_NOT_FOR_US) == 1
                    && x.get(StackCounter.ICMPV6_BAD_CHECKSUM) == 1);
            assertThat(s.get(StackCounter.IPV6_UNKNOWN_NEXT_HEADER)).isEqualTo(1);
            assertThat(s.get(StackCounter.IPV6_BAD_PAYLOAD_LENGTH)).isEqualTo(1);
            assertThat(s.get(StackCounter.ICMPV6_BAD_CHECKSUM)).isEqualTo(1);
            byte[] good = echo6(3, 100);
            r.send(good);
            byte[] reply = r.await(p -> isIcmpv6(p, Icmpv6Message.TYPE_ECHO_REPLY));
            assertThat(reply).isNotNull();
            assertThat(Arrays.copyOfRange(reply, 48, reply.length)).isEqualTo(Arrays.copyOfRange(good, 48, good.length));
            assertThat(Icmpv6Message.parse(Arrays.copyOfRange(reply, 40, reply.length))
                    .checksumValid(NET, 1, NET, 2)).isTrue();
        }
    }

    /** A destination options header holding one option of {@code type} (4 data bytes), then no next header. */
    private static byte[] withOption(int type, long dstHigh, long dstLow) {
        byte[] opts = {(byte) Ipv6Header.NEXT_HEADER_NONE, 0, (byte) type, 4, 0, 0, 0, 0};
        byte[] b = new byte[48];
        Ipv6Header.write(b, 0, 0, 0, 8, Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS, 64, NET, 2, dstHigh, dstLow);
        System.arraycopy(opts, 0, b, 40, 8);
        return b;
    }

    @Test
    void unknownOptionsAreSkippedDiscardedOrReportedAsTheirTypeAsks() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(1))) {
            r.send(withOption(0x1e, NET, 1)); // 00: skip, then "no next header"
            r.send(withOption(0x5e, NET, 1)); // 01: discard silently
            r.send(withOption(0x9e, NET, 1)); // 10: discard and report
            r.send(withOption(0xde, 0xff02_0000_0000_0000L, 1)); // 11 to multicast: discard, no report
            Stats s = r.awaitStats(x -> x.get(StackCounter.IPV6_UNRECOGNIZED_OPTION) == 3);
            assertThat(s.get(StackCounter.IPV6_UNRECOGNIZED_OPTION)).isEqualTo(3);
            assertThat(s.get(StackCounter.IPV6_NO_NEXT_HEADER)).isEqualTo(1);
            byte[] problem = r.await(p -> isIcmpv6(p, Icmpv6Message.TYPE_PARAMETER_PROBLEM));
            assertThat(problem).isNotNull();
            assertThat(problem[41]).isEqualTo((byte) Icmpv6Message.PARAMETER_PROBLEM_OPTION);
            assertThat(Bytes.i32(problem, 44)).as("points at the option type").isEqualTo(42);
            assertThat(r.awaitStats(x -> true).get(StackCounter.ICMPV6_ERRORS_SENT)).isEqualTo(1);
        }
    }

    @Test
    void aFragmentBeyond65535BytesIsAnsweredWithAParameterProblemAtItsOffset() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(1))) {
            byte[] fragment = new byte[8 + 16];
            fragment[0] = (byte) Icmpv6Message.NEXT_HEADER;
            Bytes.put16(fragment, 2, 65528); // offset 65528 (already in 8-byte units << 3), M = 0
            Bytes.put32(fragment, 4, 99);
            r.send(ipv6(Ipv6Header.NEXT_HEADER_FRAGMENT, fragment, 1));
            byte[] problem = r.await(p -> isIcmpv6(p, Icmpv6Message.TYPE_PARAMETER_PROBLEM));
            assertThat(problem).isNotNull();
            assertThat(problem[41]).isEqualTo((byte) Icmpv6Message.PARAMETER_PROBLEM_HEADER_FIELD);
            assertThat(Bytes.i32(problem, 44)).as("points at the fragment offset").isEqualTo(42);
            assertThat(r.stack.stats().get(StackCounter.IPV6_FRAGMENT_DROPPED)).isEqualTo(1);
        }
    }

    @Test
    void aTimedOutFragmentOfAnIcmpErrorIsNeverAnsweredWithAnError() throws Exception {
        ManualClock clock = new ManualClock();
        try (RawPeer r = new RawPeer(false, clock, Stack.builder().shards(1))) {
            byte[] icmpError = new byte[64];
            icmpError[0] = (byte) Icmpv4Message.TYPE_DESTINATION_UNREACHABLE;
            r.send(RawPeer.ipv4(RawPeer.ip("10.0.0.2"), RawPeer.ip("10.0.0.1"), Ipv4Header.PROTOCOL_ICMP, 77,
                    Ipv4Header.FLAG_MORE_FRAGMENTS, 0, icmpError));
            r.awaitStats(x -> x.reassemblyPendingDatagrams() == 1);
            clock.advance(Duration.ofSeconds(31));
            Stats s = r.awaitStats(x -> x.reassemblyTimeouts() == 1 && x.get(StackCounter.ICMPV4_ERRORS_SUPPRESSED) == 1);
            assertThat(s.get(StackCounter.ICMPV4_ERRORS_SUPPRESSED)).isEqualTo(1);
            assertThat(s.get(StackCounter.ICMPV4_ERRORS_SENT)).isZero();
        }
    }

    @Test
    void aTentativeAddressIsNotAnsweredUntilDuplicateAddressDetectionPasses() throws Exception {
        ManualClock clock = new ManualClock();
        try (RawPeer r = new RawPeer(true, clock, Stack.builder().shards(2).dadTransmits(1))) {
            r.send(echo6(1, 8));
            Stats before = r.awaitStats(x -> x.get(StackCounter.IPV6_NOT_FOR_US) == 1);
            assertThat(before.get(StackCounter.IPV6_NOT_FOR_US)).as("tentative: not ours yet").isEqualTo(1);
            Stats assigned = r.stack.stats();
            for (int i = 0; i < 30 && assigned.addressesAssigned() < 2; i++) {
                clock.advance(Duration.ofMillis(500));
                Thread.sleep(30); // lets the home shard run its timers
                assigned = r.stack.stats();
            }
            assertThat(assigned.addressesAssigned()).isEqualTo(2);
            r.send(echo6(2, 8));
            // The reply then waits for NDP to resolve the raw peer, which never answers: count it instead.
            assertThat(r.awaitStats(x -> x.get(StackCounter.ICMPV6_ECHO_REPLIES_SENT) == 1)
                    .get(StackCounter.ICMPV6_ECHO_REPLIES_SENT)).isEqualTo(1);
            assertThat(r.stack.stats().get(StackCounter.IPV6_NOT_FOR_US)).isEqualTo(1);
        }
    }

    @Test
    void duplicateAddressDetectionRunsWhenConfiguredAndAddressesBecomeUsable() throws Exception {
        try (TwoStacks s = new TwoStacks(true, 1500, 2, Clock.system(), Stack.builder().dadTransmits(1))) {
            PingReply r = s.a.ping(Ipv6Address.parse("fd00::2"), new byte[24], Duration.ofSeconds(10)).get();
            assertThat(r.from()).isEqualTo("fd00::2");
            Stats b = s.b.stats();
            // One solicitation each for the link-local and fd00::2, both then assigned.
            assertThat(b.dadSolicitationsSent()).isEqualTo(2);
            assertThat(b.addressesAssigned()).isEqualTo(2);
            assertThat(s.a.stats().dadSolicitationsSent()).as("off by default").isZero();
        }
    }
}
