package org.netstack4j.link.gso;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.TcpHeader;

/**
 * Software segmentation of TCP super-packets (TSO done by the host), driven by a packet's GSO
 * metadata: {@link PacketBuffer#gsoType()} ({@link PacketBuffer#GSO_TCPV4} or
 * {@link PacketBuffer#GSO_TCPV6}) and {@link PacketBuffer#gsoSize()}, the payload bytes per segment
 * (the MSS). Used by the link endpoint for software GSO and by devices whose offload metadata arrives
 * with packets (a TUN's virtio-net header).
 *
 * <p>Each segment gets a copy of the super-packet's headers (any bytes in front of the network header,
 * such as an Ethernet header, then IP with options or extension headers, then TCP with options) and
 * its share of the payload, and then: the IPv4 total length or IPv6 payload length of its size; for
 * IPv4 the identification of the super-packet plus the segment's index, and a new header checksum;
 * the sequence number advanced by the payload before it; FIN and PSH only on the last segment, CWR only
 * on the first; the urgent pointer moved to the segment's own sequence number (URG cleared once the
 * urgent data is behind); and a complete TCP checksum (a partial one in the super-packet is ignored).
 *
 * <p>Use: {@link #prepare} checks the super-packet and computes the segmentation; then
 * {@link #segment} fills buffers from a pool. Not thread-safe (it holds reusable header views): one
 * instance per thread. Allocation-free.
 */
public final class GsoSegmenter {
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
    private final TcpHeader tcp = new TcpHeader();

    private ParseResult parseResult = ParseResult.OK;
    private boolean prepared;
    private boolean v4;
    private int prefixLength;     // bytes in front of the network header
    private int ipHeaderLength;   // network header up to TCP, options and extension headers included
    private int tcpHeaderLength;
    private int payloadOffset;    // absolute, in the super-packet
    private int payloadLength;
    private int mss;
    private int count;
    private int sequence;
    private int flags;
    private int urgentPointer;
    private int identification;
    private int source4;
    private int destination4;
    private long sourceHigh;
    private long sourceLow;
    private long destinationHigh;
    private long destinationLow;

    /** A segmenter with its own views; keep one per thread. */
    public GsoSegmenter() {
    }

    /**
     * Checks {@code superPacket} (network header at {@link PacketBuffer#networkOffset()}, or at its
     * start when unset) and works out its segmentation.
     */
    public GsoResult prepare(PacketBuffer superPacket) {
        int net = superPacket.networkOffset();
        return prepare(superPacket, net == PacketBuffer.UNSET ? superPacket.start() : net);
    }

