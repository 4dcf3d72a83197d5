package org.netstack4j.wire;

import java.util.Objects;

/**
 * Reusable view of an Ethernet II header (IEEE 802.3 framing with an EtherType, no preamble and no
 * FCS), optionally carrying one IEEE 802.1Q VLAN tag or an IEEE 802.1ad service tag followed by an
 * 802.1Q customer tag (QinQ).
 *
 * <pre>
 *  0                   6                  12        14        16        18        20        22
 * +-------------------+-------------------+---------+---------+---------+---------+---------+
 * | destination       | source            | 0x8100  | TCI     | type    |                      one tag
 * | destination       | source            | 0x88a8  | S-TCI   | 0x8100  | C-TCI   | type    |  QinQ
 * +-------------------+-------------------+---------+---------+---------+---------+---------+
 * </pre>
 *
 * <p>{@link #etherType()} is always the type of the payload (the innermost one); {@link #headerLength()}
 * is 14, 18 or 22. A tag control information word (TCI) holds the priority code point (3 bits), the drop
 * eligible indicator (1 bit) and the VLAN identifier (12 bits). Only the tag shapes above are unwrapped: an
 * 802.1ad tag not followed by 0x8100 counts as a single tag, and a second 0x8100 tag after a first one is
 * left in the payload (then {@code etherType()} is {@link #ETHERTYPE_VLAN}, which a dispatcher drops as an
 * unknown protocol).
 *
 * <p>A frame is accepted as soon as its header is present: the 60-byte minimum of the wire does not apply to
 * virtual links, which do not pad.
 */
public final class EthernetHeader extends WireView {
    /** Bytes in an untagged header. */
    public static final int MIN_LENGTH = 14;
    /** Bytes in a header with one VLAN tag. */
    public static final int LENGTH_ONE_TAG = 18;
    /** Bytes in a header with an 802.1ad and an 802.1Q tag. */
    public static final int LENGTH_TWO_TAGS = 22;
    /** Bytes in a VLAN tag (TPID and TCI). */
    public static final int TAG_LENGTH = 4;

    /** EtherType of IPv4. */
    public static final int ETHERTYPE_IPV4 = 0x0800;
    /** EtherType of ARP. */
    public static final int ETHERTYPE_ARP = 0x0806;
    /** EtherType of IPv6. */
    public static final int ETHERTYPE_IPV6 = 0x86dd;
    /** Tag protocol identifier of an IEEE 802.1Q (customer) VLAN tag. */
    public static final int ETHERTYPE_VLAN = 0x8100;
    /** Tag protocol identifier of an IEEE 802.1ad (service, "QinQ") VLAN tag. */
    public static final int ETHERTYPE_QINQ = 0x88a8;
    /**
     * Smallest value of the type field that is an EtherType; smaller values are IEEE 802.3 payload lengths
     * (an LLC frame follows).
     */
    public static final int ETHERTYPE_MIN = 0x0600;

    /** Largest VLAN identifier (4095 is reserved, but it is representable). */
    public static final int MAX_VLAN_ID = 0xfff;
    /** Value of the VLAN accessors of an untagged frame. */
    public static final int NO_TAG = -1;

    private int headerLength;
    private int etherType;
    private int outerTagOffset = NO_TAG; // offset of the first tag's TCI, or NO_TAG
    private int innerTagOffset = NO_TAG; // offset of the tag nearest the payload, or NO_TAG

    /** Creates an unwrapped view; call {@link #wrap} before any accessor. */
    public EthernetHeader() {
    }

