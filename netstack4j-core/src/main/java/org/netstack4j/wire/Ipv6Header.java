package org.netstack4j.wire;

import java.util.Objects;

/**
 * Reusable view of the fixed IPv6 header (RFC 8200 section 3). Extension headers are walked by
 * {@link Ipv6ExtensionChain}.
 *
 * <pre>
 *  0       4               12                                      31
 * +-------+---------------+----------------------------------------+
 * |version| traffic class |              flow label                |
 * +-------+---------------+-------+---------------+----------------+
 * |        payload length         |  next header  |   hop limit    |
 * +-------------------------------+---------------+----------------+
 * |                source address (16 octets)                      |
 * |             destination address (16 octets)                    |
 * +----------------------------------------------------------------+
 * </pre>
 *
 * <p>{@link #wrap} checks the version and that the payload length fits the available bytes; bytes past the
 * payload (link padding) are not part of the packet. Jumbograms (RFC 2675: payload length 0 and a Jumbo
 * Payload option) are not supported: a payload length of 0 means an empty payload.
 */
public final class Ipv6Header extends WireView {
    /** Bytes in the fixed header. */
    public static final int LENGTH = 40;
    /** The version nibble. */
    public static final int VERSION = 6;
    /** Largest payload length without a jumbogram. */
    public static final int MAX_PAYLOAD_LENGTH = 0xffff;
    /** Largest flow label. */
    public static final int MAX_FLOW_LABEL = 0xf_ffff;

    /** Next header: hop-by-hop options (RFC 8200 section 4.3). */
    public static final int NEXT_HEADER_HOP_BY_HOP = IpProtocol.HOP_BY_HOP;
    /** Next header: TCP. */
    public static final int NEXT_HEADER_TCP = IpProtocol.TCP;
    /** Next header: UDP. */
    public static final int NEXT_HEADER_UDP = IpProtocol.UDP;
    /** Next header: routing header (RFC 8200 section 4.4). */
    public static final int NEXT_HEADER_ROUTING = IpProtocol.ROUTING;
    /** Next header: fragment header (RFC 8200 section 4.5). */
    public static final int NEXT_HEADER_FRAGMENT = IpProtocol.FRAGMENT;
    /** Next header: Encapsulating Security Payload (RFC 4303); opaque, ends the header chain. */
    public static final int NEXT_HEADER_ESP = IpProtocol.ESP;
    /** Next header: Authentication Header (RFC 4302). */
    public static final int NEXT_HEADER_AUTHENTICATION = IpProtocol.AUTHENTICATION;
    /** Next header: ICMPv6. */
    public static final int NEXT_HEADER_ICMPV6 = IpProtocol.ICMPV6;
    /** Next header: no next header (RFC 8200 section 4.7). */
    public static final int NEXT_HEADER_NONE = IpProtocol.NO_NEXT_HEADER;
    /** Next header: destination options (RFC 8200 section 4.6). */
    public static final int NEXT_HEADER_DESTINATION_OPTIONS = IpProtocol.DESTINATION_OPTIONS;

    /** Creates an unwrapped view; call {@link #wrap} before any accessor. */
    public Ipv6Header() {
    }

    /**
     * Points this view at the packet of {@code length} bytes at {@code offset} and checks its fixed header.
     *
     * @return {@link ParseResult#OK}; {@link ParseResult#TRUNCATED} below 40 bytes;
     *         {@link ParseResult#IPV6_BAD_VERSION}; {@link ParseResult#IPV6_BAD_PAYLOAD_LENGTH} when the payload
     *         runs past {@code length}
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (a caller bug, not bad input)
     */
    @Override
    public ParseResult wrap(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        this.buffer = null;
        if (length < LENGTH) {
            return ParseResult.TRUNCATED;
        }
        if ((buffer[offset] & 0xff) >>> 4 != VERSION) {
            return ParseResult.IPV6_BAD_VERSION;
        }
        if (Bytes.u16(buffer, offset + 4) > length - LENGTH) {
            return ParseResult.IPV6_BAD_PAYLOAD_LENGTH;
        }
        accept(buffer, offset, length);
        return ParseResult.OK;
    }

    /**
     * A new view of the whole array, or an exception; a convenience for tests and tools, not for the packet
     * path.
     *
     * @throws MalformedPacketException if the header is malformed
     */
    public static Ipv6Header parse(byte[] packet) {
        return parseWhole(new Ipv6Header(), packet, "IPv6 packet");
    }

    /** Always 6 after a successful wrap. */
    public int version() {
        return (bytes()[offset] & 0xff) >>> 4;
    }

    /** Traffic class (DSCP and ECN), 0..255. */
    public int trafficClass() {
        return Bytes.u16(bytes(), offset) >>> 4 & 0xff;
    }

    /** Differentiated services code point (RFC 2474), 0..63. */
    public int dscp() {
        return trafficClass() >>> 2;
    }

    /** Explicit congestion notification codepoint (RFC 3168), 0..3. */
    public int ecn() {
        return trafficClass() & 0x3;
    }

    /** Flow label (RFC 6437), 0..0xfffff. */
    public int flowLabel() {
        return Bytes.i32(bytes(), offset) & MAX_FLOW_LABEL;
    }

