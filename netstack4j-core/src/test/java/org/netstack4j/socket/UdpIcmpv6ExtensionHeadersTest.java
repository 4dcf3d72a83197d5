package org.netstack4j.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.socket.UdpPair.WAIT;
import static org.netstack4j.socket.UdpPair.at;

import java.net.InetAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Icmpv6Message;
import org.netstack4j.wire.IpProtocol;
import org.netstack4j.wire.Ipv6QuotedChain;

/** ICMPv6 errors whose quoted datagram carries extension headers still reach the connected socket. */
class UdpIcmpv6ExtensionHeadersTest {
    private UdpPair pair;

    @BeforeEach
    void open() {
        pair = new UdpPair();
    }

    @AfterEach
    void close() throws InterruptedException {
        pair.close();
    }

    /**
     * A port unreachable from fd00::2 to fd00::1 quoting a datagram from {@code port} to fd00::2:9999 behind
     * hop-by-hop, destination options and fragment headers (fragment offset {@code fragmentOffset}), cut
     * short after the UDP header as a real quote may be.
     */
    private static byte[] portUnreachable(int port, int fragmentOffset) throws Exception {
        byte[] fd1 = InetAddress.getByName("fd00::1").getAddress();
        byte[] fd2 = InetAddress.getByName("fd00::2").getAddress();
        int quoted = 40 + 8 + 16 + 8 + 8 + 4; // header, hop-by-hop, dest options (16), fragment, UDP, data
        byte[] p = new byte[40 + 8 + quoted];
        Bytes.put32(p, 0, 0x6000_0000);
        Bytes.put16(p, 4, 8 + quoted);
        Bytes.put8(p, 6, IpProtocol.ICMPV6);
        Bytes.put8(p, 7, 64);
        System.arraycopy(fd2, 0, p, 8, 16);
        System.arraycopy(fd1, 0, p, 24, 16);
        int icmp = 40;
        Bytes.put8(p, icmp, Icmpv6Message.TYPE_DESTINATION_UNREACHABLE);
        Bytes.put8(p, icmp + 1, 4); // port unreachable
        int q = icmp + 8;
        Bytes.put32(p, q, 0x6000_0000);
        Bytes.put16(p, q + 4, 1200); // the original's payload length: more than the quote holds
        Bytes.put8(p, q + 6, IpProtocol.HOP_BY_HOP);
        Bytes.put8(p, q + 7, 64);
        System.arraycopy(fd1, 0, p, q + 8, 16);
        System.arraycopy(fd2, 0, p, q + 24, 16);
        int at = q + 40;
        // Hop-by-hop: next = destination options, length 0 (8 bytes), PadN of 4.
        Bytes.put8(p, at, IpProtocol.DESTINATION_OPTIONS);
        Bytes.put8(p, at + 2, 1);
        Bytes.put8(p, at + 3, 4);
        at += 8;
        // Destination options: next = fragment, length 1 (16 bytes), PadN of 12.
        Bytes.put8(p, at, IpProtocol.FRAGMENT);
        Bytes.put8(p, at + 1, 1);
        Bytes.put8(p, at + 2, 1);
        Bytes.put8(p, at + 3, 12);
        at += 16;
        // Fragment: next = UDP, offset, more fragments.
        Bytes.put8(p, at, IpProtocol.UDP);
        Bytes.put16(p, at + 2, fragmentOffset | 1);
        Bytes.put32(p, at + 4, 0x1234);
        at += 8;
        Bytes.put16(p, at, port);
        Bytes.put16(p, at + 2, 9999);
        Bytes.put16(p, at + 4, 1200 - 32);
        Icmpv6Message.writeChecksum(p, icmp, p.length - icmp, Bytes.i64(fd2, 0), Bytes.i64(fd2, 8),
                Bytes.i64(fd1, 0), Bytes.i64(fd1, 8));
        return p;
    }

    @Test
    void anErrorQuotingExtensionHeadersReachesTheConnectedSocket() throws Exception {
        try (UdpSocket client = pair.udpA.bind(at("fd00::1", 0))) {
            client.connect(at("fd00::2", 9999));
            assertThat(pair.b.writePacket(portUnreachable(client.localPort(), 0)).get(10, TimeUnit.SECONDS))
                    .isTrue();
            assertThatThrownBy(() -> client.receive(WAIT)).isInstanceOf(PortUnreachableException.class);
            assertThat(pair.udpA.protocol().errorsReported()).isEqualTo(1);
        }
    }

    @Test
    void aQuoteOfALaterFragmentHasNoPortsAndIsIgnored() throws Exception {
        try (UdpSocket client = pair.udpA.bind(at("fd00::1", 0))) {
            client.connect(at("fd00::2", 9999));
            assertThat(pair.b.writePacket(portUnreachable(client.localPort(), 1024)).get(10, TimeUnit.SECONDS))
                    .isTrue();
            assertThatThrownBy(() -> client.receive(Duration.ofMillis(300)))
                    .isInstanceOf(SocketTimeoutException.class);
            // The same error about the first fragment is reported: the first was ignored, not lost.
            assertThat(pair.b.writePacket(portUnreachable(client.localPort(), 0)).get(10, TimeUnit.SECONDS))
                    .isTrue();
            assertThatThrownBy(() -> client.receive(WAIT)).isInstanceOf(PortUnreachableException.class);
            assertThat(pair.udpA.protocol().errorsReported()).isEqualTo(1);
        }
    }

    @Test
    void theQuotedChainWalkStopsWhereTheQuoteEnds() throws Exception {
        byte[] p = portUnreachable(1234, 0);
        int q = 48;
        long upper = Ipv6QuotedChain.upperLayer(p, q, p.length);
        assertThat((int) (upper >>> 32)).isEqualTo(IpProtocol.UDP);
        assertThat((int) upper).isEqualTo(q + 40 + 8 + 16 + 8);
        // Cut inside the destination options header: the UDP header cannot be reached.
        assertThat(Ipv6QuotedChain.upperLayer(p, q, q + 40 + 8 + 10)).isEqualTo(-1);
        // Cut inside the fixed header.
        assertThat(Ipv6QuotedChain.upperLayer(p, q, q + 39)).isEqualTo(-1);
        // No extension headers: the transport header follows the fixed one.
        Bytes.put8(p, q + 6, IpProtocol.UDP);
        assertThat(Ipv6QuotedChain.upperLayer(p, q, p.length)).isEqualTo((long) IpProtocol.UDP << 32 | (q + 40));
    }
}
