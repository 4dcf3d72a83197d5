package org.netstack4j.wire;

import java.util.Objects;

/**
 * Reusable view of an IPv4 header (RFC 791), options included.
 *
 * <pre>
 *  0       4       8              16    19                       31
 * +-------+-------+--------------+-------------------------------+
 * |version|  IHL  |  DSCP  |ECN  |         total length          |
 * +-------+-------+--------------+-----+-------------------------+
 * |        identification        |flags|     fragment offset     |
 * +---------------+--------------+-----+-------------------------+
 * |      TTL      |   protocol   |        header checksum        |
 * +---------------+--------------+-------------------------------+
 * |                       source address                         |
 * |                     destination address                      |
 * |                 options (IHL - 5 words)                      |
 * +--------------------------------------------------------------+
 * </pre>
 *
 * <p>{@link #wrap} checks the version, that the header and the total length fit the available bytes, and
 * that every option's length is sane; after it accepted, no accessor can throw. The packet ends at
 * {@link #totalLength()}: bytes past it (Ethernet padding) are not payload. The header checksum is not
 * checked by {@code wrap}; callers that do not trust the link call {@link #isChecksumValid()}.
 */
public final class Ipv4Header extends WireView {
    /** Bytes in a header without options. */
    public static final int MIN_LENGTH = 20;
    /** Bytes in a header with the most options (IHL 15). */
    public static final int MAX_LENGTH = 60;
    /** Largest total length. */
    public static final int MAX_TOTAL_LENGTH = 0xffff;
    /** The version nibble. */
    public static final int VERSION = 4;

    /** Protocol number of ICMP. */
    public static final int PROTOCOL_ICMP = IpProtocol.ICMP;
    /** Protocol number of IGMP. */
    public static final int PROTOCOL_IGMP = IpProtocol.IGMP;
    /** Protocol number of TCP. */
    public static final int PROTOCOL_TCP = IpProtocol.TCP;
    /** Protocol number of UDP. */
    public static final int PROTOCOL_UDP = IpProtocol.UDP;

    /** Don't Fragment, as a bit of the flags/fragment offset word (for {@link #write}). */
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    /** More Fragments, as a bit of the flags/fragment offset word (for {@link #write}). */
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    private static final int FRAGMENT_OFFSET_MASK = 0x1fff;

    /** End of Option List. */
    public static final int OPTION_END_OF_LIST = 0;
    /** No Operation (padding between options). */
    public static final int OPTION_NO_OPERATION = 1;
    /** Record Route (RFC 791). */
    public static final int OPTION_RECORD_ROUTE = 7;
    /** Timestamp (RFC 791). */
    public static final int OPTION_TIMESTAMP = 68;
    /** Loose Source and Record Route (RFC 791). */
    public static final int OPTION_LOOSE_SOURCE_ROUTE = 131;
    /** Strict Source and Record Route (RFC 791). */
    public static final int OPTION_STRICT_SOURCE_ROUTE = 137;
    /** Router Alert (RFC 2113). */
    public static final int OPTION_ROUTER_ALERT = 148;

    private int headerLength;
    private int totalLength;

    /** Creates an unwrapped view; call {@link #wrap} before any accessor. */
    public Ipv4Header() {
    }

    /**
     * Points this view at the packet of {@code length} bytes at {@code offset} and checks its header.
     *
     * @return {@link ParseResult#OK}; {@link ParseResult#TRUNCATED} below 20 bytes;
     *         {@link ParseResult#IPV4_BAD_VERSION}; {@link ParseResult#IPV4_BAD_IHL} when the IHL is below 5 or the
     *         header runs past {@code length}; {@link ParseResult#IPV4_BAD_TOTAL_LENGTH} when the total length is
     *         below the header length or above {@code length}; {@link ParseResult#IPV4_BAD_OPTION_LENGTH} when an
     *         option's length is below 2 or runs past the header
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (a caller bug, not bad input)
     */
    @Override
    public ParseResult wrap(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        this.buffer = null;
        if (length < MIN_LENGTH) {
            return ParseResult.TRUNCATED;
        }
        int first = buffer[offset] & 0xff;
        if (first >>> 4 != VERSION) {
            return ParseResult.IPV4_BAD_VERSION;
        }
        int header = (first & 0xf) * 4;
        if (header < MIN_LENGTH || header > length) {
            return ParseResult.IPV4_BAD_IHL;
        }
        int total = Bytes.u16(buffer, offset + 2);
        if (total < header || total > length) {
            return ParseResult.IPV4_BAD_TOTAL_LENGTH;
        }
        if (header > MIN_LENGTH) {
            ParseResult options = Ipv4OptionCursor.validate(buffer, offset + MIN_LENGTH, header - MIN_LENGTH);
            if (options != ParseResult.OK) {
                return options;
            }
        }
        accept(buffer, offset, length);
        this.headerLength = header;
        this.totalLength = total;
        return ParseResult.OK;
    }