    /** Bytes after the fixed header, extension headers included. */
    public int payloadLength() {
        return Bytes.u16(bytes(), offset + 4);
    }

    /** Type of the header after the fixed header (an extension header or the upper-layer protocol). */
    public int nextHeader() {
        return Bytes.u8(bytes(), offset + 6);
    }

    /** Hop limit. */
    public int hopLimit() {
        return Bytes.u8(bytes(), offset + 7);
    }

    /** First eight octets of the source address. */
    public long sourceAddressHigh() {
        return Bytes.i64(bytes(), offset + 8);
    }

    /** Last eight octets of the source address. */
    public long sourceAddressLow() {
        return Bytes.i64(bytes(), offset + 16);
    }

    /** First eight octets of the destination address. */
    public long destinationAddressHigh() {
        return Bytes.i64(bytes(), offset + 24);
    }

    /** Last eight octets of the destination address. */
    public long destinationAddressLow() {
        return Bytes.i64(bytes(), offset + 32);
    }

    /** Index of the source address (for {@link Checksum#pseudoHeaderIpv6(byte[], int, int, int, long)}). */
    public int sourceAddressOffset() {
        bytes();
        return offset + 8;
    }

    /** Index of the destination address. */
    public int destinationAddressOffset() {
        bytes();
        return offset + 24;
    }

    /** Source address (allocates). */
    public Ipv6Address source() {
        return new Ipv6Address(sourceAddressHigh(), sourceAddressLow());
    }

    /** Destination address (allocates). */
    public Ipv6Address destination() {
        return new Ipv6Address(destinationAddressHigh(), destinationAddressLow());
    }

    /** Always {@link #LENGTH}. */
    public int headerLength() {
        return LENGTH;
    }

    /** Index of the first byte after the fixed header. */
    public int payloadOffset() {
        bytes();
        return offset + LENGTH;
    }

    /** Index one past the last byte of the packet ({@code payloadOffset() + payloadLength()}). */
    public int end() {
        return payloadOffset() + payloadLength();
    }

    /** Stores {@code hopLimit}. */
    public void setHopLimit(int hopLimit) {
        Bytes.put8(bytes(), offset + 7, hopLimit);
    }

    /** Stores {@code nextHeader} in the fixed header. */
    public void setNextHeader(int nextHeader) {
        Bytes.put8(bytes(), offset + 6, nextHeader);
    }

    /**
     * Stores a new payload length (to trim a packet).
     *
     * @throws IllegalArgumentException if it runs past the bytes this view was wrapped with
     */
    public void setPayloadLength(int payloadLength) {
        byte[] b = bytes();
        if (payloadLength < 0 || payloadLength > length - LENGTH) {
            throw new IllegalArgumentException("payload length " + payloadLength + " outside 0.." + (length - LENGTH));
        }
        Bytes.put16(b, offset + 4, payloadLength);
    }

    /**
     * Decrements the hop limit, as a router does (IPv6 has no header checksum).
     *
     * @return the new hop limit, or -1 (header unchanged) when it already was 0
     */
    public int decrementHopLimit() {
        byte[] b = bytes();
        int hopLimit = Bytes.u8(b, offset + 7);
        if (hopLimit == 0) {
            return -1;
        }
        Bytes.put8(b, offset + 7, hopLimit - 1);
        return hopLimit - 1;
    }

    /**
     * Writes the fixed 40-byte header at {@code offset}.
     *
     * @param trafficClass  0..255
     * @param flowLabel     0..0xfffff
     * @param payloadLength bytes after the fixed header, 0..65535
     * @throws IllegalArgumentException if a field does not fit
     */
    public static void write(byte[] b, int offset, int trafficClass, int flowLabel, int payloadLength, int nextHeader,
                             int hopLimit, long sourceHigh, long sourceLow, long destinationHigh,
                             long destinationLow) {
        if ((trafficClass & ~0xff) != 0 || (flowLabel & ~MAX_FLOW_LABEL) != 0
                || (payloadLength & ~MAX_PAYLOAD_LENGTH) != 0 || (nextHeader & ~0xff) != 0
                || (hopLimit & ~0xff) != 0) {
            throw new IllegalArgumentException("IPv6 header field out of range: traffic class " + trafficClass
                    + ", flow label " + flowLabel + ", payload length " + payloadLength + ", next header "
                    + nextHeader + ", hop limit " + hopLimit);
        }
        Bytes.put32(b, offset, VERSION << 28 | trafficClass << 20 | flowLabel);
        Bytes.put16(b, offset + 4, payloadLength);
        Bytes.put8(b, offset + 6, nextHeader);
        Bytes.put8(b, offset + 7, hopLimit);
        Bytes.put64(b, offset + 8, sourceHigh);
        Bytes.put64(b, offset + 16, sourceLow);
        Bytes.put64(b, offset + 24, destinationHigh);
        Bytes.put64(b, offset + 32, destinationLow);
    }

    @Override
    public String toString() {
        if (!isWrapped()) {
            return "Ipv6Header[unwrapped]";
        }
        return "Ipv6Header[" + source() + " > " + destination() + ", next " + nextHeader() + ", hlim " + hopLimit()
                + ", plen " + payloadLength() + (flowLabel() != 0 ? ", flow 0x" + Integer.toHexString(flowLabel()) : "")
                + "]";
    }
}
