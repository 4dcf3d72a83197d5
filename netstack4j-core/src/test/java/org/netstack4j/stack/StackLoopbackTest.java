package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.time.Clock;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

class StackLoopbackTest {

    @ParameterizedTest(name = "ethernet={0}")
    @ValueSource(booleans = {false, true})
    void pingingOurOwnAddressNeverTouchesTheLink(boolean ethernet) throws Exception {
        try (RawPeer r = new RawPeer(ethernet, Clock.system(), Stack.builder().shards(2))) {
            long outBefore = r.nic.endpoint().statistics().packetsOut();
            byte[] data = new byte[3000];
            data[2999] = 42;
            PingReply v4 = r.stack.ping(Ipv4Address.parse("10.0.0.1"), data, Duration.ofSeconds(10)).get();
            PingReply v6 = r.stack.ping(Ipv6Address.parse("fd00::1"), data, Duration.ofSeconds(10)).get();
            assertThat(v4.payload()).isEqualTo(data);
            assertThat(v6.payload()).isEqualTo(data);
            Stats s = r.stack.stats();
            assertThat(s.get(StackCounter.IPV4_LOOPED_BACK)).isEqualTo(2); // request and reply
            assertThat(s.get(StackCounter.IPV6_LOOPED_BACK)).isEqualTo(2);
            assertThat(s.get(StackCounter.IPV4_BAD_SOURCE)).isZero();
            // Ethernet NICs announce their addresses (gratuitous ARP); nothing else may leave.
            long announcements = ethernet ? 1 : 0;
            assertThat(r.nic.endpoint().statistics().packetsOut() - outBefore).isLessThanOrEqualTo(announcements);
        }
    }
}
