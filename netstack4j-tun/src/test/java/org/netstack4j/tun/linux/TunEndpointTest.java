package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.GsoKind;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.wire.Bytes;

/**
 * The link layer's endpoint over the queues of a real multi-queue TUN with offloads: one dispatch
 * loop per queue, host GSO offered to the stack, packets both ways, and a clean close.
 */
@RequiresNetAdmin
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class TunEndpointTest {

    @Test
    void endpointRunsOneLoopPerQueueAndTalksToTheKernel() throws Exception {
        TunOptions options = TunOptions.tun(TestSupport.uniqueName("ne")).withQueues(2)
                .withOffloads(TunOffload.tcp());
        try (TunDevice tun = TunDevice.open(options)) {
            TestSupport.disableIpv6(tun.name());
            tun.setMtu(1500).setUp(true).addAddress(InetAddress.getByName("10.88.0.1"), 24);
            PacketEndpoint endpoint = PacketEndpoint.create(PacketEndpointOptions.builder()
                    .channels(tun.queues()).mtu(1500).softwareGso(true).txChecksumOffload(true).build());
            assertThat(endpoint.capabilities().gsoKind()).as("the kernel segments for us").isEqualTo(GsoKind.DEVICE);
            BlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
            endpoint.attach((ep, remote, local, protocol, packet) -> {
                delivered.add(packet.toByteArray());
                packet.release();
            });
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("10.88.0.1", 0))) {
                for (int i = 0; i < 16; i++) {
                    udp.send(new DatagramPacket(new byte[] {(byte) i}, 1, new InetSocketAddress("10.88.0.2", 7000 + i)));
                }
                int udpSeen = 0;
                while (udpSeen < 16) {
                    byte[] p = delivered.poll(5, TimeUnit.SECONDS);
                    assertThat(p).as("UDP datagram %d through the endpoint", udpSeen).isNotNull();
                    if (p[9] == TestPackets.PROTO_UDP) {
                        udpSeen++;
                    }
                }
            }
            PacketBuffer echo = PacketBuffer.copyOf(TestPackets.icmpEcho(true, TestPackets.ipv4("10.88.0.2"),
                    TestPackets.ipv4("10.88.0.1"), 0x8888, 1, new byte[16]), endpoint.maxHeaderLength() + 32);
            assertThat(endpoint.writePacket(echo)).isTrue();
            byte[] reply;
            do {
                reply = delivered.poll(5, TimeUnit.SECONDS);
                assertThat(reply).as("echo reply through the endpoint").isNotNull();
            } while (reply[9] != TestPackets.PROTO_ICMP);
            assertThat(reply[20]).isEqualTo((byte) 0);
            assertThat(Bytes.u16(reply, 24)).isEqualTo(0x8888);

            endpoint.close();
            assertThat(endpoint.awaitTermination(Duration.ofSeconds(5))).isTrue();
            for (TunChannel q : tun.queues()) {
                assertThat(q.isOpen()).isFalse();
            }
        }
    }
}
