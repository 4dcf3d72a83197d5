package org.netstack4j.wire;

import java.util.Objects;

/**
 * A reusable flyweight view of a UDP datagram (RFC 768): allocate one per loop, {@link #wrap} it
 * around each datagram, then read its fields without further checks.
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |   Source Port   | Destination Port|
 * +--------+--------+--------+--------+
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |          data octets ...
 * </pre>
 *
 * <p><b>Checksum.</b> The checksum covers a pseudo-header (IPv4: RFC 768; IPv6: RFC 8200 section 8.1),
 * the header and the data. A transmitted checksum of zero means "no checksum" over IPv4 and is
 * accepted by {@link #verifyChecksumIpv4}; over IPv6 it is invalid and rejected by
 * {@link #verifyChecksumIpv6}. A computed checksum of zero is therefore transmitted as {@code 0xffff},
 * its one's-complement twin, which {@link #computeChecksum} already returns.
 *
 * <p>IPv6 jumbograms (RFC 2675, a Length field of zero) are not supported and are rejected.
 */
public final class UdpHeader extends WireView {
    /** Length of the UDP header in bytes. */
    public static final int LENGTH = 8;
    /** IP protocol / IPv6 next-header number of UDP. */
    public static final int PROTOCOL = IpProtocol.UDP;
    /** Largest value of the Length field. */
    public static final int MAX_LENGTH = 0xffff;

    private static final int SOURCE_PORT = 0;
    private static final int DESTINATION_PORT = 2;
    private static final int LENGTH_FIELD = 4;
    private static final int CHECKSUM = 6;

    /** Creates an unwrapped view; call {@link #wrap} before any accessor. */
    public UdpHeader() {
    }

    /**
     * Points this view at the datagram at {@code offset}, of which {@code length} bytes are available
     * (typically the IP payload). Bytes after the datagram's Length (link padding) are ignored.
     *
     * @return {@link ParseResult#OK}; {@link ParseResult#TRUNCATED} if fewer than {@value #LENGTH}
     *         bytes are available; {@link ParseResult#UDP_BAD_LENGTH} if the Length field is below
     *         {@value #LENGTH} or beyond the available bytes
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (a caller bug, not bad input)
     */
    @Override
    public ParseResult wrap(byte[] buffer, int offset, int length) {
        this.buffer = null;
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length < LENGTH) {
            return ParseResult.TRUNCATED;
        }
        int datagramLength = Bytes.u16(buffer, offset + LENGTH_FIELD);
        if (datagramLength < LENGTH || datagramLength > length) {
            return ParseResult.UDP_BAD_LENGTH;
        }
        accept(buffer, offset, datagramLength);
        return ParseResult.OK;
    }

    /**
     * Wraps a new view around {@code b} from index 0, for tests and tools.
     *
     * @throws MalformedPacketException if the bytes are rejected
     */
    public static UdpHeader parse(byte[] b) {
        return parseWhole(new UdpHeader(), b, "UDP datagram");
    }

    /**
     * Writes a UDP header with a zero checksum at {@code offset}; fill the checksum afterwards with
     * {@link #setChecksum} once the payload is in place.
     *
     * @param length the Length field: header plus payload bytes
     */
    public static void write(byte[] b, int offset, int sourcePort, int destinationPort, int length) {
        Bytes.put16(b, offset + SOURCE_PORT, sourcePort);
        Bytes.put16(b, offset + DESTINATION_PORT, destinationPort);
        Bytes.put16(b, offset + LENGTH_FIELD, length);
        Bytes.put16(b, offset + CHECKSUM, 0);
    }

    /** Source Port. */
    public int sourcePort() {
        return Bytes.u16(bytes(), offset + SOURCE_PORT);
    }

    /** Destination Port. */
    public int destinationPort() {
        return Bytes.u16(bytes(), offset + DESTINATION_PORT);
    }

    /** The Length field: header plus data, {@value #LENGTH} or more, within the wrapped bytes. */
    public int length() {
        bytes();
        return length;
    }

    /** The Checksum field as transmitted. */
    public int checksum() {
        return Bytes.u16(bytes(), offset + CHECKSUM);
    }

    /** Always {@value #LENGTH}. */
    public int headerLength() {
        return LENGTH;
    }

    /** Index of the first data byte in {@link #buffer()}. */
    public int payloadOffset() {
        bytes();
        return offset + LENGTH;
    }

    /** Number of data bytes ({@link #length()} minus the header). */
    public int payloadLength() {
        bytes();
        return length - LENGTH;
    }

    /** Rewrites the Source Port (the checksum is not adjusted). */
    public void setSourcePort(int port) {
        Bytes.put16(bytes(), offset + SOURCE_PORT, port);
    }

    /** Rewrites the Destination Port (the checksum is not adjusted). */
    public void setDestinationPort(int port) {
        Bytes.put16(bytes(), offset + DESTINATION_PORT, port);
    }

    /** Stores {@code checksum} in the Checksum field. */
    public void setChecksum(int checksum) {
        Bytes.put16(bytes(), offset + CHECKSUM, checksum);
    }

    /**
     * The checksum to transmit for this datagram given the pseudo-header partial sum (from
     * {@link Checksum#pseudoHeaderIpv4} or {@link Checksum#pseudoHeaderIpv6} with {@link #length()}),
     * ignoring what the Checksum field now holds. Never zero: a computed zero is returned as
     * {@code 0xffff}.
     */
    public int computeChecksum(int pseudoHeaderSum) {
        byte[] b = bytes();
        int checksum = Checksum.computeSkippingField(b, offset, length, CHECKSUM, pseudoHeaderSum);
        return checksum == 0 ? 0xffff : checksum;
    }

    /** {@link #computeChecksum} over IPv4 with the given addresses. */
    public int computeChecksumIpv4(int sourceAddress, int destinationAddress) {
        return computeChecksum(pseudoHeaderIpv4(sourceAddress, destinationAddress));
    }

    /** {@link #computeChecksum} over IPv6 with the given addresses as (high, low) halves. */
    public int computeChecksumIpv6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        return computeChecksum(pseudoHeaderIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow));
    }

    /**
     * True if the datagram with its Checksum field sums to {@code 0xffff} together with the
     * pseudo-header partial sum. Does not treat a zero field specially; see {@link #verifyChecksumIpv4}.
     */
    public boolean verifyChecksum(int pseudoHeaderSum) {
        return Checksum.verify(bytes(), offset, length, pseudoHeaderSum);
    }

    /** True if the Checksum field is zero ("no checksum", allowed over IPv4) or correct. */
    public boolean verifyChecksumIpv4(int sourceAddress, int destinationAddress) {
        return checksum() == 0 || verifyChecksum(pseudoHeaderIpv4(sourceAddress, destinationAddress));
    }

    /** True if the checksum is correct; a zero Checksum field is invalid over IPv6 (RFC 8200 section 8.1). */
    public boolean verifyChecksumIpv6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        return checksum() != 0
                && verifyChecksum(pseudoHeaderIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow));
    }

    private int pseudoHeaderIpv4(int sourceAddress, int destinationAddress) {
        return Checksum.pseudoHeaderIpv4(sourceAddress, destinationAddress, PROTOCOL, length());
    }

    private int pseudoHeaderIpv6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        return Checksum.pseudoHeaderIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow, PROTOCOL, length());
    }

    @Override
    public String toString() {
        if (!isWrapped()) {
            return "UdpHeader[unwrapped]";
        }
        return "UdpHeader[" + sourcePort() + " > " + destinationPort() + ", length " + length
                + ", checksum 0x" + Integer.toHexString(checksum()) + "]";
    }
}