    /**
     * Points this view at the frame of {@code length} bytes at {@code offset} and checks its header.
     *
     * @return {@link ParseResult#OK}; {@link ParseResult#TRUNCATED} below 14 bytes;
     *         {@link ParseResult#ETHERNET_TRUNCATED_VLAN_TAG} when the frame ends inside a tag or before the type
     *         that follows it
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (a caller bug, not bad input)
     */
    @Override
    public ParseResult wrap(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        this.buffer = null;
        if (length < MIN_LENGTH) {
            return ParseResult.TRUNCATED;
        }
        int type = Bytes.u16(buffer, offset + 12);
        int header = MIN_LENGTH;
        int outer = NO_TAG;
        int inner = NO_TAG;
        if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
            if (length < LENGTH_ONE_TAG) {
                return ParseResult.ETHERNET_TRUNCATED_VLAN_TAG;
            }
            outer = offset + 14;
            inner = outer;
            header = LENGTH_ONE_TAG;
            int next = Bytes.u16(buffer, offset + 16);
            if (type == ETHERTYPE_QINQ && next == ETHERTYPE_VLAN) {
                if (length < LENGTH_TWO_TAGS) {
                    return ParseResult.ETHERNET_TRUNCATED_VLAN_TAG;
                }
                inner = offset + 18;
                header = LENGTH_TWO_TAGS;
                next = Bytes.u16(buffer, offset + 20);
            }
            type = next;
        }
        accept(buffer, offset, length);
        this.headerLength = header;
        this.etherType = type;
        this.outerTagOffset = outer;
        this.innerTagOffset = inner;
        return ParseResult.OK;
    }

    /**
     * A new view of the whole array, or an exception; a convenience for tests and tools, not for the packet
     * path.
     *
     * @throws MalformedPacketException if the header is malformed
     */
    public static EthernetHeader parse(byte[] frame) {
        return parseWhole(new EthernetHeader(), frame, "Ethernet frame");
    }

    /** Bytes in the frame, header included, as given to {@link #wrap}. */
    public int length() {
        bytes();
        return length;
    }

    /** Destination address as a raw 48-bit value (see {@link MacAddress#read}). */
    public long destinationAddress() {
        return MacAddress.read(bytes(), offset);
    }

    /** Source address as a raw 48-bit value. */
    public long sourceAddress() {
        return MacAddress.read(bytes(), offset + 6);
    }

    /** Destination address (allocates). */
    public MacAddress destination() {
        return new MacAddress(destinationAddress());
    }

    /** Source address (allocates). */
    public MacAddress source() {
        return new MacAddress(sourceAddress());
    }

    /** The payload's EtherType (after any VLAN tags), or an 802.3 length below {@link #ETHERTYPE_MIN}. */
    public int etherType() {
        bytes();
        return etherType;
    }

    /** True when the type field is an EtherType rather than an IEEE 802.3 length. */
    public boolean isEthernetII() {
        return etherType() >= ETHERTYPE_MIN;
    }

    /** 14, 18 or 22. */
    public int headerLength() {
        bytes();
        return headerLength;
    }

    /** Index of the first payload byte. */
    public int payloadOffset() {
        bytes();
        return offset + headerLength;
    }

    /** Bytes after the header (including any padding the sender added). */
    public int payloadLength() {
        bytes();
        return length - headerLength;
    }

    /** Number of VLAN tags unwrapped: 0, 1 or 2. */
    public int tagCount() {
        bytes();
        return (headerLength - MIN_LENGTH) / TAG_LENGTH;
    }

    /** Tag protocol identifier of the outermost tag ({@link #ETHERTYPE_VLAN} or {@link #ETHERTYPE_QINQ}), or {@link #NO_TAG}. */
    public int outerTagProtocol() {
        byte[] b = bytes();
        return outerTagOffset == NO_TAG ? NO_TAG : Bytes.u16(b, outerTagOffset - 2);
    }

    /** VLAN identifier of the tag nearest the payload (the customer VLAN under QinQ), or {@link #NO_TAG}. */
    public int vlanId() {
        return tci(innerTagOffset, 0xfff, 0);
    }

    /** Priority code point (0..7) of the tag nearest the payload, or {@link #NO_TAG}. */
    public int pcp() {
        return tci(innerTagOffset, 0x7, 13);
    }

    /** Drop eligible indicator of the tag nearest the payload; false when untagged. */
    public boolean dei() {
        return tci(innerTagOffset, 0x1, 12) == 1;
    }

    /**
     * VLAN identifier of the outermost tag (the service VLAN under QinQ; the same as {@link #vlanId()} with
     * one tag), or {@link #NO_TAG}.
     */
    public int outerVlanId() {
        return tci(outerTagOffset, 0xfff, 0);
    }

    /** Priority code point of the outermost tag, or {@link #NO_TAG}. */
    public int outerPcp() {
        return tci(outerTagOffset, 0x7, 13);
    }

    /** Drop eligible indicator of the outermost tag; false when untagged. */
    public boolean outerDei() {
        return tci(outerTagOffset, 0x1, 12) == 1;
    }

    private int tci(int at, int mask, int shift) {
        byte[] b = bytes();
        return at == NO_TAG ? NO_TAG : (Bytes.u16(b, at) >>> shift) & mask;
    }

    /** Rewrites the destination address in place. */
    public void setDestinationAddress(long address) {
        MacAddress.write(bytes(), offset, address);
    }

    /** Rewrites the source address in place. */
    public void setSourceAddress(long address) {
        MacAddress.write(bytes(), offset + 6, address);
    }

    /**
     * A tag control information word.
     *
     * @throws IllegalArgumentException if {@code pcp} is outside 0..7 or {@code vlanId} outside 0..4095
     */
    public static int tci(int pcp, boolean dei, int vlanId) {
        if ((pcp & ~0x7) != 0 || (vlanId & ~MAX_VLAN_ID) != 0) {
            throw new IllegalArgumentException("pcp " + pcp + ", vlan id " + vlanId);
        }
        return pcp << 13 | (dei ? 1 << 12 : 0) | vlanId;
    }

    /** Writes an untagged 14-byte header at {@code offset}. */
    public static void write(byte[] b, int offset, long destination, long source, int etherType) {
        MacAddress.write(b, offset, destination);
        MacAddress.write(b, offset + 6, source);
        Bytes.put16(b, offset + 12, etherType);
    }

    /** Writes an 18-byte header with one 802.1Q tag whose TCI is {@code tci} (see {@link #tci(int, boolean, int)}). */
    public static void writeTagged(byte[] b, int offset, long destination, long source, int tci, int etherType) {
        write(b, offset, destination, source, ETHERTYPE_VLAN);
        Bytes.put16(b, offset + 14, tci);
        Bytes.put16(b, offset + 16, etherType);
    }

    /** Writes a 22-byte header with an 802.1ad service tag and an 802.1Q customer tag. */
    public static void writeDoubleTagged(byte[] b, int offset, long destination, long source,
                                         int serviceTci, int customerTci, int etherType) {
        write(b, offset, destination, source, ETHERTYPE_QINQ);
        Bytes.put16(b, offset + 14, serviceTci);
        Bytes.put16(b, offset + 16, ETHERTYPE_VLAN);
        Bytes.put16(b, offset + 18, customerTci);
        Bytes.put16(b, offset + 20, etherType);
    }

    @Override
    public String toString() {
        if (!isWrapped()) {
            return "EthernetHeader[unwrapped]";
        }
        return "EthernetHeader[" + source() + " > " + destination() + ", type 0x" + Integer.toHexString(etherType)
                + (tagCount() == 0 ? "" : ", vlan " + (tagCount() == 2 ? outerVlanId() + "/" : "") + vlanId()) + "]";
    }
}
