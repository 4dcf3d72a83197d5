package org.netstack4j.link;

import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

/**
 * Builds well-formed IPv4/IPv6 packets with UDP or TCP for link tests, with correct checksums
 * computed independently of the code under test (a plain RFC 1071 sum over the bytes).
 */
public final class TestPackets {
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK = 0x10;
    public static final int TCP_URG = 0x20;
    public static final int TCP_ECE = 0x40;
    public static final int TCP_CWR = 0x80;

    private TestPackets() {
    }

    /** An IPv4 address from four octets. */
    public static int v4(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    /** IPv4 + UDP. */
    public static byte[] ipv4Udp(int src, int dst, int sport, int dport, byte[] payload) {
        byte[] p = new byte[20 + 8 + payload.length];
        ipv4Header(p, src, dst, PROTO_UDP, p.length, 0x1234, 0);
        Bytes.put16(p, 20, sport);
        Bytes.put16(p, 22, dport);
        Bytes.put16(p, 24, 8 + payload.length);
        System.arraycopy(payload, 0, p, 28, payload.length);
        int sum = Checksum.pseudoHeaderIpv4(src, dst, PROTO_UDP, 8 + payload.length);
        int c = Checksum.finish(Checksum.partial(p, 20, 8 + payload.length, sum));
        Bytes.put16(p, 26, c == 0 ? 0xffff : c);
        return p;
    }

    /** IPv4 + TCP with the given header fields, an optional block of TCP options (multiple of 4) and payload. */
    public static byte[] ipv4Tcp(int src, int dst, int sport, int dport, long seq, long ack, int flags, int window,
                                 byte[] options, byte[] payload, int ipId) {
        int tcpLen = 20 + options.length + payload.length;
        byte[] p = new byte[20 + tcpLen];
        ipv4Header(p, src, dst, PROTO_TCP, p.length, ipId, 0x4000);
        tcpHeader(p, 20, sport, dport, seq, ack, flags, window, options, payload);
        int sum = Checksum.pseudoHeaderIpv4(src, dst, PROTO_TCP, tcpLen);
        Bytes.put16(p, 20 + 16, Checksum.finish(Checksum.partial(p, 20, tcpLen, sum)));
        return p;
    }

    /**
     * IPv4 with {@code ipOptions} (a multiple of 4 bytes) + TCP; otherwise as
     * {@link #ipv4Tcp(int, int, int, int, long, long, int, int, byte[], byte[], int)}.
     */
    public static byte[] ipv4TcpWithIpOptions(int src, int dst, int sport, int dport, long seq, int flags,
                                              byte[] ipOptions, byte[] tcpOptions, byte[] payload, int ipId) {
        int ihl = 20 + ipOptions.length;
        int tcpLen = 20 + tcpOptions.length + payload.length;
        byte[] p = new byte[ihl + tcpLen];
        Bytes.put16(p, 2, p.length);
        Bytes.put16(p, 4, ipId);
        p[8] = 64;
        p[9] = (byte) PROTO_TCP;
        Bytes.put32(p, 12, src);
        Bytes.put32(p, 16, dst);
        p[0] = (byte) (0x40 | ihl / 4);
        System.arraycopy(ipOptions, 0, p, 20, ipOptions.length);
        Bytes.put16(p, 10, Checksum.compute(p, 0, ihl));
        tcpHeader(p, ihl, sport, dport, seq, 1, flags, 1000, tcpOptions, payload);
        int sum = Checksum.pseudoHeaderIpv4(src, dst, PROTO_TCP, tcpLen);
        Bytes.put16(p, ihl + 16, Checksum.finish(Checksum.partial(p, ihl, tcpLen, sum)));
        return p;
    }

    /**
     * IPv6 + the given extension headers (each a complete header whose first byte, the next header,
     * is filled in here) + TCP.
     */
    public static byte[] ipv6TcpWithExtensions(byte[] src, byte[] dst, int[] extensionTypes, byte[][] extensions,
                                               int sport, int dport, long seq, int flags, byte[] tcpOptions,
                                               byte[] payload) {
        int extLen = 0;
        for (byte[] e : extensions) {
            extLen += e.length;
        }
        int tcpLen = 20 + tcpOptions.length + payload.length;
        byte[] p = new byte[40 + extLen + tcpLen];
        ipv6Header(p, src, dst, extensionTypes.length == 0 ? PROTO_TCP : extensionTypes[0], extLen + tcpLen);
        int at = 40;
        for (int i = 0; i < extensions.length; i++) {
            System.arraycopy(extensions[i], 0, p, at, extensions[i].length);
            p[at] = (byte) (i + 1 < extensionTypes.length ? extensionTypes[i + 1] : PROTO_TCP);
            at += extensions[i].length;
        }
        tcpHeader(p, at, sport, dport, seq, 1, flags, 1000, tcpOptions, payload);
        int sum = Checksum.pseudoHeaderIpv6(p, 8, 24, PROTO_TCP, tcpLen);
        Bytes.put16(p, at + 16, Checksum.finish(Checksum.partial(p, at, tcpLen, sum)));
        return p;
    }

    /** An IPv6 fragment header (next header filled in by the packet builder). */
    public static byte[] ipv6FragmentHeader(int offsetUnits, boolean more, int identification) {
        byte[] h = new byte[8];
        Bytes.put16(h, 2, offsetUnits << 3 | (more ? 1 : 0));
        Bytes.put32(h, 4, identification);
        return h;
    }

    /** An 8-byte destination or hop-by-hop options header holding a PadN option. */
    public static byte[] ipv6PadOptionsHeader() {
        byte[] h = new byte[8];
        h[2] = 1; // PadN
        h[3] = 4;
        return h;
    }

    /** TCP timestamps option padded to 12 bytes (NOP, NOP, kind 8). */
    public static byte[] timestampsOption(int value, int echo) {
        byte[] o = new byte[12];
        o[0] = 1;
        o[1] = 1;
        o[2] = 8;
        o[3] = 10;
        Bytes.put32(o, 4, value);
        Bytes.put32(o, 8, echo);
        return o;
    }

    /** IPv6 + TCP. */
    public static byte[] ipv6Tcp(byte[] src, byte[] dst, int sport, int dport, long seq, long ack, int flags, int window,
                                 byte[] options, byte[] payload) {
        int tcpLen = 20 + options.length + payload.length;
        byte[] p = new byte[40 + tcpLen];
        ipv6Header(p, src, dst, PROTO_TCP, tcpLen);
        tcpHeader(p, 40, sport, dport, seq, ack, flags, window, options, payload);
        int sum = Checksum.pseudoHeaderIpv6(p, 8, 24, PROTO_TCP, tcpLen);
        Bytes.put16(p, 40 + 16, Checksum.finish(Checksum.partial(p, 40, tcpLen, sum)));
        return p;
    }

    /** IPv6 + UDP. */
    public static byte[] ipv6Udp(byte[] src, byte[] dst, int sport, int dport, byte[] payload) {
        int udpLen = 8 + payload.length;
        byte[] p = new byte[40 + udpLen];
        ipv6Header(p, src, dst, PROTO_UDP, udpLen);
        Bytes.put16(p, 40, sport);
        Bytes.put16(p, 42, dport);
        Bytes.put16(p, 44, udpLen);
        System.arraycopy(payload, 0, p, 48, payload.length);
        int sum = Checksum.pseudoHeaderIpv6(p, 8, 24, PROTO_UDP, udpLen);
        int c = Checksum.finish(Checksum.partial(p, 40, udpLen, sum));
        Bytes.put16(p, 46, c == 0 ? 0xffff : c);
        return p;
    }

    /** An IPv6 address: 2001:db8::{@code last}. */
    public static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[14] = (byte) (last >>> 8);
        a[15] = (byte) last;
        return a;
    }

