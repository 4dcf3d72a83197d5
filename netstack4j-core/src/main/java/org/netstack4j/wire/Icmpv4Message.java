package org.netstack4j.wire;

/**
 * A reusable flyweight view of an ICMP message for IPv4 (RFC 792, RFC 1122 section 3.2.2,
 * RFC 1191, RFC 1812 section 4.3).
 *
 * <p>Every message starts with the same eight octets: type, code, checksum and a 32-bit
 * "rest of header" whose meaning depends on the type (echo identifier and sequence number, the
 * next-hop MTU of "fragmentation needed", the parameter-problem pointer, the redirect gateway).
 * Error messages then carry the invoking datagram: its IP header and at least the first eight
 * octets of its data.
 *
 * <p>{@link #wrap} checks only the framing: the eight fixed octets and, for error messages, room
 * for a minimal IPv4 header of the invoking datagram ({@link #ERROR_MIN_LENGTH}); whoever
 * demultiplexes the error to a transport checks the invoking header itself with the IPv4 view.
 * The checksum is not verified by {@code wrap} (it may have been verified by hardware); call
 * {@link #checksumValid()}. All type-specific accessors read within the fixed eight octets, so
 * after {@link ParseResult#OK} none of them can throw whatever the type; they are meaningful only for
 * the types named in their documentation.
 *
 * <p>Allocate one view per loop or thread and re-{@code wrap} it per packet.
 */
public final class Icmpv4Message {
    /** Octets of the fixed header: type, code, checksum, rest of header. */
    public static final int HEADER_LENGTH = 8;
    /** Smallest well-formed message: the fixed header alone (an echo without data). */
    public static final int MIN_LENGTH = HEADER_LENGTH;
    /** Smallest error message: the fixed header and a minimal (20-octet) invoking IPv4 header. */
    public static final int ERROR_MIN_LENGTH = HEADER_LENGTH + 20;
    /** IPv4 protocol number of ICMP. */
    public static final int PROTOCOL_NUMBER = IpProtocol.ICMP;

    /** Type 0: echo reply. */
    public static final int TYPE_ECHO_REPLY = 0;
    /** Type 3: destination unreachable (codes {@code UNREACHABLE_*}). */
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    /** Type 4: source quench (deprecated by RFC 6633; still parsed as an error message). */
    public static final int TYPE_SOURCE_QUENCH = 4;
    /** Type 5: redirect (codes {@code REDIRECT_*}). */
    public static final int TYPE_REDIRECT = 5;
    /** Type 8: echo request. */
    public static final int TYPE_ECHO_REQUEST = 8;
    /** Type 9: router advertisement (RFC 1256). */
    public static final int TYPE_ROUTER_ADVERTISEMENT = 9;
    /** Type 10: router solicitation (RFC 1256). */
    public static final int TYPE_ROUTER_SOLICITATION = 10;
    /** Type 11: time exceeded (codes {@code TIME_EXCEEDED_*}). */
    public static final int TYPE_TIME_EXCEEDED = 11;
    /** Type 12: parameter problem (codes {@code PARAMETER_PROBLEM_*}). */
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    /** Type 13: timestamp request. */
    public static final int TYPE_TIMESTAMP = 13;
    /** Type 14: timestamp reply. */
    public static final int TYPE_TIMESTAMP_REPLY = 14;

