package org.netstack4j.tun.linux;

import java.net.InetAddress;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

/** Hand-built IPv4/IPv6, ICMP, UDP and TCP packets and Ethernet/ARP frames for the device tests. */
final class TestPackets {
    static final int PROTO_ICMP = 1;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    static final int PROTO_ICMPV6 = 58;

    private TestPackets() {
    }

    static int ipv4(String dotted) {
        try {
            return Bytes.i32(InetAddress.getByName(dotted).getAddress(), 0);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(dotted, e);
        }
    }

    /** An IPv4 header (20 bytes, DF, TTL 64) at {@code at} with a valid checksum. */
    static void writeIpv4Header(byte[] b, int at, int totalLength, int id, int protocol, int source, int destination) {
        b[at] = 0x45;
        b[at + 1] = 0;
        Bytes.put16(b, at + 2, totalLength);
        Bytes.put16(b, at + 4, id);
        Bytes.put16(b, at + 6, 0x4000);
        b[at + 8] = 64;
        b[at + 9] = (byte) protocol;
        Bytes.put16(b, at + 10, 0);
        Bytes.put32(b, at + 12, source);
        Bytes.put32(b, at + 16, destination);
        Bytes.put16(b, at + 10, Checksum.compute(b, at, 20));
    }

    /** An IPv4 ICMP echo request or reply. */
    static byte[] icmpEcho(boolean request, int source, int destination, int id, int sequence, byte[] payload) {
        byte[] p = new byte[20 + 8 + payload.length];
        writeIpv4Header(p, 0, p.length, 0x1234, PROTO_ICMP, source, destination);
        p[20] = (byte) (request ? 8 : 0);
        p[21] = 0;
        Bytes.put16(p, 24, id);
        Bytes.put16(p, 26, sequence);
        System.arraycopy(payload, 0, p, 28, payload.length);
        Bytes.put16(p, 22, Checksum.compute(p, 20, p.length - 20));
        return p;
    }

    /** An IPv4 UDP datagram with a valid checksum. */
    static byte[] udp4(int source, int sourcePort, int destination, int destinationPort, byte[] payload) {
        byte[] p = new byte[28 + payload.length];
        writeIpv4Header(p, 0, p.length, 1, PROTO_UDP, source, destination);
        Bytes.put16(p, 20, sourcePort);
        Bytes.put16(p, 22, destinationPort);
        Bytes.put16(p, 24, 8 + payload.length);
        System.arraycopy(payload, 0, p, 28, payload.length);
        int pseudo = Checksum.pseudoHeaderIpv4(source, destination, PROTO_UDP, 8 + payload.length);
        int sum = Checksum.finish(Checksum.partial(p, 20, 8 + payload.length, pseudo));
        Bytes.put16(p, 26, sum == 0 ? 0xffff : sum);
        return p;
    }

    /** True when the IPv4 header checksum of the packet at {@code at} verifies. */
    static boolean ipv4HeaderChecksumOk(byte[] b, int at) {
        int ihl = (b[at] & 0x0f) * 4;
        return Checksum.partial(b, at, ihl, 0) == 0xffff;
    }

    /** True when the TCP/UDP checksum of the IPv4 packet at {@code at} verifies. */
    static boolean ipv4TransportChecksumOk(byte[] b, int at, int length) {
        int ihl = (b[at] & 0x0f) * 4;
        int transportLength = Bytes.u16(b, at + 2) - ihl;
        if (ihl + transportLength > length) {
            return false;
        }
        int pseudo = Checksum.pseudoHeaderIpv4(Bytes.i32(b, at + 12), Bytes.i32(b, at + 16), b[at + 9] & 0xff,
                transportLength);
        return Checksum.partial(b, at + ihl, transportLength, pseudo) == 0xffff;
    }

    /** True when the TCP/UDP checksum of the IPv6 packet (no extension headers) at {@code at} verifies. */
    static boolean ipv6TransportChecksumOk(byte[] b, int at, int length) {
        int payload = Bytes.u16(b, at + 4);
        if (40 + payload > length) {
            return false;
        }
        int pseudo = Checksum.pseudoHeaderIpv6(b, at + 8, at + 24, b[at + 6] & 0xff, payload);
        return Checksum.partial(b, at + 40, payload, pseudo) == 0xffff;
    }

    /** An Ethernet header at {@code at}. */
    static void writeEthernet(byte[] b, int at, long destination, long source, int etherType) {
        org.netstack4j.wire.MacAddress.write(b, at, destination);
        org.netstack4j.wire.MacAddress.write(b, at + 6, source);
        Bytes.put16(b, at + 12, etherType);
    }

    /** An Ethernet frame around {@code packet}. */
    static byte[] ethernet(long destination, long source, int etherType, byte[] packet) {
        byte[] f = new byte[14 + packet.length];
        writeEthernet(f, 0, destination, source, etherType);
        System.arraycopy(packet, 0, f, 14, packet.length);
        return f;
    }

    /** An ARP reply frame: {@code senderMac} has {@code senderIp}, told to {@code targetMac}/{@code targetIp}. */
    static byte[] arpReply(long senderMac, int senderIp, long targetMac, int targetIp) {
        byte[] f = new byte[14 + 28];
        writeEthernet(f, 0, targetMac, senderMac, 0x0806);
        Bytes.put16(f, 14, 1);
        Bytes.put16(f, 16, 0x0800);
        f[18] = 6;
        f[19] = 4;
        Bytes.put16(f, 20, 2);
        org.netstack4j.wire.MacAddress.write(f, 22, senderMac);
        Bytes.put32(f, 28, senderIp);
        org.netstack4j.wire.MacAddress.write(f, 32, targetMac);
        Bytes.put32(f, 38, targetIp);
        return f;
    }

    /** An IPv6 ICMPv6 echo request (type 128) from {@code source} to {@code destination} (16 bytes each). */
    static byte[] icmpv6EchoRequest(byte[] source, byte[] destination, int id, int sequence, byte[] payload) {
        int icmpLength = 8 + payload.length;
        byte[] p = new byte[40 + icmpLength];
        p[0] = 0x60;
        Bytes.put16(p, 4, icmpLength);
        p[6] = (byte) PROTO_ICMPV6;
        p[7] = 64;
        System.arraycopy(source, 0, p, 8, 16);
        System.arraycopy(destination, 0, p, 24, 16);
        p[40] = (byte) 128;
        Bytes.put16(p, 44, id);
        Bytes.put16(p, 46, sequence);
        System.arraycopy(payload, 0, p, 48, payload.length);
        int pseudo = Checksum.pseudoHeaderIpv6(p, 8, 24, PROTO_ICMPV6, icmpLength);
        Bytes.put16(p, 42, Checksum.finish(Checksum.partial(p, 40, icmpLength, pseudo)));
        return p;
    }

    static int ipVersion(byte[] b, int at) {
        return (b[at] & 0xff) >>> 4;
    }
}
