package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.netstack4j.link.SnifferEndpoint;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.stack.Stack;
import org.netstack4j.stack.StackCounter;
import org.netstack4j.stack.Stats;
import org.netstack4j.wire.MacAddress;

/**
 * The kernel's own ping and ping -6 against a userspace stack on a TUN (bare IP) and a TAP (Ethernet,
 * so the kernel's real ARP and NDP resolve the stack), inside the test JVM's private network namespace:
 * payload sizes 0, 56, 1400 and 8000 (fragmented both ways).
 */
@RequiresNetAdmin
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StackKernelPingTest {
    private static final MacAddress STACK_MAC = new MacAddress(0x02_00_5e_00_00_02L);

    @ParameterizedTest(name = "tap={0} mtu={1}")
    @CsvSource({"false, 1500", "true, 1500", "false, 1280", "true, 1280"})
    void kernelPingsTheStackAtEverySizeAndTheCaptureDecodesCleanly(boolean tap, int mtu, @TempDir Path dir)
            throws Exception {
        Path capture = dir.resolve("stack.pcap");
        String name = TestSupport.uniqueName(tap ? "sp" : "st");
        try (TunDevice dev = TunDevice.open(tap ? TunOptions.tap(name) : TunOptions.tun(name))) {
            TestSupport.run(10, "ip", "link", "set", dev.name(), "mtu", Integer.toString(mtu), "up");
            TestSupport.run(10, "ip", "addr", "add", "10.89.0.1/24", "dev", dev.name());
            TestSupport.run(10, "ip", "-6", "addr", "add", "fd89::1/64", "dev", dev.name(), "nodad");
            PacketEndpointOptions.Builder o = PacketEndpointOptions.builder().channels(dev.queues()).mtu(mtu)
                    .ethernetHeader(tap);
            if (tap) {
                o.address(STACK_MAC);
            }
            Stack stack = Stack.builder().shards(2).build();
            try (OutputStream pcap = Files.newOutputStream(capture)) {
                var nic = stack.createNic(1, new SnifferEndpoint(PacketEndpoint.create(o.build()), pcap));
                nic.addAddress("10.89.0.2/24");
                nic.addAddress("fd89::2/64");
                for (int size : new int[] {0, 56, 1400, 8000}) {
                    String v4 = TestSupport.run(30, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "5", "-s",
                            Integer.toString(size), "10.89.0.2");
                    assertThat(v4).as("ping -s %d", size).contains("2 received");
                    String v6 = TestSupport.run(30, "ping", "-6", "-n", "-c", "2", "-i", "0.2", "-W", "5", "-s",
                            Integer.toString(size), "fd89::2");
                    assertThat(v6).as("ping -6 -s %d", size).contains("2 received");
                }
                Stats s = stack.stats();
                System.out.println((tap ? "TAP" : "TUN") + " after kernel pings:\n" + s);
                assertThat(s.get(StackCounter.ICMPV4_ECHO_REPLIES_SENT)).isEqualTo(8);
                assertThat(s.get(StackCounter.ICMPV6_ECHO_REPLIES_SENT)).isEqualTo(8);
                assertThat(s.get(StackCounter.IPV4_FRAGMENTS_SENT)).isPositive();
                assertThat(s.get(StackCounter.IPV6_FRAGMENTS_SENT)).isPositive();
                assertThat(s.datagramsReassembled()).isPositive();
                assertThat(s.get(StackCounter.INTERNAL_ERROR)).isZero();
            } finally {
                stack.close();
                assertThat(stack.awaitTermination(Duration.ofSeconds(10))).isTrue();
            }
            String bad = packets(TestSupport.run(60, "tshark", "-n", "-r", capture.toString(), "-o", "ip.check_checksum:TRUE",
                    "-Y", "_ws.malformed || _ws.expert.severity >= 0x00800000 || ip.checksum.status == 0"
                            + " || icmp.checksum.status == 0 || icmpv6.checksum.status == 0"));
            assertThat(bad).as("malformed or bad-checksum packets in our capture").isBlank();
            String replies = packets(TestSupport.run(60, "tshark", "-n", "-r", capture.toString(),
                    "-Y", "icmp.type == 0 && data.len >= 7984")); // ping puts its 16-byte timestamp first
            assertThat(replies.lines().count()).as("8000-byte IPv4 replies reassembled by tshark").isEqualTo(2);
        }
    }

    /** tshark's packet lines, without the warning it prints (merged from stderr) when run as root. */
    private static String packets(String out) {
        StringBuilder b = new StringBuilder();
        out.lines().filter(l -> !l.startsWith("Running as user")).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }
}
