package org.netstack4j.tun.windows;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.stack.Stack;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Icmpv6Message;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Address;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.IpProtocol;

/**
 * End to end through the Wintun binding: a stack attached to a Wintun channel (on the fake library)
 * answers echo requests that the "operating system" side of the adapter sends, IPv4 and IPv6.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WintunStackPingTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final Ipv4Address OS_V4 = Ipv4Address.parse("198.18.0.1");
    private static final Ipv4Address STACK_V4 = Ipv4Address.parse("198.18.0.2");
    private static final Ipv6Address OS_V6 = Ipv6Address.parse("2001:2::1");
    private static final Ipv6Address STACK_V6 = Ipv6Address.parse("2001:2::2");
    private final FakeWintun fake = FakeWintun.get();

    @Test
    void aStackOnAWintunChannelAnswersPing() throws Throwable {
        WintunChannel channel = WintunChannel.open(WintunOptions.builder("ping" + NAMES.incrementAndGet())
                .libraryPath(FakeWintun.LIBRARY).natives(fake).ringCapacity(WintunChannel.MIN_RING_CAPACITY).build());
        WintunAdapter adapter = channel.adapter();
        Stack stack = Stack.builder().build();
        try {
            stack.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder().channel(channel).build()));
            stack.nic(1).addAddress(STACK_V4 + "/24");
            stack.nic(1).addAddress(STACK_V6 + "/64");

            for (int size : new int[] {0, 56, 1400}) {
                byte[] data = payload(size);
                fake.peerSend(adapter, echoRequestV4(data, size));
                byte[] reply = fake.peerReceive(adapter, 10_000);
                assertThat(reply).as("IPv4 echo reply, %d bytes", size).isNotNull();
                Ipv4Header ip = new Ipv4Header();
                Icmpv4Message icmp = new Icmpv4Message();
                assertThat(ip.wrap(reply, 0, reply.length).isOk()).isTrue();
                assertThat(ip.isChecksumValid()).isTrue();
                assertThat(ip.source()).isEqualTo(STACK_V4);
                assertThat(ip.destination()).isEqualTo(OS_V4);
                assertThat(icmp.wrap(reply, ip.payloadOffset(), ip.payloadLength()).isOk()).isTrue();
                assertThat(icmp.type()).isEqualTo(Icmpv4Message.TYPE_ECHO_REPLY);
                assertThat(icmp.checksumValid()).isTrue();
                assertThat(icmp.sequenceNumber()).isEqualTo(size);
                assertThat(Arrays.copyOfRange(reply, icmp.payloadOffset(), icmp.payloadOffset() + icmp.payloadLength()))
                        .isEqualTo(data);

                fake.peerSend(adapter, echoRequestV6(data, size));
                byte[] reply6 = fake.peerReceive(adapter, 10_000);
                assertThat(reply6).as("IPv6 echo reply, %d bytes", size).isNotNull();
                Ipv6Header ip6 = new Ipv6Header();
                Icmpv6Message icmp6 = new Icmpv6Message();
                assertThat(ip6.wrap(reply6, 0, reply6.length).isOk()).isTrue();
                assertThat(ip6.source()).isEqualTo(STACK_V6);
                assertThat(ip6.nextHeader()).isEqualTo(IpProtocol.ICMPV6);
                assertThat(icmp6.wrap(reply6, Ipv6Header.LENGTH, ip6.payloadLength()).isOk()).isTrue();
                assertThat(icmp6.type()).isEqualTo(Icmpv6Message.TYPE_ECHO_REPLY);
                assertThat(icmp6.checksumValid(ip6.sourceAddressHigh(), ip6.sourceAddressLow(), ip6.destinationAddressHigh(),
                        ip6.destinationAddressLow())).isTrue();
                assertThat(Arrays.copyOfRange(reply6, Ipv6Header.LENGTH + 8, reply6.length)).isEqualTo(data);
            }
            assertThat(stack.stats().toString()).isNotBlank();
        } finally {
            stack.close();
            assertThat(stack.awaitTermination(Duration.ofSeconds(10))).isTrue();
        }
    }

    private static byte[] payload(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        return data;
    }

    private static byte[] echoRequestV4(byte[] data, int seq) {
        int icmpLength = Icmpv4Message.HEADER_LENGTH + data.length;
        byte[] p = new byte[Ipv4Header.MIN_LENGTH + icmpLength];
        System.arraycopy(data, 0, p, Ipv4Header.MIN_LENGTH + Icmpv4Message.HEADER_LENGTH, data.length);
        Icmpv4Message.writeEcho(p, Ipv4Header.MIN_LENGTH, Icmpv4Message.TYPE_ECHO_REQUEST, 0x77, seq, data.length);
        Ipv4Header.write(p, 0, 0, p.length, seq, 0, 0, 64, IpProtocol.ICMP, OS_V4.value(), STACK_V4.value());
        return p;
    }

    private static byte[] echoRequestV6(byte[] data, int seq) {
        int icmpLength = 8 + data.length;
        byte[] p = new byte[Ipv6Header.LENGTH + icmpLength];
        System.arraycopy(data, 0, p, Ipv6Header.LENGTH + 8, data.length);
        Icmpv6Message.writeEcho(p, Ipv6Header.LENGTH, Icmpv6Message.TYPE_ECHO_REQUEST, 0x77, seq, data.length,
                OS_V6.high(), OS_V6.low(), STACK_V6.high(), STACK_V6.low());
        Ipv6Header.write(p, 0, 0, 0, icmpLength, IpProtocol.ICMPV6, 64, OS_V6.high(), OS_V6.low(),
                STACK_V6.high(), STACK_V6.low());
        return p;
    }
}