    /**
     * Like {@link #prepare(PacketBuffer)} with the network header at {@code networkOffset} (an absolute
     * index at or after the packet's start), whatever the buffer's metadata says.
     */
    public GsoResult prepare(PacketBuffer superPacket, int networkOffset) {
        prepared = false;
        parseResult = ParseResult.OK;
        int type = superPacket.gsoType();
        if (type != PacketBuffer.GSO_TCPV4 && type != PacketBuffer.GSO_TCPV6) {
            return GsoResult.UNSUPPORTED_TYPE;
        }
        mss = superPacket.gsoSize();
        if (mss <= 0) {
            return GsoResult.BAD_GSO_SIZE;
        }
        byte[] b = superPacket.array();
        int net = networkOffset;
        if (net < superPacket.start() || net >= superPacket.end()) {
            parseResult = ParseResult.TRUNCATED;
            return GsoResult.MALFORMED_HEADERS;
        }
        int available = superPacket.end() - net;
        int tcpOffset;
        int tcpLength;
        if (type == PacketBuffer.GSO_TCPV4) {
            if ((b[net] & 0xf0) != 0x40) {
                return GsoResult.UNSUPPORTED_TYPE;
            }
            parseResult = ipv4.wrap(b, net, available);
            if (!parseResult.isOk()) {
                return GsoResult.MALFORMED_HEADERS;
            }
            if (ipv4.isFragment()) {
                return GsoResult.FRAGMENT;
            }
            if (ipv4.protocol() != TcpHeader.PROTOCOL) {
                return GsoResult.NOT_TCP;
            }
            v4 = true;
            tcpOffset = ipv4.payloadOffset();
            tcpLength = ipv4.payloadLength();
            identification = ipv4.identification();
            source4 = ipv4.sourceAddress();
            destination4 = ipv4.destinationAddress();
        } else {
            if ((b[net] & 0xf0) != 0x60) {
                return GsoResult.UNSUPPORTED_TYPE;
            }
            parseResult = ipv6.wrap(b, net, available);
            if (!parseResult.isOk()) {
                return GsoResult.MALFORMED_HEADERS;
            }
            parseResult = chain.walk(ipv6);
            if (!parseResult.isOk()) {
                return GsoResult.MALFORMED_HEADERS;
            }
            if (chain.isFragment()) {
                return GsoResult.FRAGMENT;
            }
            if (chain.upperLayerProtocol() != TcpHeader.PROTOCOL) {
                return GsoResult.NOT_TCP;
            }
            if (chain.routingHeaderOffset() >= 0 && chain.segmentsLeft() > 0) {
                return GsoResult.ROUTING_HEADER;
            }
            v4 = false;
            tcpOffset = chain.upperLayerOffset();
            tcpLength = chain.upperLayerLength();
            sourceHigh = ipv6.sourceAddressHigh();
            sourceLow = ipv6.sourceAddressLow();
            destinationHigh = ipv6.destinationAddressHigh();
            destinationLow = ipv6.destinationAddressLow();
        }
        parseResult = tcp.wrap(b, tcpOffset, tcpLength);
        if (!parseResult.isOk()) {
            return GsoResult.MALFORMED_HEADERS;
        }
        if (tcp.isSyn()) {
            return GsoResult.SYN;
        }
        prefixLength = net - superPacket.start();
        ipHeaderLength = tcpOffset - net;
        tcpHeaderLength = tcp.headerLength();
        payloadOffset = tcp.payloadOffset();
        payloadLength = tcp.payloadLength();
        sequence = tcp.sequenceNumber();
        flags = tcp.flags();
        urgentPointer = tcp.urgentPointer();
        count = payloadLength == 0 ? 1 : (payloadLength + mss - 1) / mss;
        prepared = true;
        return GsoResult.OK;
    }

    /** After a {@link GsoResult#MALFORMED_HEADERS}: the header view's reason. */
    public ParseResult parseResult() {
        return parseResult;
    }

    /** Segments the prepared super-packet yields. */
    public int segmentCount() {
        checkPrepared();
        return count;
    }

    /** Network-layer bytes of the largest segment (IP and TCP headers plus one MSS, or less). */
    public int maxSegmentLength() {
        checkPrepared();
        return ipHeaderLength + tcpHeaderLength + Math.min(mss, payloadLength);
    }

    /** Bytes copied in front of each segment's network header (a link header), 0 for a bare IP packet. */
    public int prefixLength() {
        checkPrepared();
        return prefixLength;
    }

    /**
     * Writes the segments of the prepared {@code superPacket} into buffers acquired from {@code pool},
     * stored at {@code out[offset ..]}; the caller owns and releases them. Each segment starts at its
     * copied prefix (or network header) with the pool's headroom in front; its layer offsets, network
     * protocol and link addresses are set, its offload metadata cleared.
     *
     * @return {@link #segmentCount()}, or -1 (nothing acquired) when a segment would not fit a pool buffer
     * @throws IllegalStateException if {@link #prepare} did not accept this packet
     */
    public int segment(PacketBuffer superPacket, PacketBufferPool pool, PacketBuffer[] out, int offset) {
        checkPrepared();
        int headers = prefixLength + ipHeaderLength + tcpHeaderLength;
        if (pool.bufferSize() - pool.headroom() < headers + Math.min(mss, payloadLength)) {
            return -1;
        }
        for (int i = 0; i < count; i++) {
            PacketBuffer s = pool.acquire();
            segment(superPacket, i, s);
            out[offset + i] = s;
        }
        return count;
    }

