package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.link.TestPackets.v4;
import static org.netstack4j.link.TestPackets.v6;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FlowHashTest {
    private final FlowHash hash = new FlowHash(0x5eed);

    private int h(byte[] p) {
        return hash.hash(p, 0, p.length);
    }

    static byte[] tcp4(int src, int dst, int sport, int dport) {
        return TestPackets.ipv4Tcp(src, dst, sport, dport, 1, 2, TestPackets.TCP_ACK, 100, new byte[0], new byte[10], 1);
    }

    static byte[] udp4(int src, int dst, int sport, int dport) {
        return TestPackets.ipv4Udp(src, dst, sport, dport, new byte[10]);
    }

    @Test
    void aTupleHashesLikeItsPacketInBothDirections() {
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            int a = r.nextInt();
            int b = i % 10 == 0 ? a : r.nextInt();
            int pa = r.nextInt(65536);
            int pb = r.nextInt(65536);
            assertThat(hash.hashIpv4(TestPackets.PROTO_TCP, a, pa, b, pb)).isEqualTo(h(tcp4(a, b, pa, pb)))
                    .isEqualTo(hash.hashIpv4(TestPackets.PROTO_TCP, b, pb, a, pa));
            assertThat(hash.hashIpv4(TestPackets.PROTO_UDP, a, pa, b, pb)).isEqualTo(h(udp4(a, b, pa, pb)));
            byte[] s6 = v6(a);
            byte[] d6 = v6(b);
            long sh = org.netstack4j.wire.Bytes.i64(s6, 0);
            long sl = org.netstack4j.wire.Bytes.i64(s6, 8);
            long dh = org.netstack4j.wire.Bytes.i64(d6, 0);
            long dl = org.netstack4j.wire.Bytes.i64(d6, 8);
            assertThat(hash.hashIpv6(TestPackets.PROTO_TCP, sh, sl, pa, dh, dl, pb)).isEqualTo(h(tcp6(a, b, pa, pb)))
                    .isEqualTo(hash.hashIpv6(TestPackets.PROTO_TCP, dh, dl, pb, sh, sl, pa));
        }
    }

    static byte[] tcp6(int src, int dst, int sport, int dport) {
        return TestPackets.ipv6Tcp(v6(src), v6(dst), sport, dport, 1, 2, TestPackets.TCP_ACK, 100, new byte[0], new byte[10]);
    }

    @Test
    void bothDirectionsOfAFlowHashAlike() {
        int a = v4(10, 0, 0, 1);
        int b = v4(10, 0, 0, 2);
        assertThat(h(tcp4(a, b, 1234, 80))).isEqualTo(h(tcp4(b, a, 80, 1234)));
        assertThat(h(udp4(a, b, 53, 40000))).isEqualTo(h(udp4(b, a, 40000, 53)));
        assertThat(h(tcp6(1, 2, 1234, 443))).isEqualTo(h(tcp6(2, 1, 443, 1234)));
        // same address both ways (loopback): the ports are ordered instead
        assertThat(h(tcp4(a, a, 1, 2))).isEqualTo(h(tcp4(a, a, 2, 1)));
    }

    @Test
    void everyElementOfTheFiveTupleCounts() {
        int a = v4(10, 0, 0, 1);
        int b = v4(10, 0, 0, 2);
        int base = h(tcp4(a, b, 1234, 80));
        assertThat(h(tcp4(v4(10, 0, 0, 3), b, 1234, 80))).isNotEqualTo(base);
        assertThat(h(tcp4(a, v4(10, 0, 0, 3), 1234, 80))).isNotEqualTo(base);
        assertThat(h(tcp4(a, b, 1235, 80))).isNotEqualTo(base);
        assertThat(h(tcp4(a, b, 1234, 81))).isNotEqualTo(base);
        assertThat(h(udp4(a, b, 1234, 80))).as("protocol").isNotEqualTo(base);
        int base6 = h(tcp6(1, 2, 1234, 80));
        assertThat(h(tcp6(1, 3, 1234, 80))).isNotEqualTo(base6);
        assertThat(h(tcp6(1, 2, 1234, 81))).isNotEqualTo(base6);
    }

    @Test
    void theSeedChangesTheHash() {
        byte[] p = tcp4(v4(1, 2, 3, 4), v4(5, 6, 7, 8), 1, 2);
        assertThat(new FlowHash(1).hash(p, 0, p.length)).isNotEqualTo(new FlowHash(2).hash(p, 0, p.length));
        assertThat(new FlowHash(1).hash(p, 0, p.length)).isEqualTo(new FlowHash(1).hash(p, 0, p.length));
    }

    @Test
    void ipv4FragmentsHashByAddressesOnly() {
        int a = v4(10, 0, 0, 1);
        int b = v4(10, 0, 0, 2);
        byte[] first = TestPackets.asIpv4Fragment(udp4(a, b, 1000, 2000), true, 0);
        byte[] middle = TestPackets.asIpv4Fragment(udp4(a, b, 7, 7), true, 185);   // payload is data, not ports
        byte[] last = TestPackets.asIpv4Fragment(udp4(a, b, 9, 9), false, 370);
        byte[] reverse = TestPackets.asIpv4Fragment(udp4(b, a, 3, 4), false, 10);
        assertThat(h(middle)).isEqualTo(h(first));
        assertThat(h(last)).isEqualTo(h(first));
        assertThat(h(reverse)).isEqualTo(h(first));
        assertThat(h(udp4(a, b, 1000, 2000))).as("the unfragmented datagram uses its ports").isNotEqualTo(h(first));
    }

    @Test
    void ipv6FragmentsHashByAddressesOnly() {
        byte[] first = TestPackets.ipv6TcpWithExtensions(v6(1), v6(2), new int[] {44},
                new byte[][] {TestPackets.ipv6FragmentHeader(0, true, 77)}, 1000, 2000, 1, TestPackets.TCP_ACK, new byte[0], new byte[16]);
        byte[] later = TestPackets.ipv6TcpWithExtensions(v6(1), v6(2), new int[] {44},
                new byte[][] {TestPackets.ipv6FragmentHeader(4, false, 77)}, 5, 6, 1, TestPackets.TCP_ACK, new byte[0], new byte[16]);
        assertThat(h(later)).isEqualTo(h(first));
    }

    @Test
    void ipv6PortsAreFoundBehindExtensionHeaders() {
        int[] types = {0, 60};
        byte[][] ext = {TestPackets.ipv6PadOptionsHeader(), TestPackets.ipv6PadOptionsHeader()};
        byte[] p1 = TestPackets.ipv6TcpWithExtensions(v6(1), v6(2), types, ext, 1000, 80, 1, TestPackets.TCP_ACK, new byte[0], new byte[4]);
        byte[] p2 = TestPackets.ipv6TcpWithExtensions(v6(1), v6(2), types, ext, 1001, 80, 1, TestPackets.TCP_ACK, new byte[0], new byte[4]);
        byte[] back = TestPackets.ipv6TcpWithExtensions(v6(2), v6(1), types, ext, 80, 1000, 1, TestPackets.TCP_ACK, new byte[0], new byte[4]);
        assertThat(h(p1)).isNotEqualTo(h(p2));
        assertThat(h(back)).isEqualTo(h(p1));
    }

    @Test
    void flowsSpreadEvenlyOverChannels() {
        Random r = new Random(42);
        int[] buckets = new int[4];
        int n = 8192;
        for (int i = 0; i < n; i++) {
            byte[] p = r.nextBoolean() ? tcp4(r.nextInt(), r.nextInt(), r.nextInt(65536), r.nextInt(65536))
                    : tcp6(r.nextInt(65536), r.nextInt(65536), r.nextInt(65536), r.nextInt(65536));
            int hv = h(p);
            buckets[(int) (((hv & 0xffff_ffffL) * 4) >>> 32)]++;
        }
        for (int b : buckets) {
            assertThat(b).isBetween(n / 4 - n / 20, n / 4 + n / 20);
        }
    }

    @Test
    void anyBytesHashWithoutFailing() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[r.nextInt(100)];
            r.nextBytes(junk);
            if (junk.length > 0 && r.nextBoolean()) {
                junk[0] = (byte) (r.nextBoolean() ? 0x45 : 0x60);
            }
            int a = hash.hash(junk, 0, junk.length);
            assertThat(hash.hash(junk, 0, junk.length)).isEqualTo(a);
        }
    }
}
