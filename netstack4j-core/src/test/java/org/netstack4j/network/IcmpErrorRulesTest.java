package org.netstack4j.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.network.IcmpErrorRules.mayGenerateIcmpv4Error;
import static org.netstack4j.network.IcmpErrorRules.mayGenerateIcmpv6Error;

import org.junit.jupiter.api.Test;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

class IcmpErrorRulesTest {
    private static final int HOST = ip("198.51.100.7");
    private static final int US = ip("192.0.2.1");
    private static final int UDP = 17;
    private static final int ICMP = 1;

    private static int ip(String s) {
        return Ipv4Address.parse(s).value();
    }

    private static boolean v4(int source, int destination, int offset, int protocol, int icmpType) {
        return mayGenerateIcmpv4Error(source, destination, offset, protocol, icmpType, false, false);
    }

    @Test
    void ipv4UnicastFromAHostGetsAnError() {
        assertThat(v4(HOST, US, 0, UDP, -1)).isTrue();
        assertThat(v4(HOST, US, 0, ICMP, 8)).as("echo request").isTrue();
        assertThat(v4(HOST, US, 0, ICMP, 13)).as("timestamp").isTrue();
    }

    @Test
    void ipv4NeverAnswersIcmpErrorsOrUnknownIcmp() {
        for (int type : new int[] {3, 4, 5, 11, 12, 31, 200, -1}) {
            assertThat(v4(HOST, US, 0, ICMP, type)).as("type %d", type).isFalse();
        }
    }

    @Test
    void ipv4NeverAnswersNonFirstFragments() {
        assertThat(v4(HOST, US, 8, UDP, -1)).isFalse();
        assertThat(v4(HOST, US, 1480, ICMP, 8)).isFalse();
    }

    @Test
    void ipv4NeverAnswersBroadcastOrMulticast() {
        assertThat(v4(HOST, -1, 0, UDP, -1)).as("limited broadcast").isFalse();
        assertThat(v4(HOST, ip("224.0.0.251"), 0, UDP, -1)).isFalse();
        assertThat(v4(HOST, ip("239.255.255.250"), 0, UDP, -1)).isFalse();
        assertThat(mayGenerateIcmpv4Error(HOST, ip("192.0.2.255"), 0, UDP, -1, true, false)).as("directed").isFalse();
        assertThat(mayGenerateIcmpv4Error(HOST, US, 0, UDP, -1, false, true)).as("link broadcast").isFalse();
    }

    @Test
    void ipv4NeverAnswersSourcesThatAreNotOneHost() {
        assertThat(v4(0, US, 0, UDP, -1)).isFalse();
        assertThat(v4(ip("0.1.2.3"), US, 0, UDP, -1)).isFalse();
        assertThat(v4(ip("224.0.0.1"), US, 0, UDP, -1)).isFalse();
        assertThat(v4(ip("240.0.0.1"), US, 0, UDP, -1)).as("class E").isFalse();
        assertThat(v4(-1, US, 0, UDP, -1)).isFalse();
        assertThat(v4(ip("127.0.0.1"), US, 0, UDP, -1)).as("martian loopback").isFalse();
        assertThat(v4(ip("127.0.0.1"), ip("127.0.0.1"), 0, UDP, -1)).as("the stack to itself").isTrue();
    }

    private static final Ipv6Address SRC = Ipv6Address.parse("2001:db8::7");
    private static final Ipv6Address DST = Ipv6Address.parse("2001:db8::1");

    private static boolean v6(Ipv6Address source, Ipv6Address destination, int protocol, int icmpType,
                              boolean linkMulticast, int errorType, int errorCode) {
        return mayGenerateIcmpv6Error(source.high(), source.low(), destination.high(), destination.low(),
                protocol, icmpType, linkMulticast, errorType, errorCode);
    }

    @Test
    void ipv6UnicastGetsErrors() {
        assertThat(v6(SRC, DST, UDP, -1, false, 1, 4)).isTrue();
        assertThat(v6(SRC, DST, 58, 128, false, 4, 0)).as("echo request").isTrue();
        assertThat(v6(SRC, DST, 58, 135, false, 4, 0)).as("neighbor solicitation").isTrue();
    }

    @Test
    void ipv6NeverAnswersErrorsOrRedirects() {
        for (int type : new int[] {1, 2, 3, 4, 100, 127, 137, -1}) {
            assertThat(v6(SRC, DST, 58, type, false, 1, 4)).as("type %d", type).isFalse();
        }
    }

    @Test
    void ipv6MulticastOnlyForPacketTooBigAndUnrecognizedOptions() {
        Ipv6Address group = Ipv6Address.parse("ff02::fb");
        assertThat(v6(SRC, group, UDP, -1, false, 1, 4)).isFalse();
        assertThat(v6(SRC, group, UDP, -1, false, 3, 0)).isFalse();
        assertThat(v6(SRC, group, UDP, -1, false, 4, 0)).isFalse();
        assertThat(v6(SRC, group, UDP, -1, false, 2, 0)).isTrue();
        assertThat(v6(SRC, group, UDP, -1, false, 4, 2)).isTrue();
        assertThat(v6(SRC, DST, UDP, -1, true, 1, 4)).as("link multicast").isFalse();
        assertThat(v6(SRC, DST, UDP, -1, true, 2, 0)).isTrue();
        assertThat(v6(SRC, DST, UDP, -1, true, 4, 2)).isTrue();
    }

    @Test
    void ipv6NeverAnswersUnspecifiedOrMulticastSources() {
        assertThat(v6(Ipv6Address.ANY, DST, UDP, -1, false, 1, 4)).isFalse();
        assertThat(v6(Ipv6Address.ALL_NODES, DST, UDP, -1, false, 2, 0)).isFalse();
    }
}
