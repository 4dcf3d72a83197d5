package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.netstack4j.time.Clock;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

class StackPingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static byte[] payload(int size) {
        byte[] p = new byte[size];
        new Random(size).nextBytes(p);
        return p;
    }

    @ParameterizedTest(name = "ethernet={0} mtu={1} shards={2}")
    @CsvSource({"false, 1500, 1", "false, 1500, 2", "true, 1500, 1", "true, 1500, 3", "false, 1280, 2",
            "true, 1280, 2"})
    void pingsBothFamiliesAtEverySizeAndTheReplyCarriesThePayload(boolean ethernet, int mtu, int shards)
            throws Exception {
        try (TwoStacks s = new TwoStacks(ethernet, mtu, shards, Clock.system())) {
            for (int size : new int[] {0, 56, 1400, 8000}) {
                byte[] data = payload(size);
                PingReply r4 = s.a.ping(Ipv4Address.parse("10.0.0.2"), data, TIMEOUT).get();
                assertThat(r4.payload()).as("IPv4 %d bytes", size).isEqualTo(data);
                assertThat(r4.from()).isEqualTo("10.0.0.2");
                PingReply r6 = s.b.ping(Ipv6Address.parse("fd00::1"), data, TIMEOUT).get();
                assertThat(r6.payload()).as("IPv6 %d bytes", size).isEqualTo(data);
            }
            Stats a = s.a.stats();
            Stats b = s.b.stats();
            // 1400 bytes at MTU 1280 and 8000 bytes everywhere went out in fragments, both ways.
            assertThat(a.get(StackCounter.IPV4_FRAGMENTS_SENT)).isPositive();
            assertThat(b.get(StackCounter.IPV4_FRAGMENTS_SENT)).isPositive();
            assertThat(a.get(StackCounter.IPV6_FRAGMENTS_SENT)).isPositive();
            assertThat(b.get(StackCounter.IPV6_FRAGMENTS_SENT)).isPositive();
            assertThat(a.datagramsReassembled()).isPositive();
            assertThat(b.datagramsReassembled()).isPositive();
            assertThat(b.get(StackCounter.ICMPV4_ECHO_REPLIES_SENT)).isEqualTo(4);
            assertThat(a.get(StackCounter.ICMPV6_ECHO_REPLIES_SENT)).isEqualTo(4);
            assertThat(a.get(StackCounter.INTERNAL_ERROR) + b.get(StackCounter.INTERNAL_ERROR)).isZero();
        }
    }

    @ParameterizedTest(name = "ethernet={0}")
    @CsvSource({"false", "true"})
    void pingsTheLinkLocalAddressOnEthernet(boolean ethernet) throws Exception {
        if (!ethernet) {
            return;
        }
        try (TwoStacks s = new TwoStacks(true, 1500, 2, Clock.system())) {
            PingReply r = s.a.ping(s.nicB.linkLocalAddress(), payload(32), TIMEOUT).get();
            assertThat(r.from()).isEqualTo(s.nicB.linkLocalAddress().toString());
        }
    }
}
