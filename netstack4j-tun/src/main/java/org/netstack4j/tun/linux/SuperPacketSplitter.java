package org.netstack4j.tun.linux;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

/**
 * Cuts one GSO super-packet that the kernel handed over (TCP over IPv4/IPv6, or UDP with USO) into
 * the packets it stands for, one per caller buffer, as the kernel's own software GSO would: each
 * segment gets a copy of the headers and its slice of the payload, with the IP length (and the IPv4
 * identification, advanced per segment), the TCP sequence number (FIN and PSH on the last segment
 * only, CWR on the first only) or the UDP length fixed up, and the IPv4 header and transport
 * checksums computed in full.
 *
 * <p>One instance belongs to one reader. {@link #start} checks the super-packet once; after it
 * succeeded {@link #next} cannot fail. The source bytes must stay untouched until the last segment
 * was taken.
 */
final class SuperPacketSplitter {
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_CWR = 0x80;

    private byte[] src;
    private int packetStart;
    private int networkStart;
    private int transportStart;
    private int headerEnd;
    private int packetEnd;
    private int segmentSize;
    private boolean ipv4;
    private boolean tcp;
    private int index;
    private int count;

    /** True while segments of the current super-packet remain. */
    boolean hasNext() {
        return index < count;
    }

    /** Segments of the current super-packet not yet taken. */
    int remaining() {
        return count - index;
    }

    /** Forgets the current super-packet. */
    void clear() {
        index = 0;
        count = 0;
        src = null;
    }

    /**
     * Checks and takes a super-packet at {@code [packetStart, packetEnd)} of {@code b}.
     *
     * @param linkHeaderLength bytes of link-layer header before the IP header (0 for TUN, 14 for TAP)
     * @param transportStart   absolute index of the TCP/UDP header (the virtio header's {@code csum_start})
     * @param gsoSize          payload bytes per segment
     * @param udp              true for a USO super-packet, false for TCP
     * @return true when it can be split (then {@link #next} yields at least one segment)
     */
    boolean start(byte[] b, int packetStart, int packetEnd, int linkHeaderLength, int transportStart,
                  int gsoSize, boolean udp) {
        clear();
        int net = packetStart + linkHeaderLength;
        if (gsoSize <= 0 || net + 20 > packetEnd || transportStart < net + 20 || transportStart + 8 > packetEnd) {
            return false;
        }
        int version = (b[net] & 0xff) >>> 4;
        int protocol;
        if (version == 4) {
            int ihl = (b[net] & 0x0f) * 4;
            if (ihl < 20 || net + ihl != transportStart) {
                return false;
            }
            protocol = b[net + 9] & 0xff;
        } else if (version == 6) {
            if (transportStart < net + 40) {
                return false;
            }
            // With extension headers the next-header chain ends right before the transport header;
            // the kernel only offloads packets it could parse, and transportStart comes from it.
            protocol = udp ? PROTO_UDP : PROTO_TCP;
            if (transportStart == net + 40 && (b[net + 6] & 0xff) != protocol) {
                return false;
            }
        } else {
            return false;
        }
        int transportHeaderLength;
        if (udp) {
            if (protocol != PROTO_UDP) {
                return false;
            }
            transportHeaderLength = 8;
        } else {
            if (protocol != PROTO_TCP || transportStart + 20 > packetEnd) {
                return false;
            }
            transportHeaderLength = ((b[transportStart + 12] & 0xff) >>> 4) * 4;
            if (transportHeaderLength < 20) {
                return false;
            }
        }
        int headers = transportStart + transportHeaderLength;
        if (headers >= packetEnd) {
            return false;
        }
        this.src = b;
        this.packetStart = packetStart;
        this.networkStart = net;
        this.transportStart = transportStart;
        this.headerEnd = headers;
        this.packetEnd = packetEnd;
        this.segmentSize = gsoSize;
        this.ipv4 = version == 4;
        this.tcp = !udp;
        this.index = 0;
        this.count = (packetEnd - headers + gsoSize - 1) / gsoSize;
        return true;
    }

    /** Bytes the next segment needs in a buffer. */
    int nextLength() {
        int payloadAt = headerEnd + index * segmentSize;
        return headerEnd - packetStart + Math.min(segmentSize, packetEnd - payloadAt);
    }

    /**
     * Writes the next segment into {@code out} from its {@code start()}; the caller has checked that
     * {@code out} has room for {@link #nextLength()} bytes.
     *
     * @return the segment's length
     */
    int next(PacketBuffer out) {
        byte[] b = src;
        int i = index++;
        int payloadAt = headerEnd + i * segmentSize;
        int payload = Math.min(segmentSize, packetEnd - payloadAt);
        int headerLength = headerEnd - packetStart;
        int length = headerLength + payload;
        byte[] o = out.array();
        int at = out.start();
        System.arraycopy(b, packetStart, o, at, headerLength);
        System.arraycopy(b, payloadAt, o, at + headerLength, payload);
        out.setBounds(at, at + length);

        int net = at + (networkStart - packetStart);
        int transport = at + (transportStart - packetStart);
        int end = at + length;
        int transportLength = end - transport;
        int pseudo;
        if (ipv4) {
            Bytes.put16(o, net + 2, end - net);
            Bytes.put16(o, net + 4, (Bytes.u16(b, networkStart + 4) + i) & 0xffff);
            Bytes.put16(o, net + 10, 0);
            int ihl = (o[net] & 0x0f) * 4;
            Bytes.put16(o, net + 10, Checksum.compute(o, net, ihl));
            pseudo = Checksum.pseudoHeaderIpv4(Bytes.i32(o, net + 12), Bytes.i32(o, net + 16),
                    tcp ? PROTO_TCP : PROTO_UDP, transportLength);
        } else {
            Bytes.put16(o, net + 4, end - net - 40);
            pseudo = Checksum.pseudoHeaderIpv6(o, net + 8, net + 24, tcp ? PROTO_TCP : PROTO_UDP, transportLength);
        }
        int checksumField;
        if (tcp) {
            long sequence = Bytes.u32(b, transportStart + 4) + (long) i * segmentSize;
            Bytes.put32(o, transport + 4, (int) sequence);
            int flags = o[transport + 13] & 0xff;
            if (i != 0) {
                flags &= ~TCP_CWR;
            }
            if (index != count) {
                flags &= ~(TCP_FIN | TCP_PSH);
            }
            o[transport + 13] = (byte) flags;
            checksumField = transport + 16;
        } else {
            Bytes.put16(o, transport + 4, transportLength);
            checksumField = transport + 6;
        }
        Bytes.put16(o, checksumField, 0);
        int sum = Checksum.finish(Checksum.partial(o, transport, transportLength, pseudo));
        Bytes.put16(o, checksumField, !tcp && sum == 0 ? 0xffff : sum);
        return length;
    }
}