    /**
     * Writes segment {@code index} of the prepared {@code superPacket} into {@code out} from its
     * {@link PacketBuffer#start()}, fixed up and described like the segments of
     * {@link #segment(PacketBuffer, PacketBufferPool, PacketBuffer[], int)} (its offload metadata is
     * cleared). For a caller that fills buffers it already holds, one segment at a time: a device
     * read that cuts a super-packet into the reader's buffers.
     *
     * @return the segment's length, or -1 (and {@code out} is untouched) when it does not fit the
     *     room after {@code out}'s start
     * @throws IllegalStateException if {@link #prepare} did not accept this packet
     * @throws IndexOutOfBoundsException if {@code index} is not below {@link #segmentCount()}
     */
    public int segment(PacketBuffer superPacket, int index, PacketBuffer out) {
        checkPrepared();
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("segment " + index + " of " + count);
        }
        int headers = prefixLength + ipHeaderLength + tcpHeaderLength;
        int chunk = Math.min(mss, payloadLength - index * mss);
        int at = out.start();
        if (out.capacity() - at < headers + chunk) {
            return -1;
        }
        out.setBounds(at, at + headers + chunk);
        out.clearOffload();
        byte[] src = superPacket.array();
        byte[] d = out.array();
        System.arraycopy(src, superPacket.start(), d, at, headers);
        System.arraycopy(src, payloadOffset + index * mss, d, at + headers, chunk);
        int net = at + prefixLength;
        int tcpAt = net + ipHeaderLength;
        int networkLength = ipHeaderLength + tcpHeaderLength + chunk;
        fixNetworkHeader(d, net, networkLength, index);
        fixTcpHeader(d, tcpAt, tcpHeaderLength + chunk, index, count - 1);
        out.linkOffset(prefixLength > 0 ? at : PacketBuffer.UNSET);
        out.networkOffset(net);
        out.transportOffset(tcpAt);
        out.payloadOffset(tcpAt + tcpHeaderLength);
        out.networkProtocol(superPacket.networkProtocol());
        out.remoteLinkAddress(superPacket.remoteLinkAddress());
        out.localLinkAddress(superPacket.localLinkAddress());
        return headers + chunk;
    }

    private void fixNetworkHeader(byte[] d, int net, int networkLength, int index) {
        if (v4) {
            // The copied total length is the super-packet's; the view accepts the header only once it
            // fits the segment, so the length goes in first (bytes 2-3 of the header, RFC 791).
            Bytes.put16(d, net + 2, networkLength);
            expectOk(ipv4.wrap(d, net, networkLength));
            ipv4.setIdentification(identification + index & 0xffff);
            ipv4.updateChecksum();
        } else {
            // Likewise the IPv6 payload length (bytes 4-5 of the fixed header, RFC 8200).
            Bytes.put16(d, net + 4, networkLength - Ipv6Header.LENGTH);
            expectOk(ipv6.wrap(d, net, networkLength));
        }
    }

    private void fixTcpHeader(byte[] d, int at, int segmentLength, int index, int last) {
        expectOk(tcp.wrap(d, at, segmentLength));
        tcp.setSequenceNumber(sequence + index * mss);
        int f = flags;
        if (index != last) {
            f &= ~(TcpHeader.FIN | TcpHeader.PSH);
        }
        if (index != 0) {
            f &= ~TcpHeader.CWR;
        }
        if ((f & TcpHeader.URG) != 0) {
            // The pointer counts from the segment's own sequence number (RFC 9293 section 3.8.5).
            int pointer = urgentPointer - index * mss;
            if (pointer > 0) {
                tcp.setUrgentPointer(pointer);
            } else {
                f &= ~TcpHeader.URG;
                tcp.setUrgentPointer(0);
            }
        }
        tcp.setFlags(f);
        tcp.setChecksum(v4 ? tcp.computeChecksumIpv4(source4, destination4)
                : tcp.computeChecksumIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow));
    }

    private static void expectOk(ParseResult r) {
        if (!r.isOk()) {
            // Headers that parsed in the super-packet parse in a copy with consistent lengths.
            throw new IllegalStateException("segment header rejected: " + r);
        }
    }

    private void checkPrepared() {
        if (!prepared) {
            throw new IllegalStateException("no super-packet prepared");
        }
    }
}