    /** Destination unreachable code 0: net unreachable. */
    public static final int UNREACHABLE_NET = 0;
    /** Destination unreachable code 1: host unreachable. */
    public static final int UNREACHABLE_HOST = 1;
    /** Destination unreachable code 2: protocol unreachable. */
    public static final int UNREACHABLE_PROTOCOL = 2;
    /** Destination unreachable code 3: port unreachable. */
    public static final int UNREACHABLE_PORT = 3;
    /** Destination unreachable code 4: fragmentation needed and DF set; carries the next-hop MTU (RFC 1191). */
    public static final int UNREACHABLE_FRAGMENTATION_NEEDED = 4;
    /** Destination unreachable code 5: source route failed. */
    public static final int UNREACHABLE_SOURCE_ROUTE_FAILED = 5;
    /** Destination unreachable code 6: destination network unknown (RFC 1122). */
    public static final int UNREACHABLE_NET_UNKNOWN = 6;
    /** Destination unreachable code 7: destination host unknown (RFC 1122). */
    public static final int UNREACHABLE_HOST_UNKNOWN = 7;
    /** Destination unreachable code 8: source host isolated (RFC 1122). */
    public static final int UNREACHABLE_SOURCE_HOST_ISOLATED = 8;
    /** Destination unreachable code 9: network administratively prohibited (RFC 1122). */
    public static final int UNREACHABLE_NET_PROHIBITED = 9;
    /** Destination unreachable code 10: host administratively prohibited (RFC 1122). */
    public static final int UNREACHABLE_HOST_PROHIBITED = 10;
    /** Destination unreachable code 11: network unreachable for type of service (RFC 1122). */
    public static final int UNREACHABLE_NET_FOR_TOS = 11;
    /** Destination unreachable code 12: host unreachable for type of service (RFC 1122). */
    public static final int UNREACHABLE_HOST_FOR_TOS = 12;
    /** Destination unreachable code 13: communication administratively prohibited (RFC 1812). */
    public static final int UNREACHABLE_COMMUNICATION_PROHIBITED = 13;
    /** Destination unreachable code 14: host precedence violation (RFC 1812). */
    public static final int UNREACHABLE_HOST_PRECEDENCE_VIOLATION = 14;
    /** Destination unreachable code 15: precedence cutoff in effect (RFC 1812). */
    public static final int UNREACHABLE_PRECEDENCE_CUTOFF = 15;

    /** Time exceeded code 0: time to live exceeded in transit. */
    public static final int TIME_EXCEEDED_IN_TRANSIT = 0;
    /** Time exceeded code 1: fragment reassembly time exceeded. */
    public static final int TIME_EXCEEDED_REASSEMBLY = 1;

    /** Parameter problem code 0: the pointer indicates the error. */
    public static final int PARAMETER_PROBLEM_POINTER = 0;
    /** Parameter problem code 1: a required option is missing (RFC 1108). */
    public static final int PARAMETER_PROBLEM_MISSING_OPTION = 1;
    /** Parameter problem code 2: bad length (RFC 1812). */
    public static final int PARAMETER_PROBLEM_BAD_LENGTH = 2;

    /** Redirect code 0: redirect datagrams for the network. */
    public static final int REDIRECT_NET = 0;
    /** Redirect code 1: redirect datagrams for the host. */
    public static final int REDIRECT_HOST = 1;
    /** Redirect code 2: redirect datagrams for the type of service and network. */
    public static final int REDIRECT_TOS_NET = 2;
    /** Redirect code 3: redirect datagrams for the type of service and host. */
    public static final int REDIRECT_TOS_HOST = 3;

    private static final int TYPE = 0;
    private static final int CODE = 1;
    private static final int CHECKSUM = 2;
    private static final int REST = 4;

    private byte[] buffer;
    private int offset;
    private int length;

    /** Creates an unwrapped view; call {@link #wrap} before any accessor. */
    public Icmpv4Message() {
    }

