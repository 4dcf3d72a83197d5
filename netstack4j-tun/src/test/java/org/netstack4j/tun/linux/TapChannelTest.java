package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.MacAddress;

/** A TAP device against the real kernel: Ethernet frames, with ARP answered by hand. */
@RequiresNetAdmin
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class TapChannelTest {
    private static final int KERNEL = TestPackets.ipv4("10.78.0.1");
    private static final int PEER = TestPackets.ipv4("10.78.0.2");
    private static final long PEER_MAC = MacAddress.parse("02:00:00:00:78:02").value();

    @Test
    void kernelResolvesUsThroughArpThenSendsUdpAndAnswersEcho() throws Exception {
        try (TunDevice tap = TunDevice.open(TunOptions.tap(TestSupport.uniqueName("np")))) {
            assertThat(tap.mode()).isEqualTo(TunMode.TAP);
            TestSupport.disableIpv6(tap.name());
            tap.setMtu(1500).setUp(true).addAddress(InetAddress.getByName("10.78.0.1"), 24);
            long kernelMac = tap.hardwareAddress().value();
            TunChannel channel = tap.queue(0);
            try (PacketCollector in = new PacketCollector(channel, 2048, 64);
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress("10.78.0.1", 0))) {
                byte[] payload = "over ethernet".getBytes(StandardCharsets.US_ASCII);
                udp.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("10.78.0.2", 4000)));

                // The kernel first asks who has 10.78.0.2.
                byte[] arp = in.pollMatching(f -> Bytes.u16(f, 12) == 0x0806, 5000);
                assertThat(arp).as("ARP request").isNotNull();
                assertThat(MacAddress.read(arp, 0)).isEqualTo(MacAddress.BROADCAST.value());
                assertThat(MacAddress.read(arp, 6)).isEqualTo(kernelMac);
                assertThat(Bytes.u16(arp, 20)).as("ARP op").isEqualTo(1);
                assertThat(MacAddress.read(arp, 22)).isEqualTo(kernelMac);
                assertThat(Bytes.i32(arp, 28)).as("sender IP").isEqualTo(KERNEL);
                assertThat(Bytes.i32(arp, 38)).as("target IP").isEqualTo(PEER);

                channel.write(PacketBuffer.copyOf(TestPackets.arpReply(PEER_MAC, PEER, kernelMac, KERNEL), 64));

                // Then the queued datagram goes to the address we gave.
                byte[] frame = in.pollMatching(f -> Bytes.u16(f, 12) == 0x0800, 5000);
                assertThat(frame).as("UDP frame").isNotNull();
                assertThat(MacAddress.read(frame, 0)).isEqualTo(PEER_MAC);
                assertThat(MacAddress.read(frame, 6)).isEqualTo(kernelMac);
                assertThat(frame[14 + 9]).isEqualTo((byte) TestPackets.PROTO_UDP);
                assertThat(Bytes.i32(frame, 14 + 16)).isEqualTo(PEER);
                assertThat(Arrays.copyOfRange(frame, 14 + 28, frame.length)).isEqualTo(payload);
                assertThat(TestPackets.ipv4TransportChecksumOk(frame, 14, frame.length - 14)).isTrue();

                // A hand-built echo request in a frame is answered in a frame.
                byte[] echo = TestPackets.icmpEcho(true, PEER, KERNEL, 0x7878, 3, new byte[] {1, 2, 3, 4});
                channel.write(PacketBuffer.copyOf(TestPackets.ethernet(kernelMac, PEER_MAC, 0x0800, echo), 64));
                byte[] reply = in.pollMatching(f -> Bytes.u16(f, 12) == 0x0800 && f[14 + 9] == 1, 5000);
                assertThat(reply).as("echo reply frame").isNotNull();
                assertThat(MacAddress.read(reply, 0)).isEqualTo(PEER_MAC);
                assertThat(reply[14 + 20]).isEqualTo((byte) 0);
                assertThat(Bytes.u16(reply, 14 + 24)).isEqualTo(0x7878);
                assertThat(Arrays.copyOfRange(reply, 14 + 28, reply.length)).containsExactly(1, 2, 3, 4);
                assertThat(in.failure()).isNull();
            }
        }
    }
}