    /**
     * A new view of the whole array, or an exception; a convenience for tests and tools, not for the packet
     * path.
     *
     * @throws MalformedPacketException if the header is malformed
     */
    public static Ipv4Header parse(byte[] packet) {
        return parseWhole(new Ipv4Header(), packet, "IPv4 packet");
    }

    /** Always 4 after a successful wrap. */
    public int version() {
        return bytes()[offset] >>> 4 & 0xf;
    }

    /** Internet Header Length in 32-bit words (5..15). */
    public int ihl() {
        bytes();
        return headerLength >>> 2;
    }

    /** Header length in bytes (20..60). */
    public int headerLength() {
        bytes();
        return headerLength;
    }

    /** The whole second octet: DSCP and ECN (RFC 791's type of service, RFC 2474's DS field with RFC 3168 ECN). */
    public int typeOfService() {
        return Bytes.u8(bytes(), offset + 1);
    }

    /** Differentiated services code point (RFC 2474), 0..63. */
    public int dscp() {
        return typeOfService() >>> 2;
    }

    /** Explicit congestion notification codepoint (RFC 3168), 0..3. */
    public int ecn() {
        return typeOfService() & 0x3;
    }

    /** Total length of the packet in bytes, header included. */
    public int totalLength() {
        bytes();
        return totalLength;
    }

    /** Identification, 0..65535. */
    public int identification() {
        return Bytes.u16(bytes(), offset + 4);
    }

    /** The three flag bits (reserved, DF, MF) as a number 0..7. */
    public int flags() {
        return Bytes.u16(bytes(), offset + 6) >>> 13;
    }

    /** Don't Fragment. */
    public boolean dontFragment() {
        return (Bytes.u16(bytes(), offset + 6) & FLAG_DONT_FRAGMENT) != 0;
    }

    /** More Fragments. */
    public boolean moreFragments() {
        return (Bytes.u16(bytes(), offset + 6) & FLAG_MORE_FRAGMENTS) != 0;
    }

    /** Fragment offset in bytes (the field counts 8-byte units), 0..65528. */
    public int fragmentOffset() {
        return (Bytes.u16(bytes(), offset + 6) & FRAGMENT_OFFSET_MASK) << 3;
    }

