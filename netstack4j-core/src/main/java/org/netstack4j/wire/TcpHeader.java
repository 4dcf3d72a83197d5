package org.netstack4j.wire;

import java.util.Objects;

/**
 * A reusable flyweight view of a TCP segment (RFC 9293 section 3.1): allocate one per loop,
 * {@link #wrap} it around each segment, then read its fields without further checks.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |     |A|C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsv |E|W|C|R|C|S|S|Y|I|            Window             |
 * |       |     | |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The segment is the {@code length} bytes given to {@link #wrap} (the IP payload): TCP has no
 * length field of its own. A successful wrap has also validated every option (see
 * {@link TcpOptionCursor} for the rules), so {@link TcpOptions#parse(TcpHeader)} cannot fail on it.
 *
 * <p>Sequence and acknowledgment numbers are returned as {@code int}s holding the 32 bits; compare
 * them with {@link SeqNum}.
 */
public final class TcpHeader extends WireView {
    /** Length of the header without options. */
    public static final int MIN_LENGTH = 20;
    /** Largest header length (data offset 15). */
    public static final int MAX_LENGTH = 60;
    /** Largest options region. */
    public static final int MAX_OPTIONS_LENGTH = MAX_LENGTH - MIN_LENGTH;
    /** IP protocol / IPv6 next-header number of TCP. */
    public static final int PROTOCOL = IpProtocol.TCP;

    /** FIN: no more data from the sender. */
    public static final int FIN = 0x001;
    /** SYN: synchronize sequence numbers. */
    public static final int SYN = 0x002;
    /** RST: reset the connection. */
    public static final int RST = 0x004;
    /** PSH: push function. */
    public static final int PSH = 0x008;
    /** ACK: the acknowledgment field is significant. */
    public static final int ACK = 0x010;
    /** URG: the urgent pointer field is significant. */
    public static final int URG = 0x020;
    /** ECE: ECN-Echo (RFC 3168). */
    public static final int ECE = 0x040;
    /** CWR: Congestion Window Reduced (RFC 3168). */
    public static final int CWR = 0x080;
    /**
     * AE: the Accurate ECN bit (formerly NS, RFC 3540, now historic), the low bit of the reserved
     * nibble; readable and writable, not interpreted here.
     */
    public static final int AE = 0x100;

    private static final int SOURCE_PORT = 0;
    private static final int DESTINATION_PORT = 2;
    private static final int SEQUENCE_NUMBER = 4;
    private static final int ACKNOWLEDGMENT_NUMBER = 8;
    private static final int DATA_OFFSET = 12;
    private static final int FLAGS = 13;
    private static final int WINDOW = 14;
    private static final int CHECKSUM = 16;
    private static final int URGENT_POINTER = 18;
    private static final int ALL_FLAGS = 0x1ff;

    private int headerLength;

    /** Creates an unwrapped view; call {@link #wrap} before any accessor. */
    public TcpHeader() {
    }

