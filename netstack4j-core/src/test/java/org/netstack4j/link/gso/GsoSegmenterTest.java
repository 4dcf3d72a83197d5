package org.netstack4j.link.gso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.link.TestPackets.v4;
import static org.netstack4j.link.TestPackets.v6;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.link.TestPackets;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.TcpHeader;

/**
 * Super-packets of many sizes (including a last piece of one byte) over IPv4 and IPv6, with and
 * without IP options, extension headers and TCP options; every segment is parsed again with the wire
 * views and checked field by field.
 */
class GsoSegmenterTest {
    private static final int SRC4 = v4(192, 0, 2, 1);
    private static final int DST4 = v4(198, 51, 100, 7);
    private static final long SEQ = 0xffff_f000L; // wraps around 2^32 inside large packets
    private static final PacketBufferPool POOL = new PacketBufferPool(16 + 9000, 16, 64);

    enum Shape { V4, V4_OPTIONS, V6, V6_EXTENSIONS }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        int[] mssValues = {1, 7, 536, 1000, 1448, 8000};
        for (Shape shape : Shape.values()) {
            for (int mss : mssValues) {
                int max = 65535 - 120; // room for the largest header shapes
                for (int payload : new int[] {0, 1, mss - 1, mss, mss + 1, 2 * mss, 3 * mss + 1, 10 * mss + 1, max}) {
                    if (payload < 0 || payload > max || (mss == 1 && payload > 3000) || (mss == 7 && payload > 20_000)) {
                        continue;
                    }
                    all.add(Arguments.of(shape, mss, payload));
                }
            }
        }
        return all.stream();
    }

    static byte[] superPacket(Shape shape, int payloadLength, int flags) {
        byte[] payload = TestPackets.payload(payloadLength, 3);
        byte[] tcpOptions = TestPackets.timestampsOption(1, 2);
        return switch (shape) {
            case V4 -> TestPackets.ipv4TcpWithIpOptions(SRC4, DST4, 40000, 443, SEQ, flags, new byte[0], tcpOptions, payload, 0xfffe);
            case V4_OPTIONS -> TestPackets.ipv4TcpWithIpOptions(SRC4, DST4, 40000, 443, SEQ, flags,
                    new byte[] {(byte) 148, 4, 0, 0, 1, 1, 1, 0}, new byte[0], payload, 17);
            case V6 -> TestPackets.ipv6TcpWithExtensions(v6(1), v6(2), new int[0], new byte[0][], 40000, 443, SEQ, flags, tcpOptions, payload);
            case V6_EXTENSIONS -> TestPackets.ipv6TcpWithExtensions(v6(1), v6(2), new int[] {0, 60},
                    new byte[][] {TestPackets.ipv6PadOptionsHeader(), TestPackets.ipv6PadOptionsHeader()},
                    40000, 443, SEQ, flags, tcpOptions, payload);
        };
    }

    static PacketBuffer asSuperPacket(byte[] bytes, boolean v4, int mss) {
        PacketBuffer p = PacketBuffer.copyOf(bytes, 32);
        p.gso(v4 ? PacketBuffer.GSO_TCPV4 : PacketBuffer.GSO_TCPV6, mss);
        p.networkProtocol(v4 ? 0x0800 : 0x86dd);
        p.remoteLinkAddress(0x0200_0000_0001L);
        return p;
    }

    @ParameterizedTest(name = "{0} mss={1} payload={2}")
    @MethodSource("cases")
    void segmentsReparseWithCorrectFields(Shape shape, int mss, int payloadLength) {
        int flags = TestPackets.TCP_ACK | TestPackets.TCP_PSH | TestPackets.TCP_FIN | TestPackets.TCP_CWR | TestPackets.TCP_ECE;
        byte[] bytes = superPacket(shape, payloadLength, flags);
        boolean v4 = shape == Shape.V4 || shape == Shape.V4_OPTIONS;
        PacketBuffer sp = asSuperPacket(bytes, v4, mss);
        GsoSegmenter g = new GsoSegmenter();
        assertThat(g.prepare(sp)).isEqualTo(GsoResult.OK);
        int expected = payloadLength == 0 ? 1 : (payloadLength + mss - 1) / mss;
        assertThat(g.segmentCount()).isEqualTo(expected);
        PacketBuffer[] out = new PacketBuffer[expected + 2];
        assertThat(g.segment(sp, POOL, out, 1)).isEqualTo(expected);
        assertThat(out[0]).isNull();
        assertThat(out[expected + 1]).isNull();
        assertThat(sp.toByteArray()).as("super-packet untouched").isEqualTo(bytes);

        Ipv4Header ip4 = new Ipv4Header();
        Ipv6Header ip6 = new Ipv6Header();
        Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
        TcpHeader tcp = new TcpHeader();
        TcpHeader original = TcpHeader.parse(java.util.Arrays.copyOfRange(bytes, tcpOffset(bytes, v4), bytes.length));
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        for (int i = 0; i < expected; i++) {
            PacketBuffer s = out[i + 1];
            byte[] b = s.array();
            int net = s.start();
            assertThat(s.networkOffset()).isEqualTo(net);
            assertThat(s.gsoType()).isEqualTo(PacketBuffer.GSO_NONE);
            assertThat(s.checksumPartial()).isFalse();
            assertThat(s.networkProtocol()).isEqualTo(sp.networkProtocol());
            assertThat(s.remoteLinkAddress()).isEqualTo(sp.remoteLinkAddress());
            int chunk = Math.min(mss, payloadLength - i * mss);
            int tcpAt;
            int tcpLen;
            if (v4) {
                assertThat(ip4.wrap(b, net, s.length())).isEqualTo(ParseResult.OK);
                assertThat(ip4.totalLength()).isEqualTo(s.length());
                assertThat(ip4.isChecksumValid()).as("IPv4 header checksum of segment %d", i).isTrue();
                assertThat(ip4.identification()).isEqualTo((Ipv4Header.parse(bytes).identification() + i) & 0xffff);
                assertThat(ip4.headerLength()).isEqualTo(Ipv4Header.parse(bytes).headerLength());
                tcpAt = ip4.payloadOffset();
                tcpLen = ip4.payloadLength();
            } else {
                assertThat(ip6.wrap(b, net, s.length())).isEqualTo(ParseResult.OK);
                assertThat(ip6.end()).isEqualTo(s.end());
                assertThat(chain.walk(ip6)).isEqualTo(ParseResult.OK);
                assertThat(chain.upperLayerProtocol()).isEqualTo(6);
                tcpAt = chain.upperLayerOffset();
                tcpLen = chain.upperLayerLength();
            }
            assertThat(s.transportOffset()).isEqualTo(tcpAt);
            assertThat(tcp.wrap(b, tcpAt, tcpLen)).isEqualTo(ParseResult.OK);
            assertThat(tcp.payloadLength()).as("payload of segment %d", i).isEqualTo(chunk);
            assertThat(s.payloadOffset()).isEqualTo(tcp.payloadOffset());
            assertThat(tcp.sequenceNumber()).isEqualTo((int) (SEQ + (long) i * mss));
            assertThat(tcp.acknowledgmentNumber()).isEqualTo(original.acknowledgmentNumber());
            assertThat(tcp.window()).isEqualTo(original.window());
            assertThat(tcp.optionsLength()).isEqualTo(original.optionsLength());
            boolean last = i == expected - 1;
            assertThat(tcp.isFin()).as("FIN on %d of %d", i, expected).isEqualTo(last);
            assertThat(tcp.isPsh()).as("PSH on %d of %d", i, expected).isEqualTo(last);
            assertThat(tcp.isCwr()).as("CWR on %d", i).isEqualTo(i == 0);
            assertThat(tcp.isEce()).isTrue();
            assertThat(tcp.isAck()).isTrue();
            boolean checksumOk = v4 ? tcp.verifyChecksumIpv4(SRC4, DST4)
                    : tcp.verifyChecksumIpv6(ip6.sourceAddressHigh(), ip6.sourceAddressLow(),
                    ip6.destinationAddressHigh(), ip6.destinationAddressLow());
            assertThat(checksumOk).as("TCP checksum of segment %d", i).isTrue();
            rebuilt.write(b, tcp.payloadOffset(), tcp.payloadLength());
            s.release();
        }
        assertThat(rebuilt.toByteArray()).isEqualTo(TestPackets.payload(payloadLength, 3));
    }

    private static int tcpOffset(byte[] p, boolean v4) {
        if (v4) {
            return Ipv4Header.parse(p).payloadOffset();
        }
        Ipv6Header h = Ipv6Header.parse(p);
        Ipv6ExtensionChain c = new Ipv6ExtensionChain();
        assertThat(c.walk(h)).isEqualTo(ParseResult.OK);
        return c.upperLayerOffset();
    }

    @Test
    void lastPieceOfOneByte() {
        byte[] bytes = superPacket(Shape.V4, 2 * 1000 + 1, TestPackets.TCP_ACK);
        PacketBuffer sp = asSuperPacket(bytes, true, 1000);
        GsoSegmenter g = new GsoSegmenter();
        assertThat(g.prepare(sp)).isEqualTo(GsoResult.OK);
        PacketBuffer[] out = new PacketBuffer[3];
        assertThat(g.segment(sp, POOL, out, 0)).isEqualTo(3);
        assertThat(TcpHeader.parse(java.util.Arrays.copyOfRange(out[2].toByteArray(), 20, out[2].length())).payloadLength()).isEqualTo(1);
        assertThat(out[2].length()).isEqualTo(20 + 32 + 1);
    }

    @Test
    void bytesInFrontOfTheNetworkHeaderAreCopiedIntoEverySegment() {
        byte[] ip = superPacket(Shape.V6, 3000, TestPackets.TCP_ACK);
        byte[] frame = new byte[14 + ip.length];
        for (int i = 0; i < 14; i++) {
            frame[i] = (byte) (0xa0 + i);
        }
        System.arraycopy(ip, 0, frame, 14, ip.length);
        PacketBuffer sp = PacketBuffer.copyOf(frame, 0);
        sp.networkOffset(14);
        sp.gso(PacketBuffer.GSO_TCPV6, 1200);
        GsoSegmenter g = new GsoSegmenter();
        assertThat(g.prepare(sp)).isEqualTo(GsoResult.OK);
        assertThat(g.prefixLength()).isEqualTo(14);
        PacketBuffer[] out = new PacketBuffer[3];
        assertThat(g.segment(sp, POOL, out, 0)).isEqualTo(3);
        for (PacketBuffer s : out) {
            assertThat(java.util.Arrays.copyOf(s.toByteArray(), 14)).isEqualTo(java.util.Arrays.copyOf(frame, 14));
            assertThat(s.linkOffset()).isEqualTo(s.start());
            assertThat(s.networkOffset()).isEqualTo(s.start() + 14);
        }
    }

    @Test
    void urgentPointerMovesWithTheSegmentsAndUrgEndsWithTheUrgentData() {
        byte[] bytes = superPacket(Shape.V4, 3000, TestPackets.TCP_ACK | TestPackets.TCP_URG);
        org.netstack4j.wire.Bytes.put16(bytes, 20 + 18, 1500); // urgent data ends 1500 bytes in
        PacketBuffer sp = asSuperPacket(bytes, true, 1000);
        GsoSegmenter g = new GsoSegmenter();
        assertThat(g.prepare(sp)).isEqualTo(GsoResult.OK);
        PacketBuffer[] out = new PacketBuffer[3];
        g.segment(sp, POOL, out, 0);
        TcpHeader[] t = new TcpHeader[3];
        for (int i = 0; i < 3; i++) {
            byte[] s = out[i].toByteArray();
            t[i] = TcpHeader.parse(java.util.Arrays.copyOfRange(s, 20, s.length));
        }
        assertThat(t[0].isUrg()).isTrue();
        assertThat(t[0].urgentPointer()).isEqualTo(1500);
        assertThat(t[1].isUrg()).isTrue();
        assertThat(t[1].urgentPointer()).isEqualTo(500);
        assertThat(t[2].isUrg()).isFalse();
        assertThat(t[2].urgentPointer()).isZero();
    }

    @Test
    void refusalsNameTheirReason() {
        GsoSegmenter g = new GsoSegmenter();
        PacketBuffer syn = asSuperPacket(superPacket(Shape.V4, 100, TestPackets.TCP_SYN), true, 10);
        assertThat(g.prepare(syn)).isEqualTo(GsoResult.SYN);
        PacketBuffer udp = asSuperPacket(TestPackets.ipv4Udp(SRC4, DST4, 1, 2, new byte[100]), true, 10);
        assertThat(g.prepare(udp)).isEqualTo(GsoResult.NOT_TCP);
        PacketBuffer frag = asSuperPacket(TestPackets.asIpv4Fragment(superPacket(Shape.V4, 100, TestPackets.TCP_ACK), true, 0), true, 10);
        assertThat(g.prepare(frag)).isEqualTo(GsoResult.FRAGMENT);
        PacketBuffer zero = asSuperPacket(superPacket(Shape.V4, 100, TestPackets.TCP_ACK), true, 0);
        assertThat(g.prepare(zero)).isEqualTo(GsoResult.BAD_GSO_SIZE);
        PacketBuffer mismatch = asSuperPacket(superPacket(Shape.V6, 100, TestPackets.TCP_ACK), true, 10);
        assertThat(g.prepare(mismatch)).isEqualTo(GsoResult.UNSUPPORTED_TYPE);
        PacketBuffer uso = asSuperPacket(superPacket(Shape.V4, 100, TestPackets.TCP_ACK), true, 10);
        uso.gso(PacketBuffer.GSO_UDP_L4, 10);
        assertThat(g.prepare(uso)).isEqualTo(GsoResult.UNSUPPORTED_TYPE);
        byte[] cut = java.util.Arrays.copyOf(superPacket(Shape.V4, 100, TestPackets.TCP_ACK), 30);
        assertThat(g.prepare(asSuperPacket(cut, true, 10))).isEqualTo(GsoResult.MALFORMED_HEADERS);
        assertThat(g.parseResult()).isEqualTo(ParseResult.IPV4_BAD_TOTAL_LENGTH);
        byte[] routing = new byte[24]; // type 0 routing header, 1 address, 1 segment left
        routing[1] = 2;
        routing[3] = 1;
        PacketBuffer routed = asSuperPacket(TestPackets.ipv6TcpWithExtensions(v6(1), v6(2), new int[] {43}, new byte[][] {routing},
                1, 2, 3, TestPackets.TCP_ACK, new byte[0], new byte[100]), false, 10);
        assertThat(g.prepare(routed)).isEqualTo(GsoResult.ROUTING_HEADER);
        assertThatThrownBy(g::segmentCount).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void segmentsThatWouldNotFitAPoolBufferAcquireNothing() {
        PacketBufferPool small = new PacketBufferPool(600, 16, 4);
        PacketBuffer sp = asSuperPacket(superPacket(Shape.V4, 5000, TestPackets.TCP_ACK), true, 1000);
        GsoSegmenter g = new GsoSegmenter();
        assertThat(g.prepare(sp)).isEqualTo(GsoResult.OK);
        assertThat(g.maxSegmentLength()).isEqualTo(20 + 32 + 1000);
        long before = small.allocatedCount();
        assertThat(g.segment(sp, small, new PacketBuffer[5], 0)).isEqualTo(-1);
        assertThat(small.allocatedCount()).isEqualTo(before);
    }

    @Test
    void partialChecksumIsCompletedLikeADevice() {
        byte[] full = TestPackets.ipv4Tcp(SRC4, DST4, 1, 2, 3, 4, TestPackets.TCP_ACK, 5, new byte[0], TestPackets.payload(77, 0), 9);
        byte[] partial = full.clone();
        org.netstack4j.wire.Bytes.put16(partial, 36, org.netstack4j.wire.Checksum.pseudoHeaderIpv4(SRC4, DST4, 6, full.length - 20));
        PacketBuffer p = PacketBuffer.copyOf(partial, 0);
        p.checksumPartial(20, 16);
        assertThat(ChecksumOffload.completePartialChecksum(p)).isTrue();
        assertThat(p.toByteArray()).isEqualTo(full);
        assertThat(p.checksumPartial()).isFalse();
        assertThat(ChecksumOffload.completePartialChecksum(p)).as("nothing to do").isTrue();
        assertThat(p.toByteArray()).isEqualTo(full);
    }
}