    /** True when this packet is a fragment of a larger one (More Fragments set or a non-zero offset). */
    public boolean isFragment() {
        return (Bytes.u16(bytes(), offset + 6) & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    /** Time to live. */
    public int ttl() {
        return Bytes.u8(bytes(), offset + 8);
    }

    /** Protocol of the payload (IANA protocol number). */
    public int protocol() {
        return Bytes.u8(bytes(), offset + 9);
    }

    /** The header checksum field. */
    public int headerChecksum() {
        return Bytes.u16(bytes(), offset + 10);
    }

    /** Source address as a raw {@code int}. */
    public int sourceAddress() {
        return Bytes.i32(bytes(), offset + 12);
    }

    /** Destination address as a raw {@code int}. */
    public int destinationAddress() {
        return Bytes.i32(bytes(), offset + 16);
    }

    /** Source address (allocates). */
    public Ipv4Address source() {
        return new Ipv4Address(sourceAddress());
    }

    /** Destination address (allocates). */
    public Ipv4Address destination() {
        return new Ipv4Address(destinationAddress());
    }

    /** Index of the first option byte (valid also when there are none). */
    public int optionsOffset() {
        bytes();
        return offset + MIN_LENGTH;
    }

    /** Bytes of options, padding included (0..40). */
    public int optionsLength() {
        bytes();
        return headerLength - MIN_LENGTH;
    }

    /** Index of the first payload byte. */
    public int payloadOffset() {
        bytes();
        return offset + headerLength;
    }

    /** Payload bytes according to the total length (bytes past it are link padding, not payload). */
    public int payloadLength() {
        bytes();
        return totalLength - headerLength;
    }

    /** True when the header checksum verifies (the one's-complement sum of the header is 0xffff). */
    public boolean isChecksumValid() {
        return Checksum.verify(bytes(), offset, headerLength, 0);
    }

    /** The header checksum the header should carry, computed over its current bytes. */
    public int computeChecksum() {
        return checksum(bytes(), offset, headerLength);
    }

    /** Recomputes the header checksum and stores it. */
    public void updateChecksum() {
        Bytes.put16(bytes(), offset + 10, computeChecksum());
    }

    /** Stores {@code checksum} in the header checksum field. */
    public void setHeaderChecksum(int checksum) {
        Bytes.put16(bytes(), offset + 10, checksum);
    }

    /** Stores {@code ttl}; the checksum is not updated (see {@link #decrementTtl()}). */
    public void setTtl(int ttl) {
        Bytes.put8(bytes(), offset + 8, ttl);
    }

    /** Stores {@code identification}; the checksum is not updated. */
    public void setIdentification(int identification) {
        Bytes.put16(bytes(), offset + 4, identification);
    }

    /** Stores {@code address} as the source address; the checksum is not updated. */
    public void setSourceAddress(int address) {
        Bytes.put32(bytes(), offset + 12, address);
    }

    /** Stores {@code address} as the destination address; the checksum is not updated. */
    public void setDestinationAddress(int address) {
        Bytes.put32(bytes(), offset + 16, address);
    }

    /**
     * Stores a new total length (to trim a packet); the checksum is not updated.
     *
     * @throws IllegalArgumentException if {@code totalLength} is below the header length or beyond the bytes
     *                                  this view was wrapped with
     */
    public void setTotalLength(int totalLength) {
        byte[] b = bytes();
        if (totalLength < headerLength || totalLength > length) {
            throw new IllegalArgumentException("total length " + totalLength + " outside " + headerLength + ".." + length);
        }
        Bytes.put16(b, offset + 2, totalLength);
        this.totalLength = totalLength;
    }

    /**
     * Decrements the TTL and updates the checksum incrementally (RFC 1624), as a router does.
     *
     * @return the new TTL, or -1 (header unchanged) when it already was 0
     */
    public int decrementTtl() {
        return decrementTtl(bytes(), offset);
    }

    /** True if {@code optionType} is copied into every fragment (the high-order "copied" bit, RFC 791). */
    public static boolean isOptionCopied(int optionType) {
        return (optionType & 0x80) != 0;
    }

    /**
     * The header checksum for the {@code headerLength} header bytes at {@code offset}, skipping the checksum
     * field itself.
     */
    public static int checksum(byte[] b, int offset, int headerLength) {
        return Checksum.computeSkippingField(b, offset, headerLength, 10, 0);
    }

    /**
     * Writes a 20-byte header without options at {@code offset} and its checksum.
     *
     * @param typeOfService  DSCP and ECN, 0..255
     * @param totalLength    header plus payload bytes, 20..65535
     * @param identification 0..65535
     * @param flags          {@link #FLAG_DONT_FRAGMENT} and/or {@link #FLAG_MORE_FRAGMENTS}, or 0
     * @param fragmentOffset offset of the payload in the original datagram, in bytes (a multiple of 8)
     * @throws IllegalArgumentException if a field does not fit
     */
    public static void write(byte[] b, int offset, int typeOfService, int totalLength, int identification, int flags,
                             int fragmentOffset, int ttl, int protocol, int source, int destination) {
        if ((typeOfService & ~0xff) != 0 || totalLength < MIN_LENGTH || totalLength > MAX_TOTAL_LENGTH
                || (identification & ~0xffff) != 0 || (flags & ~(FLAG_DONT_FRAGMENT | FLAG_MORE_FRAGMENTS)) != 0
                || (fragmentOffset & ~(FRAGMENT_OFFSET_MASK << 3)) != 0 || (ttl & ~0xff) != 0
                || (protocol & ~0xff) != 0) {
            throw new IllegalArgumentException("IPv4 header field out of range: tos " + typeOfService + ", total length "
                    + totalLength + ", id " + identification + ", flags 0x" + Integer.toHexString(flags)
                    + ", fragment offset " + fragmentOffset + ", ttl " + ttl + ", protocol " + protocol);
        }
        Bytes.put8(b, offset, VERSION << 4 | MIN_LENGTH / 4);
        Bytes.put8(b, offset + 1, typeOfService);
        Bytes.put16(b, offset + 2, totalLength);
        Bytes.put16(b, offset + 4, identification);
        Bytes.put16(b, offset + 6, flags | fragmentOffset >>> 3);
        Bytes.put8(b, offset + 8, ttl);
        Bytes.put8(b, offset + 9, protocol);
        Bytes.put32(b, offset + 12, source);
        Bytes.put32(b, offset + 16, destination);
        Bytes.put16(b, offset + 10, checksum(b, offset, MIN_LENGTH));
    }

    /**
     * Decrements the TTL of the header at {@code offset} and updates its checksum incrementally (RFC 1624
     * eqn. 3) instead of re-summing the header.
     *
     * @return the new TTL, or -1 (header unchanged) when it already was 0
     */
    public static int decrementTtl(byte[] b, int offset) {
        int ttl = Bytes.u8(b, offset + 8);
        if (ttl == 0) {
            return -1;
        }
        int protocol = Bytes.u8(b, offset + 9);
        // TTL and protocol share one 16-bit word of the checksummed header.
        int updated = Checksum.update16(Bytes.u16(b, offset + 10), ttl << 8 | protocol, (ttl - 1) << 8 | protocol);
        Bytes.put8(b, offset + 8, ttl - 1);
        Bytes.put16(b, offset + 10, updated);
        return ttl - 1;
    }

    @Override
    public String toString() {
        if (!isWrapped()) {
            return "Ipv4Header[unwrapped]";
        }
        return "Ipv4Header[" + source() + " > " + destination() + ", proto " + protocol() + ", ttl " + ttl()
                + ", len " + totalLength + ", id " + identification()
                + (isFragment() ? ", frag " + fragmentOffset() + (moreFragments() ? "+" : "") : "")
                + (dontFragment() ? ", DF" : "") + (headerLength > MIN_LENGTH ? ", options " + optionsLength() : "")
                + "]";
    }
}