    /**
     * Points this view at the segment of {@code length} bytes at {@code offset} and validates its
     * data offset and options.
     *
     * @return {@link ParseResult#OK}; {@link ParseResult#TRUNCATED} if fewer than {@value #MIN_LENGTH}
     *         bytes; {@link ParseResult#TCP_BAD_DATA_OFFSET} if the data offset is below 5 words or the
     *         header runs past the segment; {@link ParseResult#TCP_BAD_OPTION_LENGTH} for a malformed option
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (a caller bug, not bad input)
     */
    @Override
    public ParseResult wrap(byte[] buffer, int offset, int length) {
        this.buffer = null;
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length < MIN_LENGTH) {
            return ParseResult.TRUNCATED;
        }
        int hl = (buffer[offset + DATA_OFFSET] & 0xf0) >>> 2;
        if (hl < MIN_LENGTH || hl > length) {
            return ParseResult.TCP_BAD_DATA_OFFSET;
        }
        ParseResult options = TcpOptionCursor.validate(buffer, offset + MIN_LENGTH, hl - MIN_LENGTH);
        if (!options.isOk()) {
            return options;
        }
        accept(buffer, offset, length);
        this.headerLength = hl;
        return ParseResult.OK;
    }

    /**
     * Wraps a new view around all of {@code b}, for tests and tools.
     *
     * @throws MalformedPacketException if the bytes are rejected
     */
    public static TcpHeader parse(byte[] b) {
        return parseWhole(new TcpHeader(), b, "TCP segment");
    }

    /**
     * Writes the fixed part of a TCP header at {@code offset} with a zero checksum; options, if any,
     * follow at {@code offset + MIN_LENGTH} (see {@link TcpOptionsWriter}).
     *
     * @param headerLength header length in bytes including options: a multiple of 4 in 20..60
     * @param flags        an OR of the flag constants ({@link #SYN}, {@link #ACK}, ..., {@link #AE})
     * @throws IllegalArgumentException if {@code headerLength} is not a valid header length
     */
    public static void write(byte[] b, int offset, int sourcePort, int destinationPort, int sequenceNumber,
                             int acknowledgmentNumber, int headerLength, int flags, int window, int urgentPointer) {
        if (headerLength < MIN_LENGTH || headerLength > MAX_LENGTH || (headerLength & 3) != 0) {
            throw new IllegalArgumentException("TCP header length " + headerLength);
        }
        Bytes.put16(b, offset + SOURCE_PORT, sourcePort);
        Bytes.put16(b, offset + DESTINATION_PORT, destinationPort);
        Bytes.put32(b, offset + SEQUENCE_NUMBER, sequenceNumber);
        Bytes.put32(b, offset + ACKNOWLEDGMENT_NUMBER, acknowledgmentNumber);
        Bytes.put16(b, offset + DATA_OFFSET, headerLength << 10 | flags & ALL_FLAGS);
        Bytes.put16(b, offset + WINDOW, window);
        Bytes.put16(b, offset + CHECKSUM, 0);
        Bytes.put16(b, offset + URGENT_POINTER, urgentPointer);
    }

    /** Source Port. */
    public int sourcePort() {
        return Bytes.u16(bytes(), offset + SOURCE_PORT);
    }

    /** Destination Port. */
    public int destinationPort() {
        return Bytes.u16(bytes(), offset + DESTINATION_PORT);
    }

    /** Sequence Number (32 bits in an {@code int}; see {@link SeqNum}). */
    public int sequenceNumber() {
        return Bytes.i32(bytes(), offset + SEQUENCE_NUMBER);
    }

    /** Acknowledgment Number (32 bits in an {@code int}; significant only with {@link #ACK}). */
    public int acknowledgmentNumber() {
        return Bytes.i32(bytes(), offset + ACKNOWLEDGMENT_NUMBER);
    }

    /** Data Offset: the header length in 32-bit words, 5..15. */
    public int dataOffset() {
        bytes();
        return headerLength >>> 2;
    }

    /** Header length in bytes including options, 20..60. */
    public int headerLength() {
        bytes();
        return headerLength;
    }

    /** The three reserved bits between the data offset and {@link #AE} (zero from a conforming sender). */
    public int reservedBits() {
        return (bytes()[offset + DATA_OFFSET] >>> 1) & 0x7;
    }

    /** The control bits: an OR of {@link #FIN} ... {@link #CWR} and {@link #AE}. */
    public int flags() {
        return Bytes.u16(bytes(), offset + DATA_OFFSET) & ALL_FLAGS;
    }

    /** True if every flag in {@code mask} is set. */
    public boolean hasFlags(int mask) {
        return (flags() & mask) == mask;
    }

    /** FIN flag. */
    public boolean isFin() {
        return (flags() & FIN) != 0;
    }

    /** SYN flag. */
    public boolean isSyn() {
        return (flags() & SYN) != 0;
    }

    /** RST flag. */
    public boolean isRst() {
        return (flags() & RST) != 0;
    }

    /** PSH flag. */
    public boolean isPsh() {
        return (flags() & PSH) != 0;
    }

    /** ACK flag. */
    public boolean isAck() {
        return (flags() & ACK) != 0;
    }

    /** URG flag. */
    public boolean isUrg() {
        return (flags() & URG) != 0;
    }

    /** ECE flag. */
    public boolean isEce() {
        return (flags() & ECE) != 0;
    }

    /** CWR flag. */
    public boolean isCwr() {
        return (flags() & CWR) != 0;
    }

    /** AE flag (formerly NS). */
    public boolean isAe() {
        return (flags() & AE) != 0;
    }

    /** Window (unscaled, as transmitted). */
    public int window() {
        return Bytes.u16(bytes(), offset + WINDOW);
    }

    /** Checksum field as transmitted. */
    public int checksum() {
        return Bytes.u16(bytes(), offset + CHECKSUM);
    }

    /** Urgent Pointer (significant only with {@link #URG}). */
    public int urgentPointer() {
        return Bytes.u16(bytes(), offset + URGENT_POINTER);
    }

    /** Index of the options region in {@link #buffer()}. */
    public int optionsOffset() {
        bytes();
        return offset + MIN_LENGTH;
    }

    /** Length of the options region (including padding), 0..40. */
    public int optionsLength() {
        bytes();
        return headerLength - MIN_LENGTH;
    }

    /** Index of the first data byte in {@link #buffer()}. */
    public int payloadOffset() {
        bytes();
        return offset + headerLength;
    }

    /** Number of data bytes. */
    public int payloadLength() {
        bytes();
        return length - headerLength;
    }

    /** The whole segment length given to {@link #wrap}: header plus data (the pseudo-header's TCP length). */
    public int segmentLength() {
        bytes();
        return length;
    }

    /** SEG.LEN of RFC 9293: the sequence space the segment occupies, data bytes plus one each for SYN and FIN. */
    public int sequenceSpaceLength() {
        int f = flags();
        return payloadLength() + (f & SYN) / SYN + (f & FIN);
    }

    /** Rewrites the Source Port (the checksum is not adjusted). */
    public void setSourcePort(int port) {
        Bytes.put16(bytes(), offset + SOURCE_PORT, port);
    }

    /** Rewrites the Destination Port (the checksum is not adjusted). */
    public void setDestinationPort(int port) {
        Bytes.put16(bytes(), offset + DESTINATION_PORT, port);
    }

    /** Rewrites the Sequence Number (the checksum is not adjusted). */
    public void setSequenceNumber(int sequenceNumber) {
        Bytes.put32(bytes(), offset + SEQUENCE_NUMBER, sequenceNumber);
    }

    /** Rewrites the Acknowledgment Number (the checksum is not adjusted). */
    public void setAcknowledgmentNumber(int acknowledgmentNumber) {
        Bytes.put32(bytes(), offset + ACKNOWLEDGMENT_NUMBER, acknowledgmentNumber);
    }

    /** Rewrites the control bits ({@link #FIN} ... {@link #AE}), keeping the data offset and reserved bits. */
    public void setFlags(int flags) {
        byte[] b = bytes();
        int word = Bytes.u16(b, offset + DATA_OFFSET);
        Bytes.put16(b, offset + DATA_OFFSET, word & ~ALL_FLAGS | flags & ALL_FLAGS);
    }

    /** Rewrites the Window (the checksum is not adjusted). */
    public void setWindow(int window) {
        Bytes.put16(bytes(), offset + WINDOW, window);
    }

    /** Stores {@code checksum} in the Checksum field. */
    public void setChecksum(int checksum) {
        Bytes.put16(bytes(), offset + CHECKSUM, checksum);
    }

    /** Rewrites the Urgent Pointer (the checksum is not adjusted). */
    public void setUrgentPointer(int urgentPointer) {
        Bytes.put16(bytes(), offset + URGENT_POINTER, urgentPointer);
    }

    /**
     * The checksum to store for this segment given the pseudo-header partial sum (from
     * {@link Checksum#pseudoHeaderIpv4} or {@link Checksum#pseudoHeaderIpv6} with
     * {@link #segmentLength()}), ignoring what the Checksum field now holds.
     */
    public int computeChecksum(int pseudoHeaderSum) {
        byte[] b = bytes();
        return Checksum.computeSkippingField(b, offset, length, CHECKSUM, pseudoHeaderSum);
    }

    /** {@link #computeChecksum} over IPv4 with the given addresses. */
    public int computeChecksumIpv4(int sourceAddress, int destinationAddress) {
        return computeChecksum(pseudoHeaderIpv4(sourceAddress, destinationAddress));
    }

    /** {@link #computeChecksum} over IPv6 with the given addresses as (high, low) halves. */
    public int computeChecksumIpv6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        return computeChecksum(pseudoHeaderIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow));
    }

    /** True if the segment with its Checksum field sums to {@code 0xffff} together with the pseudo-header sum. */
    public boolean verifyChecksum(int pseudoHeaderSum) {
        return Checksum.verify(bytes(), offset, length, pseudoHeaderSum);
    }

    /** {@link #verifyChecksum} over IPv4 with the given addresses. */
    public boolean verifyChecksumIpv4(int sourceAddress, int destinationAddress) {
        return verifyChecksum(pseudoHeaderIpv4(sourceAddress, destinationAddress));
    }

    /** {@link #verifyChecksum} over IPv6 with the given addresses as (high, low) halves. */
    public boolean verifyChecksumIpv6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        return verifyChecksum(pseudoHeaderIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow));
    }

    private int pseudoHeaderIpv4(int sourceAddress, int destinationAddress) {
        return Checksum.pseudoHeaderIpv4(sourceAddress, destinationAddress, PROTOCOL, segmentLength());
    }

    private int pseudoHeaderIpv6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        return Checksum.pseudoHeaderIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow, PROTOCOL,
                segmentLength());
    }

    /** tcpdump-style flag letters: S, F, R, P, U, E, W, A as ".", e.g. {@code S.} for SYN-ACK. */
    static String flagLetters(int flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & SYN) != 0) {
            s.append('S');
        }
        if ((flags & FIN) != 0) {
            s.append('F');
        }
        if ((flags & RST) != 0) {
            s.append('R');
        }
        if ((flags & PSH) != 0) {
            s.append('P');
        }
        if ((flags & URG) != 0) {
            s.append('U');
        }
        if ((flags & ECE) != 0) {
            s.append('E');
        }
        if ((flags & CWR) != 0) {
            s.append('W');
        }
        if ((flags & AE) != 0) {
            s.append('e');
        }
        if ((flags & ACK) != 0) {
            s.append('.');
        }
        return s.isEmpty() ? "none" : s.toString();
    }

    @Override
    public String toString() {
        if (!isWrapped()) {
            return "TcpHeader[unwrapped]";
        }
        return "TcpHeader[" + sourcePort() + " > " + destinationPort() + " [" + flagLetters(flags()) + "] seq "
                + SeqNum.toUnsigned(sequenceNumber()) + " ack " + SeqNum.toUnsigned(acknowledgmentNumber())
                + " win " + window() + " hlen " + headerLength + " len " + payloadLength() + "]";
    }
}