    /**
     * Wraps the {@code length} octets at {@code offset} (the whole ICMP message, i.e. the IPv4
     * payload) after checking the framing described in the class documentation.
     *
     * @return {@link ParseResult#OK}; {@link ParseResult#LENGTH_EXCEEDS_BUFFER} if the range does not
     *     lie inside {@code buffer}; {@link ParseResult#TRUNCATED} below the eight fixed octets;
     *     {@link ParseResult#ICMP_TRUNCATED_MESSAGE} below the minimum of the message's type
     */
    public ParseResult wrap(byte[] buffer, int offset, int length) {
        this.buffer = null;
        if (offset < 0 || length < 0 || length > buffer.length - offset) {
            return ParseResult.LENGTH_EXCEEDS_BUFFER;
        }
        if (length < HEADER_LENGTH) {
            return ParseResult.TRUNCATED;
        }
        if (length < minimumLength(buffer[offset + TYPE] & 0xff)) {
            return ParseResult.ICMP_TRUNCATED_MESSAGE;
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return ParseResult.OK;
    }

    /**
     * Wraps a whole array, for tests and tools (not the packet path).
     *
     * @throws MalformedPacketException if {@link #wrap} rejects the bytes
     */
    public static Icmpv4Message parse(byte[] message) {
        Icmpv4Message view = new Icmpv4Message();
        ParseResult result = view.wrap(message, 0, message.length);
        if (!result.isOk()) {
            throw new MalformedPacketException(result, message.length + " octets");
        }
        return view;
    }

    /** The smallest message length {@link #wrap} accepts for {@code type}. */
    public static int minimumLength(int type) {
        return isError(type) ? ERROR_MIN_LENGTH : MIN_LENGTH;
    }

    /**
     * True for the types that report an error about an invoking datagram and carry it after the
     * fixed header: destination unreachable, source quench, redirect, time exceeded, parameter problem.
     * RFC 1122 section 3.2.2: no ICMP error is ever sent about one of these.
     */
    public static boolean isError(int type) {
        return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT
                || type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
    }

    /** The wrapped array. */
    public byte[] buffer() {
        return buffer;
    }

    /** Index of the message's first octet (the type) in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Octets in the whole message, header included. */
    public int length() {
        return length;
    }

    /** Octets of the fixed header ({@link #HEADER_LENGTH}). */
    public int headerLength() {
        return HEADER_LENGTH;
    }

    /** Index of the first octet after the fixed header: echo data or the invoking datagram. */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    /** Octets after the fixed header. */
    public int payloadLength() {
        return length - HEADER_LENGTH;
    }

    /** Type field. */
    public int type() {
        return buffer[offset + TYPE] & 0xff;
    }

    /** Code field. */
    public int code() {
        return buffer[offset + CODE] & 0xff;
    }

    /** Checksum field as stored. */
    public int checksum() {
        return Bytes.u16(buffer, offset + CHECKSUM);
    }

    /** The 32-bit field after the checksum, raw (its meaning depends on the type). */
    public int restOfHeader() {
        return Bytes.i32(buffer, offset + REST);
    }

    /** True if {@link #type()} is an error type (see {@link #isError(int)}). */
    public boolean isError() {
        return isError(type());
    }

    /** Echo request/reply (and timestamp): the identifier that matches replies to requests. */
    public int identifier() {
        return Bytes.u16(buffer, offset + REST);
    }

    /** Echo request/reply (and timestamp): the sequence number. */
    public int sequenceNumber() {
        return Bytes.u16(buffer, offset + REST + 2);
    }

    /**
     * Destination unreachable, code {@link #UNREACHABLE_FRAGMENTATION_NEEDED}: the next-hop MTU
     * (RFC 1191 section 4, low 16 bits of the rest of header); 0 from routers predating RFC 1191.
     */
    public int nextHopMtu() {
        return Bytes.u16(buffer, offset + REST + 2);
    }

    /** Parameter problem: the pointer to the octet of the invoking datagram in error. */
    public int pointer() {
        return buffer[offset + REST] & 0xff;
    }

    /** Redirect: the gateway address to use from now on, raw. */
    public int gatewayAddress() {
        return Bytes.i32(buffer, offset + REST);
    }

    /** Redirect: the gateway address (allocates). */
    public Ipv4Address gateway() {
        return new Ipv4Address(gatewayAddress());
    }

    /** Error messages: index of the invoking datagram (its IPv4 header) — the same as {@link #payloadOffset()}. */
    public int invokingDatagramOffset() {
        return offset + HEADER_LENGTH;
    }

    /** Error messages: octets of the invoking datagram present (at least 20 after {@code wrap}). */
    public int invokingDatagramLength() {
        return length - HEADER_LENGTH;
    }

    /** True if the checksum over the whole message verifies (RFC 1071: the sum is all ones). */
    public boolean checksumValid() {
        return Checksum.verify(buffer, offset, length, 0);
    }

    /** The checksum the message should carry, computed as if the checksum field were zero. */
    public int computeChecksum() {
        return computeChecksum(buffer, offset, length);
    }

    /** Rewrites the type field (the checksum is not updated). */
    public void setType(int type) {
        buffer[offset + TYPE] = (byte) type;
    }

    /** Rewrites the code field (the checksum is not updated). */
    public void setCode(int code) {
        buffer[offset + CODE] = (byte) code;
    }

    /** Rewrites the checksum field. */
    public void setChecksum(int checksum) {
        Bytes.put16(buffer, offset + CHECKSUM, checksum);
    }

    /** Rewrites the echo identifier (the checksum is not updated; see {@link Checksum#update16}). */
    public void setIdentifier(int identifier) {
        Bytes.put16(buffer, offset + REST, identifier);
    }

    /** Rewrites the echo sequence number (the checksum is not updated). */
    public void setSequenceNumber(int sequenceNumber) {
        Bytes.put16(buffer, offset + REST + 2, sequenceNumber);
    }

    // --- writers ------------------------------------------------------------------------------

    /**
     * Writes an echo request or reply header at {@code offset}, in front of {@code dataLength} octets
     * of echo data that must already be in place after it (the {@code PacketBuffer.prepend} pattern),
     * and stores the checksum over header and data.
     *
     * @param type {@link #TYPE_ECHO_REQUEST} or {@link #TYPE_ECHO_REPLY}
     * @return the message length, {@code HEADER_LENGTH + dataLength}
     */
    public static int writeEcho(byte[] b, int offset, int type, int identifier, int sequenceNumber,
                                int dataLength) {
        b[offset + TYPE] = (byte) type;
        b[offset + CODE] = 0;
        Bytes.put16(b, offset + REST, identifier);
        Bytes.put16(b, offset + REST + 2, sequenceNumber);
        int length = HEADER_LENGTH + dataLength;
        writeChecksum(b, offset, length);
        return length;
    }

    /**
     * Writes an error message header at {@code offset}, in front of {@code invokingLength} octets of
     * the invoking datagram that must already be in place after it, and stores the checksum.
     *
     * @param restOfHeader the 32-bit field after the checksum: 0, {@link #restOfHeaderForMtu},
     *     {@link #restOfHeaderForPointer} or a redirect's gateway address
     * @return the message length, {@code HEADER_LENGTH + invokingLength}
     */
    public static int writeErrorHeader(byte[] b, int offset, int type, int code, int restOfHeader,
                                       int invokingLength) {
        b[offset + TYPE] = (byte) type;
        b[offset + CODE] = (byte) code;
        Bytes.put32(b, offset + REST, restOfHeader);
        int length = HEADER_LENGTH + invokingLength;
        writeChecksum(b, offset, length);
        return length;
    }

    /**
     * Writes a whole error message at {@code offset}: the header, then {@code invokingLength} octets
     * copied from {@code invoking} (the caller chooses how much to quote; RFC 1812 section 4.3.2.3
     * asks for as much as fits in 576 octets), then the checksum. The ranges may overlap.
     *
     * @return the message length, {@code HEADER_LENGTH + invokingLength}
     */
    public static int writeError(byte[] b, int offset, int type, int code, int restOfHeader,
                                 byte[] invoking, int invokingOffset, int invokingLength) {
        System.arraycopy(invoking, invokingOffset, b, offset + HEADER_LENGTH, invokingLength);
        return writeErrorHeader(b, offset, type, code, restOfHeader, invokingLength);
    }

    /** The rest-of-header value of "fragmentation needed" announcing {@code nextHopMtu} (RFC 1191). */
    public static int restOfHeaderForMtu(int nextHopMtu) {
        return nextHopMtu & 0xffff;
    }

    /** The rest-of-header value of a parameter problem pointing at octet {@code pointer}. */
    public static int restOfHeaderForPointer(int pointer) {
        return (pointer & 0xff) << 24;
    }

    /**
     * Computes the checksum of the {@code length}-octet message at {@code offset} (the field itself
     * counted as zero) and stores it in the checksum field.
     *
     * @return the stored value
     */
    public static int writeChecksum(byte[] b, int offset, int length) {
        Bytes.put16(b, offset + CHECKSUM, 0);
        int checksum = Checksum.compute(b, offset, length);
        Bytes.put16(b, offset + CHECKSUM, checksum);
        return checksum;
    }

    private static int computeChecksum(byte[] b, int offset, int length) {
        return Checksum.computeSkippingField(b, offset, length, CHECKSUM, 0);
    }

    /** A short description for logs and test failures (allocates). */
    @Override
    public String toString() {
        if (buffer == null) {
            return "Icmpv4Message[unwrapped]";
        }
        return "Icmpv4Message[type=" + type() + ", code=" + code() + ", checksum=0x" + Integer.toHexString(checksum())
                + ", length=" + length + "]";
    }
}
