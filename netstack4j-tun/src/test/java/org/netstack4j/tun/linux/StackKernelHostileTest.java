package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.network.fragment.ReassemblyConfig;
import org.netstack4j.stack.Stack;
import org.netstack4j.stack.StackCounter;
import org.netstack4j.stack.Stats;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Header;

/**
 * Hostile packets written into a real TUN device (through a packet socket on its kernel side) reach a
 * userspace stack, which drops and counts each one and keeps answering the kernel's ping; thousands of
 * incomplete fragment trains stay within the reassembly cap. Inside the test JVM's private namespace.
 */
@RequiresNetAdmin
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StackKernelHostileTest {
    private static final int KERNEL = Ipv4Address.parse("10.90.0.1").value();
    private static final int STACK = Ipv4Address.parse("10.90.0.2").value();

    private static byte[] ipv4(int protocol, int id, int flags, int offset, int payload) {
        byte[] b = new byte[20 + payload];
        Ipv4Header.write(b, 0, 0, b.length, id, flags, offset, 64, protocol, KERNEL, STACK);
        return b;
    }

    @Test
    void malformedPacketsAndFragmentFloodsAreCountedAndPingStillWorks() throws Exception {
        long cap = 512 * 1024;
        String name = TestSupport.uniqueName("sh");
        try (TunDevice dev = TunDevice.open(TunOptions.tun(name))) {
            TestSupport.run(10, "ip", "link", "set", dev.name(), "mtu", "1500", "up");
            TestSupport.run(10, "ip", "addr", "add", "10.90.0.1/24", "dev", dev.name());
            Stack stack = Stack.builder().shards(2)
                    .ipv4Reassembly(ReassemblyConfig.ipv4().withCaps(cap, cap / 2)).build();
            try (PacketSocketChannel inject = PacketSocketChannel.open(dev.name(), SocketChannelOptions.defaults())) {
                stack.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder().channels(dev.queues())
                        .mtu(1500).build())).addAddress("10.90.0.2/24");
                stack.nic(1).addAddress("fd90::2/64");
                assertThat(TestSupport.run(30, "ping", "-n", "-c", "1", "-W", "5", "10.90.0.2")).contains("1 received");

                byte[] badChecksum = ipv4(253, 1, 0, 0, 8);
                badChecksum[10] ^= 0x55;
                byte[] ihl = ipv4(253, 2, 0, 0, 8);
                ihl[0] = 0x44;
                byte[] lies = ipv4(253, 3, 0, 0, 8);
                Bytes.put16(lies, 2, 400);
                Bytes.put16(lies, 10, 0);
                Bytes.put16(lies, 10, Checksum.compute(lies, 0, 20));
                byte[] truncated = java.util.Arrays.copyOf(ipv4(253, 4, 0, 0, 8), 12);
                byte[] unknown = ipv4(253, 5, 0, 0, 8);
                byte[] loop = new byte[40 + 40 * 8];
                Ipv6Header.write(loop, 0, 0, 0, 40 * 8, Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS, 64,
                        0xfd90_0000_0000_0000L, 1, 0xfd90_0000_0000_0000L, 2);
                for (int i = 0; i < 40; i++) {
                    loop[40 + i * 8] = (byte) (i == 39 ? 59 : 60);
                    loop[40 + i * 8 + 2] = 1;
                    loop[40 + i * 8 + 3] = 4;
                }
                for (byte[] p : new byte[][] {badChecksum, ihl, lies, truncated, unknown, loop}) {
                    inject.write(PacketBuffer.copyOf(p, 64));
                }
                int trains = 3000;
                for (int i = 0; i < trains; i++) {
                    inject.write(PacketBuffer.copyOf(ipv4(17, 1000 + i, Ipv4Header.FLAG_MORE_FRAGMENTS, 0, 1024), 64));
                    if (i % 200 == 199) {
                        Thread.sleep(5); // stay within the device's queue
                    }
                }
                Stats s = stack.stats();
                for (int i = 0; i < 200 && s.get(StackCounter.IPV4_RECEIVED) < trains; i++) {
                    Thread.sleep(20);
                    s = stack.stats();
                }
                System.out.println("after hostile input through the TUN:\n" + s);
                assertThat(s.get(StackCounter.IPV4_BAD_CHECKSUM)).isEqualTo(1);
                assertThat(s.get(StackCounter.IPV4_BAD_IHL)).isEqualTo(1);
                assertThat(s.get(StackCounter.IPV4_BAD_TOTAL_LENGTH)).isEqualTo(1);
                assertThat(s.get(StackCounter.IPV4_TRUNCATED) + s.link(1).totalDrops()).isGreaterThanOrEqualTo(1);
                assertThat(s.get(StackCounter.IPV4_UNKNOWN_PROTOCOL)).isEqualTo(1);
                assertThat(s.get(StackCounter.IPV6_TOO_MANY_EXTENSIONS)).isEqualTo(1);
                assertThat(s.reassemblyHeldBytes()).isLessThanOrEqualTo(cap * 2);
                assertThat(s.reassemblyFragmentsDropped()).isPositive();
                assertThat(s.get(StackCounter.INTERNAL_ERROR)).isZero();
                assertThat(TestSupport.run(30, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "5", "-s", "1400",
                        "10.90.0.2")).contains("2 received");
            } finally {
                stack.close();
                assertThat(stack.awaitTermination(Duration.ofSeconds(10))).isTrue();
            }
        }
    }
}
