package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

/** Cutting super-packets as the kernel's software GSO does. */
class SuperPacketSplitterTest {
    private static final int SRC = TestPackets.ipv4("192.0.2.1");
    private static final int DST = TestPackets.ipv4("192.0.2.2");

    /** A TCP/IPv4 super-packet: 20-byte IP header, TCP header with 12 bytes of options, payload bytes i & 0xff. */
    static byte[] tcp4SuperPacket(int payload, int flags, long sequence) {
        int tcpHeader = 32;
        byte[] p = new byte[20 + tcpHeader + payload];
        TestPackets.writeIpv4Header(p, 0, p.length, 0x4000, TestPackets.PROTO_TCP, SRC, DST);
        Bytes.put16(p, 20, 40000);
        Bytes.put16(p, 22, 80);
        Bytes.put32(p, 24, (int) sequence);
        Bytes.put32(p, 28, 777);
        p[32] = (byte) ((tcpHeader / 4) << 4);
        p[33] = (byte) flags;
        Bytes.put16(p, 34, 65535);
        p[40] = 1;
        p[41] = 1;
        p[42] = 8; // timestamps option
        p[43] = 10;
        for (int i = 0; i < payload; i++) {
            p[20 + tcpHeader + i] = (byte) i;
        }
        // As the kernel hands it over: the checksum field holds the pseudo-header sum (NEEDS_CSUM).
        Bytes.put16(p, 36, Checksum.pseudoHeaderIpv4(SRC, DST, TestPackets.PROTO_TCP, tcpHeader + payload));
        return p;
    }

    private static List<byte[]> split(byte[] p, int linkHeader, int transport, int gsoSize, boolean udp) {
        SuperPacketSplitter s = new SuperPacketSplitter();
        assertThat(s.start(p, 0, p.length, linkHeader, transport, gsoSize, udp)).isTrue();
        List<byte[]> out = new ArrayList<>();
        while (s.hasNext()) {
            PacketBuffer b = new PacketBuffer(4096, 32);
            int expected = s.nextLength();
            assertThat(s.next(b)).isEqualTo(expected).isEqualTo(b.length());
            assertThat(b.start()).isEqualTo(32);
            out.add(b.toByteArray());
        }
        return out;
    }

    @Test
    void tcpOverIpv4SegmentsCarryFixedHeadersAndFlagsWhereTheyBelong() {
        int fin = 0x01;
        int psh = 0x08;
        int ack = 0x10;
        int cwr = 0x80;
        byte[] p = tcp4SuperPacket(5000, fin | psh | ack | cwr, 0xfffff000L);
        List<byte[]> segments = split(p, 0, 20, 1448, false);
        assertThat(segments).hasSize(4);
        long sequence = 0xfffff000L;
        int payloadAt = 52;
        for (int i = 0; i < segments.size(); i++) {
            byte[] s = segments.get(i);
            int payload = s.length - 52;
            assertThat(payload).isEqualTo(i < 3 ? 1448 : 5000 - 3 * 1448);
            assertThat(Bytes.u16(s, 2)).isEqualTo(s.length);
            assertThat(Bytes.u16(s, 4)).as("IP id advances").isEqualTo(0x4000 + i);
            assertThat(TestPackets.ipv4HeaderChecksumOk(s, 0)).isTrue();
            assertThat(TestPackets.ipv4TransportChecksumOk(s, 0, s.length)).isTrue();
            assertThat(Bytes.u32(s, 24)).as("sequence, wrapping").isEqualTo(sequence);
            int flags = s[33] & 0xff;
            assertThat((flags & cwr) != 0).as("CWR on the first only").isEqualTo(i == 0);
            assertThat((flags & (fin | psh)) != 0).as("FIN/PSH on the last only").isEqualTo(i == 3);
            assertThat(flags & ack).isEqualTo(ack);
            assertThat(java.util.Arrays.equals(s, 52, s.length, p, payloadAt, payloadAt + payload)).isTrue();
            assertThat(java.util.Arrays.equals(s, 40, 52, p, 40, 52)).as("options copied").isTrue();
            sequence = (sequence + payload) & 0xffffffffL;
            payloadAt += payload;
        }
    }

    @Test
    void udpOverIpv6BehindEthernetBecomesDatagrams() {
        int payload = 3000;
        byte[] p = new byte[14 + 40 + 8 + payload];
        TestPackets.writeEthernet(p, 0, 0x0200_0000_0002L, 0x0200_0000_0001L, 0x86dd);
        p[14] = 0x60;
        Bytes.put16(p, 18, 8 + payload);
        p[20] = (byte) TestPackets.PROTO_UDP;
        p[21] = 64;
        p[22] = (byte) 0xfd;
        p[38] = (byte) 0xfd;
        p[37] = 1;
        p[53] = 2;
        Bytes.put16(p, 54, 5353);
        Bytes.put16(p, 56, 9999);
        Bytes.put16(p, 58, 8 + payload);
        for (int i = 0; i < payload; i++) {
            p[62 + i] = (byte) (i * 7);
        }
        List<byte[]> datagrams = split(p, 14, 54, 1200, true);
        assertThat(datagrams).hasSize(3);
        int at = 62;
        for (byte[] d : datagrams) {
            int length = d.length - 62;
            assertThat(java.util.Arrays.equals(d, 0, 14, p, 0, 14)).as("Ethernet header").isTrue();
            assertThat(Bytes.u16(d, 18)).isEqualTo(8 + length);
            assertThat(Bytes.u16(d, 58)).as("UDP length").isEqualTo(8 + length);
            assertThat(TestPackets.ipv6TransportChecksumOk(d, 14, d.length - 14)).isTrue();
            assertThat(java.util.Arrays.equals(d, 62, d.length, p, at, at + length)).isTrue();
            at += length;
        }
        assertThat(at).isEqualTo(p.length);
    }

    @Test
    void inconsistentSuperPacketsAreRefused() {
        SuperPacketSplitter s = new SuperPacketSplitter();
        byte[] p = tcp4SuperPacket(3000, 0x10, 1);
        assertThat(s.start(p, 0, p.length, 0, 20, 0, false)).as("gso size 0").isFalse();
        assertThat(s.start(p, 0, p.length, 0, 24, 1000, false)).as("transport not after the IP header").isFalse();
        assertThat(s.start(p, 0, p.length, 0, 20, 1000, true)).as("UDP offload of a TCP packet").isFalse();
        assertThat(s.start(p, 0, 52, 0, 20, 1000, false)).as("no payload").isFalse();
        assertThat(s.start(p, 0, 30, 0, 20, 1000, false)).as("truncated TCP header").isFalse();
        byte[] bad = p.clone();
        bad[0] = 0x55;
        assertThat(s.start(bad, 0, bad.length, 0, 20, 1000, false)).as("IP version 5").isFalse();
        bad = p.clone();
        bad[32] = 0x40;
        assertThat(s.start(bad, 0, bad.length, 0, 20, 1000, false)).as("TCP data offset 4").isFalse();
        assertThat(s.hasNext()).isFalse();
        assertThat(s.start(p, 0, p.length, 0, 20, 1000, false)).isTrue();
        assertThat(s.remaining()).isEqualTo(3);
    }
}