    static void ipv4Header(byte[] p, int src, int dst, int protocol, int totalLength, int id, int flagsAndOffset) {
        p[0] = 0x45;
        Bytes.put16(p, 2, totalLength);
        Bytes.put16(p, 4, id);
        Bytes.put16(p, 6, flagsAndOffset);
        p[8] = 64;
        p[9] = (byte) protocol;
        Bytes.put32(p, 12, src);
        Bytes.put32(p, 16, dst);
        Bytes.put16(p, 10, Checksum.compute(p, 0, 20));
    }

    static void ipv6Header(byte[] p, byte[] src, byte[] dst, int nextHeader, int payloadLength) {
        p[0] = 0x60;
        Bytes.put16(p, 4, payloadLength);
        p[6] = (byte) nextHeader;
        p[7] = 64;
        System.arraycopy(src, 0, p, 8, 16);
        System.arraycopy(dst, 0, p, 24, 16);
    }

    static void tcpHeader(byte[] p, int at, int sport, int dport, long seq, long ack, int flags, int window,
                          byte[] options, byte[] payload) {
        Bytes.put16(p, at, sport);
        Bytes.put16(p, at + 2, dport);
        Bytes.put32(p, at + 4, seq);
        Bytes.put32(p, at + 8, ack);
        p[at + 12] = (byte) (((20 + options.length) / 4) << 4);
        p[at + 13] = (byte) flags;
        Bytes.put16(p, at + 14, window);
        System.arraycopy(options, 0, p, at + 20, options.length);
        System.arraycopy(payload, 0, p, at + 20 + options.length, payload.length);
    }

    /** Sets the IPv4 fragment fields (flags + offset word) and recomputes the header checksum. */
    public static byte[] asIpv4Fragment(byte[] p, boolean moreFragments, int offsetUnits) {
        Bytes.put16(p, 6, (moreFragments ? 0x2000 : 0) | offsetUnits);
        Bytes.put16(p, 10, 0);
        Bytes.put16(p, 10, Checksum.compute(p, 0, 20));
        return p;
    }

    /** A payload of {@code n} bytes counting up from {@code first}. */
    public static byte[] payload(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }
}
