package org.netstack4j.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.link.TestPackets.v4;
import static org.netstack4j.link.TestPackets.v6;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.TestPackets;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

class StaticNatTest {
    private static final int A = v4(10, 0, 0, 1);
    private static final int B = v4(10, 0, 0, 2);
    private static final int C = v4(192, 168, 7, 9);
    private static final int D = v4(172, 16, 200, 3);

    private static byte[] addr(int a) {
        byte[] b = new byte[4];
        Bytes.put32(b, 0, a);
        return b;
    }

    private static PacketBuffer buffer(byte[] packet) {
        return PacketBuffer.copyOf(packet, 32);
    }

    @Test
    void aRewrittenPacketEqualsThePacketBuiltWithTheNewAddresses() {
        StaticNat nat = new StaticNat(addr(A), addr(C), addr(B), addr(D));
        Random r = new Random(3);
        for (int i = 0; i < 500; i++) {
            byte[] payload = new byte[r.nextInt(1400)];
            r.nextBytes(payload);
            int sport = r.nextInt(65536);
            int dport = r.nextInt(65536);
            long seq = r.nextInt() & 0xffff_ffffL;
            PacketBuffer tcp = buffer(TestPackets.ipv4Tcp(A, B, sport, dport, seq, 7, TestPackets.TCP_ACK, 512,
                    new byte[0], payload, i));
            assertThat(nat.rewrite(tcp)).isTrue();
            assertThat(tcp.toByteArray()).isEqualTo(TestPackets.ipv4Tcp(C, D, sport, dport, seq, 7,
                    TestPackets.TCP_ACK, 512, new byte[0], payload, i));
            PacketBuffer udp = buffer(TestPackets.ipv4Udp(A, B, sport, dport, payload));
            assertThat(nat.rewrite(udp)).isTrue();
            assertThat(udp.toByteArray()).isEqualTo(TestPackets.ipv4Udp(C, D, sport, dport, payload));
        }
    }

    @Test
    void ipv6TcpAndUdpAreRewrittenWithValidChecksums() {
        StaticNat nat = new StaticNat(v6(1), v6(0x77), v6(2), v6(0x99));
        byte[] payload = "payload across the NAT".getBytes();
        PacketBuffer tcp = buffer(TestPackets.ipv6Tcp(v6(1), v6(2), 5000, 80, 1, 2, TestPackets.TCP_ACK, 100,
                new byte[0], payload));
        assertThat(nat.rewrite(tcp)).isTrue();
        assertThat(tcp.toByteArray()).isEqualTo(TestPackets.ipv6Tcp(v6(0x77), v6(0x99), 5000, 80, 1, 2,
                TestPackets.TCP_ACK, 100, new byte[0], payload));
        PacketBuffer udp = buffer(TestPackets.ipv6Udp(v6(1), v6(2), 53, 4000, payload));
        assertThat(nat.rewrite(udp)).isTrue();
        assertThat(udp.toByteArray()).isEqualTo(TestPackets.ipv6Udp(v6(0x77), v6(0x99), 53, 4000, payload));
    }

    @Test
    void aPartialChecksumKeepsHoldingThePseudoHeaderSumOfTheNewAddresses() {
        StaticNat nat = new StaticNat(addr(A), addr(C), addr(B), addr(D));
        byte[] p = TestPackets.ipv4Tcp(A, B, 1, 2, 3, 4, TestPackets.TCP_ACK, 5, new byte[0], new byte[100], 9);
        int tcpLength = p.length - 20;
        Bytes.put16(p, 36, Checksum.pseudoHeaderIpv4(A, B, 6, tcpLength) & 0xffff);
        PacketBuffer b = buffer(p);
        b.checksumPartial(b.start() + 20, 16);
        assertThat(nat.rewrite(b)).isTrue();
        int expected = Checksum.fold(Checksum.pseudoHeaderIpv4(C, D, 6, tcpLength) & 0xffff_ffffL);
        assertThat(Checksum.fold(Bytes.u16(b.array(), b.start() + 36))).isEqualTo(expected);
    }

    @Test
    void anIpv4DatagramWithoutChecksumStaysWithout() {
        StaticNat nat = new StaticNat(addr(A), addr(C), addr(B), addr(D));
        byte[] p = TestPackets.ipv4Udp(A, B, 1, 2, new byte[20]);
        Bytes.put16(p, 26, 0);
        PacketBuffer b = buffer(p);
        assertThat(nat.rewrite(b)).isTrue();
        assertThat(Bytes.u16(b.array(), b.start() + 26)).isZero();
        assertThat(Bytes.i32(b.array(), b.start() + 12)).isEqualTo(C);
    }

    @Test
    void otherPacketsAreLeftUntouched() {
        StaticNat nat = new StaticNat(addr(A), addr(C), addr(B), addr(D));
        byte[] other = TestPackets.ipv4Udp(B, A, 1, 2, new byte[8]); // the reverse direction
        PacketBuffer b = buffer(other);
        assertThat(nat.rewrite(b)).isFalse();
        assertThat(b.toByteArray()).isEqualTo(other);
        byte[] v6 = TestPackets.ipv6Udp(v6(1), v6(2), 1, 2, new byte[8]);
        assertThat(nat.rewrite(buffer(v6))).isFalse();
        assertThat(nat.rewrite(buffer(new byte[7]))).isFalse();
        assertThatThrownBy(() -> new StaticNat(new byte[4], new byte[16], new byte[4], new byte[4]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
