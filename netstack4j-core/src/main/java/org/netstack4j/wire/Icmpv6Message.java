package org.netstack4j.wire;

/**
 * A reusable flyweight view of an ICMPv6 message (RFC 4443), including the Neighbor Discovery
 * messages of RFC 4861.
 *
 * <p>Every message starts with type, code, checksum and a 32-bit field whose meaning depends on the
 * type (every defined type has it, so fewer than eight octets is {@link ParseResult#TRUNCATED}).
 * {@link #wrap} then enforces the minimum length of the message's type ({@link #minimumLength(int)}):
 * the fixed part of the NDP messages, and for the four defined error types room for the invoking
 * packet's fixed IPv6 header (RFC 4443 asks for as much of it as fits, so a bare 40-octet header is
 * legal; whoever demultiplexes the error to a transport checks that the octets it needs are there). For the NDP messages {@code wrap} also walks the option
 * framing once and rejects a zero-length option or one running past the message with
 * {@link ParseResult#NDP_BAD_OPTION_LENGTH} (RFC 4861 section 4.6: such packets MUST be silently
 * discarded), so that an {@link NdpOptionCursor} over an accepted message never meets a framing error.
 *
 * <p>Not checked by {@code wrap}: the checksum (it needs the IPv6 addresses; see
 * {@link #checksumValid(long, long, long, long)}), and the other NDP validity rules of RFC 4861
 * (hop limit 255, code 0, source address constraints), which belong to the neighbor layer.
 *
 * <p>Accessors of the first eight octets are meaningful per the types their documentation names and
 * never throw after {@link ParseResult#OK}. Accessors of fields beyond them (targets, router
 * advertisement fields) are only valid for their types and throw {@link IllegalStateException} when
 * called on a message of another type; on a message of the right type they never throw.
 */
public final class Icmpv6Message {
    /** Octets of the common header: type, code, checksum and the 32-bit type-specific field. */
    public static final int HEADER_LENGTH = 8;
    /** Smallest well-formed message: the common header alone. */
    public static final int MIN_LENGTH = HEADER_LENGTH;
    /** Smallest error message: the common header and the invoking packet's 40-octet IPv6 header. */
    public static final int ERROR_MIN_LENGTH = HEADER_LENGTH + 40;
    /** Router solicitation without options. */
    public static final int ROUTER_SOLICITATION_LENGTH = 8;
    /** Router advertisement without options. */
    public static final int ROUTER_ADVERTISEMENT_LENGTH = 16;
    /** Neighbor solicitation without options. */
    public static final int NEIGHBOR_SOLICITATION_LENGTH = 24;
    /** Neighbor advertisement without options. */
    public static final int NEIGHBOR_ADVERTISEMENT_LENGTH = 24;
    /** Redirect without options. */
    public static final int REDIRECT_LENGTH = 40;
    /** IPv6 next-header value of ICMPv6, also used in the checksum's pseudo-header. */
    public static final int NEXT_HEADER = IpProtocol.ICMPV6;
    /** A {@code linkLayerAddress} argument of the NDP writers meaning "include no link-layer address option". */
    public static final long NO_LINK_LAYER_ADDRESS = -1L;

    /** Type 1: destination unreachable (codes {@code UNREACHABLE_*}). */
    public static final int TYPE_DESTINATION_UNREACHABLE = 1;
    /** Type 2: packet too big; carries the MTU of the next-hop link. */
    public static final int TYPE_PACKET_TOO_BIG = 2;
    /** Type 3: time exceeded (codes {@code TIME_EXCEEDED_*}). */
    public static final int TYPE_TIME_EXCEEDED = 3;
    /** Type 4: parameter problem (codes {@code PARAMETER_PROBLEM_*}); carries a pointer. */
    public static final int TYPE_PARAMETER_PROBLEM = 4;
    /** Type 128: echo request. */
    public static final int TYPE_ECHO_REQUEST = 128;
    /** Type 129: echo reply. */
    public static final int TYPE_ECHO_REPLY = 129;
    /** Type 130: multicast listener query (RFC 2710, RFC 3810). */
    public static final int TYPE_MULTICAST_LISTENER_QUERY = 130;
    /** Type 131: multicast listener report, version 1 (RFC 2710). */
    public static final int TYPE_MULTICAST_LISTENER_REPORT = 131;
    /** Type 132: multicast listener done (RFC 2710). */
    public static final int TYPE_MULTICAST_LISTENER_DONE = 132;
    /** Type 133: router solicitation (RFC 4861 section 4.1). */
    public static final int TYPE_ROUTER_SOLICITATION = 133;
    /** Type 134: router advertisement (RFC 4861 section 4.2). */
    public static final int TYPE_ROUTER_ADVERTISEMENT = 134;
    /** Type 135: neighbor solicitation (RFC 4861 section 4.3). */
    public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    /** Type 136: neighbor advertisement (RFC 4861 section 4.4). */
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
    /** Type 137: redirect (RFC 4861 section 4.5). */
    public static final int TYPE_REDIRECT = 137;
    /** Type 143: multicast listener report, version 2 (RFC 3810). */
    public static final int TYPE_MULTICAST_LISTENER_REPORT_V2 = 143;

    /** Destination unreachable code 0: no route to destination. */
    public static final int UNREACHABLE_NO_ROUTE = 0;
    /** Destination unreachable code 1: communication administratively prohibited. */
    public static final int UNREACHABLE_ADMINISTRATIVELY_PROHIBITED = 1;
    /** Destination unreachable code 2: beyond scope of source address. */
    public static final int UNREACHABLE_BEYOND_SCOPE = 2;
    /** Destination unreachable code 3: address unreachable. */
    public static final int UNREACHABLE_ADDRESS = 3;
    /** Destination unreachable code 4: port unreachable. */
    public static final int UNREACHABLE_PORT = 4;
    /** Destination unreachable code 5: source address failed ingress/egress policy. */
    public static final int UNREACHABLE_SOURCE_POLICY = 5;
    /** Destination unreachable code 6: reject route to destination. */
    public static final int UNREACHABLE_REJECT_ROUTE = 6;
    /** Destination unreachable code 7: error in source routing header (RFC 6550). */
    public static final int UNREACHABLE_SOURCE_ROUTING_HEADER = 7;
    /** Destination unreachable code 8: headers too long (RFC 8883). */
    public static final int UNREACHABLE_HEADERS_TOO_LONG = 8;

    /** Time exceeded code 0: hop limit exceeded in transit. */
    public static final int TIME_EXCEEDED_HOP_LIMIT = 0;
    /** Time exceeded code 1: fragment reassembly time exceeded. */
    public static final int TIME_EXCEEDED_REASSEMBLY = 1;

    /** Parameter problem code 0: erroneous header field encountered. */
    public static final int PARAMETER_PROBLEM_HEADER_FIELD = 0;
    /** Parameter problem code 1: unrecognized next header type encountered. */
    public static final int PARAMETER_PROBLEM_NEXT_HEADER = 1;
    /** Parameter problem code 2: unrecognized IPv6 option encountered. */
    public static final int PARAMETER_PROBLEM_OPTION = 2;
    /** Parameter problem code 3: first fragment has an incomplete header chain (RFC 7112). */
    public static final int PARAMETER_PROBLEM_INCOMPLETE_CHAIN = 3;

    /** Router advertisement flag M: addresses are available via DHCPv6. */
    public static final int RA_FLAG_MANAGED = 0x80;
    /** Router advertisement flag O: other configuration is available via DHCPv6. */
    public static final int RA_FLAG_OTHER = 0x40;
    /** Neighbor advertisement flag R: the sender is a router. */
    public static final int NA_FLAG_ROUTER = 0x80;
    /** Neighbor advertisement flag S: sent in response to a solicitation. */
    public static final int NA_FLAG_SOLICITED = 0x40;
    /** Neighbor advertisement flag O: override an existing cache entry. */
    public static final int NA_FLAG_OVERRIDE = 0x20;

    private static final int TYPE = 0;
    private static final int CODE = 1;
    private static final int CHECKSUM = 2;
    private static final int REST = 4;
    private static final int TARGET = 8;
    private static final int REDIRECT_DESTINATION = 24;
    private static final int RA_CUR_HOP_LIMIT = 4;
    private static final int RA_FLAGS = 5;
    private static final int RA_ROUTER_LIFETIME = 6;
    private static final int RA_REACHABLE_TIME = 8;
    private static final int RA_RETRANS_TIMER = 12;

    private byte[] buffer;
    private int offset;
    private int length;
    // The type wrap validated against: the type-specific accessors check this copy, so bytes changed
    // behind the view's back can never steer them past the length that wrap established.
    private int type;

    /** Creates an unwrapped view; call {@link #wrap} before any accessor. */
    public Icmpv6Message() {
    }

    /**
     * Wraps the {@code length} octets at {@code offset} (the whole ICMPv6 message, i.e. the upper-layer
     * payload of the IPv6 packet) after the checks described in the class documentation.
     *
     * @return {@link ParseResult#OK}; {@link ParseResult#LENGTH_EXCEEDS_BUFFER} if the range does not
     *     lie inside {@code buffer}; {@link ParseResult#TRUNCATED} below the eight octets of the common
     *     header; {@link ParseResult#ICMP_TRUNCATED_MESSAGE} below the minimum of the type;
     *     {@link ParseResult#NDP_BAD_OPTION_LENGTH} for broken NDP option framing
     */
    public ParseResult wrap(byte[] buffer, int offset, int length) {
        this.buffer = null;
        if (offset < 0 || length < 0 || length > buffer.length - offset) {
            return ParseResult.LENGTH_EXCEEDS_BUFFER;
        }
        if (length < HEADER_LENGTH) {
            return ParseResult.TRUNCATED;
        }
        int t = buffer[offset + TYPE] & 0xff;
        if (length < minimumLength(t)) {
            return ParseResult.ICMP_TRUNCATED_MESSAGE;
        }
        int options = optionsStart(t);
        if (options > 0) {
            ParseResult result = NdpOptionCursor.validate(buffer, offset + options, length - options);
            if (!result.isOk()) {
                return result;
            }
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.type = t;
        return ParseResult.OK;
    }

    /**
     * Wraps a whole array, for tests and tools (not the packet path).
     *
     * @throws MalformedPacketException if {@link #wrap} rejects the bytes
     */
    public static Icmpv6Message parse(byte[] message) {
        Icmpv6Message view = new Icmpv6Message();
        ParseResult result = view.wrap(message, 0, message.length);
        if (!result.isOk()) {
            throw new MalformedPacketException(result, message.length + " octets");
        }
        return view;
    }

    /**
     * The smallest message length {@link #wrap} accepts for {@code type}: {@link #HEADER_LENGTH} for
     * echo, unknown and undefined error types, which carry nothing this view reads beyond it.
     */
    public static int minimumLength(int type) {
        return switch (type) {
            case TYPE_DESTINATION_UNREACHABLE, TYPE_PACKET_TOO_BIG, TYPE_TIME_EXCEEDED, TYPE_PARAMETER_PROBLEM ->
                    ERROR_MIN_LENGTH;
            case TYPE_ROUTER_ADVERTISEMENT -> ROUTER_ADVERTISEMENT_LENGTH;
            case TYPE_NEIGHBOR_SOLICITATION -> NEIGHBOR_SOLICITATION_LENGTH;
            case TYPE_NEIGHBOR_ADVERTISEMENT -> NEIGHBOR_ADVERTISEMENT_LENGTH;
            case TYPE_REDIRECT -> REDIRECT_LENGTH;
            default -> MIN_LENGTH;
        };
    }

    /** True for the error types (0 to 127, RFC 4443 section 2.1). */
    public static boolean isError(int type) {
        return type < 128;
    }

    /** True for the five NDP message types (router/neighbor solicitation/advertisement, redirect). */
    public static boolean isNdp(int type) {
        return type >= TYPE_ROUTER_SOLICITATION && type <= TYPE_REDIRECT;
    }

    /** Offset of the options from the message start for NDP types; 0 for types without NDP options. */
    private static int optionsStart(int type) {
        return switch (type) {
            case TYPE_ROUTER_SOLICITATION -> ROUTER_SOLICITATION_LENGTH;
            case TYPE_ROUTER_ADVERTISEMENT -> ROUTER_ADVERTISEMENT_LENGTH;
            case TYPE_NEIGHBOR_SOLICITATION -> NEIGHBOR_SOLICITATION_LENGTH;
            case TYPE_NEIGHBOR_ADVERTISEMENT -> NEIGHBOR_ADVERTISEMENT_LENGTH;
            case TYPE_REDIRECT -> REDIRECT_LENGTH;
            default -> 0;
        };
    }

    /** The wrapped array. */
    public byte[] buffer() {
        return buffer;
    }

    /** Index of the message's first octet (the type) in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Octets in the whole message. */
    public int length() {
        return length;
    }

    /** Octets of the fixed part of this message's type: the NDP messages' fixed fields, otherwise 8. */
    public int headerLength() {
        int options = optionsStart(type);
        return options > 0 ? options : HEADER_LENGTH;
    }

    /** Index of the first octet after {@link #headerLength()}: echo data, invoking packet or NDP options. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    /** Octets after {@link #headerLength()}. */
    public int payloadLength() {
        return length - headerLength();
    }

    /** Type field. */
    public int type() {
        return type;
    }

    /** Code field. */
    public int code() {
        return buffer[offset + CODE] & 0xff;
    }

    /** Checksum field as stored. */
    public int checksum() {
        return Bytes.u16(buffer, offset + CHECKSUM);
    }

    /** True if {@link #type()} is an error type. */
    public boolean isError() {
        return isError(type);
    }

    /** True if {@link #type()} is an NDP type. */
    public boolean isNdp() {
        return isNdp(type);
    }

    /**
     * The 32-bit field after the checksum, raw: echo identifier and sequence, MTU, pointer, NDP flags
     * and reserved bits.
     */
    public int restOfHeader() {
        return Bytes.i32(buffer, offset + REST);
    }

    /** Echo request/reply: the identifier. */
    public int identifier() {
        return restOfHeader() >>> 16;
    }

    /** Echo request/reply: the sequence number. */
    public int sequenceNumber() {
        return restOfHeader() & 0xffff;
    }

    /** Packet too big: the MTU of the next-hop link (unsigned 32 bits). */
    public long mtu() {
        return restOfHeader() & 0xffff_ffffL;
    }

    /** Parameter problem: offset in the invoking packet where the error was detected (unsigned 32 bits). */
    public long pointer() {
        return restOfHeader() & 0xffff_ffffL;
    }

    /** Error messages: index of the invoking packet (its IPv6 header). */
    public int invokingPacketOffset() {
        return payloadOffset();
    }

    /** Error messages: octets of the invoking packet present (at least 40 after {@code wrap}). */
    public int invokingPacketLength() {
        return payloadLength();
    }

    // --- router advertisement -----------------------------------------------------------------

    /** Router advertisement: the hop limit hosts should use, 0 if unspecified. */
    public int curHopLimit() {
        require(TYPE_ROUTER_ADVERTISEMENT);
        return buffer[offset + RA_CUR_HOP_LIMIT] & 0xff;
    }

    /** Router advertisement: the flags octet raw (M, O and the bits later RFCs define). */
    public int routerAdvertisementFlags() {
        require(TYPE_ROUTER_ADVERTISEMENT);
        return buffer[offset + RA_FLAGS] & 0xff;
    }

    /** Router advertisement: the M flag (managed address configuration). */
    public boolean managedAddressConfiguration() {
        return (routerAdvertisementFlags() & RA_FLAG_MANAGED) != 0;
    }

    /** Router advertisement: the O flag (other configuration). */
    public boolean otherConfiguration() {
        return (routerAdvertisementFlags() & RA_FLAG_OTHER) != 0;
    }

    /**
     * Router advertisement: the default router preference of RFC 4191 section 2.2 as the raw 2-bit
     * value (01 high, 00 medium, 11 low, 10 reserved and treated as medium by receivers).
     */
    public int defaultRouterPreference() {
        return (routerAdvertisementFlags() >>> 3) & 0x3;
    }

    /** Router advertisement: router lifetime in seconds; 0 means "not a default router". */
    public int routerLifetime() {
        require(TYPE_ROUTER_ADVERTISEMENT);
        return Bytes.u16(buffer, offset + RA_ROUTER_LIFETIME);
    }

    /** Router advertisement: reachable time in milliseconds (unsigned 32 bits), 0 if unspecified. */
    public long reachableTime() {
        require(TYPE_ROUTER_ADVERTISEMENT);
        return Bytes.u32(buffer, offset + RA_REACHABLE_TIME);
    }

    /** Router advertisement: retransmission timer in milliseconds (unsigned 32 bits), 0 if unspecified. */
    public long retransTimer() {
        require(TYPE_ROUTER_ADVERTISEMENT);
        return Bytes.u32(buffer, offset + RA_RETRANS_TIMER);
    }

    // --- neighbor solicitation / advertisement / redirect -------------------------------------

    /** Neighbor advertisement: the flags octet raw (R, S, O). */
    public int neighborAdvertisementFlags() {
        require(TYPE_NEIGHBOR_ADVERTISEMENT);
        return buffer[offset + REST] & 0xff;
    }

    /** Neighbor advertisement: the R flag (the sender is a router). */
    public boolean routerFlag() {
        return (neighborAdvertisementFlags() & NA_FLAG_ROUTER) != 0;
    }

    /** Neighbor advertisement: the S flag (a response to a solicitation). */
    public boolean solicitedFlag() {
        return (neighborAdvertisementFlags() & NA_FLAG_SOLICITED) != 0;
    }

    /** Neighbor advertisement: the O flag (override the cached link-layer address). */
    public boolean overrideFlag() {
        return (neighborAdvertisementFlags() & NA_FLAG_OVERRIDE) != 0;
    }

    /** Neighbor solicitation/advertisement, redirect: high 64 bits of the target address. */
    public long targetAddressHigh() {
        requireTarget();
        return Bytes.i64(buffer, offset + TARGET);
    }

    /** Neighbor solicitation/advertisement, redirect: low 64 bits of the target address. */
    public long targetAddressLow() {
        requireTarget();
        return Bytes.i64(buffer, offset + TARGET + 8);
    }

    /** Neighbor solicitation/advertisement, redirect: the target address (allocates). */
    public Ipv6Address target() {
        return new Ipv6Address(targetAddressHigh(), targetAddressLow());
    }

    /** Index of the target address in {@link #buffer()}, for the checksum or copies. */
    public int targetAddressOffset() {
        requireTarget();
        return offset + TARGET;
    }

    /** Redirect: high 64 bits of the destination address being redirected. */
    public long destinationAddressHigh() {
        require(TYPE_REDIRECT);
        return Bytes.i64(buffer, offset + REDIRECT_DESTINATION);
    }

    /** Redirect: low 64 bits of the destination address being redirected. */
    public long destinationAddressLow() {
        require(TYPE_REDIRECT);
        return Bytes.i64(buffer, offset + REDIRECT_DESTINATION + 8);
    }

    /** Redirect: the destination address (allocates). */
    public Ipv6Address destination() {
        return new Ipv6Address(destinationAddressHigh(), destinationAddressLow());
    }

    /** NDP messages: index of the first option; for other types the end of the message. */
    public int optionsOffset() {
        int options = optionsStart(type);
        return offset + (options > 0 ? options : length);
    }

    /** NDP messages: octets of options; 0 for other types. */
    public int optionsLength() {
        int options = optionsStart(type);
        return options > 0 ? length - options : 0;
    }

    // --- checksum -----------------------------------------------------------------------------

    /** True if the checksum verifies with the pseudo-header of the given addresses (RFC 4443 section 2.3). */
    public boolean checksumValid(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        int pseudo = Checksum.pseudoHeaderIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow,
                NEXT_HEADER, length);
        return Checksum.verify(buffer, offset, length, pseudo);
    }

    /**
     * True if the checksum verifies with the pseudo-header of the addresses stored at
     * {@code sourceOffset} and {@code destinationOffset} of {@code addresses} (normally the IPv6
     * header in the same buffer; pass the final destination when a routing header is present).
     */
    public boolean checksumValid(byte[] addresses, int sourceOffset, int destinationOffset) {
        int pseudo = Checksum.pseudoHeaderIpv6(addresses, sourceOffset, destinationOffset, NEXT_HEADER, length);
        return Checksum.verify(buffer, offset, length, pseudo);
    }

    /** The checksum the message should carry for these addresses (the field counted as zero). */
    public int computeChecksum(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        int pseudo = Checksum.pseudoHeaderIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow,
                NEXT_HEADER, length);
        return sumWithoutChecksumField(buffer, offset, length, pseudo);
    }

    /** The checksum the message should carry for the addresses stored in {@code addresses}. */
    public int computeChecksum(byte[] addresses, int sourceOffset, int destinationOffset) {
        int pseudo = Checksum.pseudoHeaderIpv6(addresses, sourceOffset, destinationOffset, NEXT_HEADER, length);
        return sumWithoutChecksumField(buffer, offset, length, pseudo);
    }

    /**
     * Rewrites the type field (the checksum is not updated), e.g. echo request to echo reply.
     *
     * @throws IllegalArgumentException if {@code type} has another layout (another minimum length or
     *     options position) than the wrapped type; wrap the rewritten bytes again instead
     */
    public void setType(int type) {
        if (minimumLength(type) > length || optionsStart(type) != optionsStart(this.type)) {
            // Another layout would invalidate what wrap established; callers re-wrap instead.
            throw new IllegalArgumentException("type " + type + " does not fit the wrapped layout of type "
                    + this.type);
        }
        buffer[offset + TYPE] = (byte) type;
        this.type = type;
    }

    /** Rewrites the code field (the checksum is not updated). */
    public void setCode(int code) {
        buffer[offset + CODE] = (byte) code;
    }

    /** Rewrites the checksum field. */
    public void setChecksum(int checksum) {
        Bytes.put16(buffer, offset + CHECKSUM, checksum);
    }

    private void require(int expected) {
        if (type != expected) {
            throw new IllegalStateException("field of type " + expected + " read on a message of type " + type);
        }
    }

    private void requireTarget() {
        if (type != TYPE_NEIGHBOR_SOLICITATION && type != TYPE_NEIGHBOR_ADVERTISEMENT && type != TYPE_REDIRECT) {
            throw new IllegalStateException("target address read on a message of type " + type);
        }
    }

    private static int sumWithoutChecksumField(byte[] b, int offset, int length, int pseudo) {
        return Checksum.computeSkippingField(b, offset, length, CHECKSUM, pseudo);
    }

    // --- writers ------------------------------------------------------------------------------

    /**
     * Computes the checksum of the {@code length}-octet message at {@code offset} for the given
     * addresses (the field itself counted as zero) and stores it.
     *
     * @return the stored value
     */
    public static int writeChecksum(byte[] b, int offset, int length, long sourceHigh, long sourceLow,
                                    long destinationHigh, long destinationLow) {
        int pseudo = Checksum.pseudoHeaderIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow,
                NEXT_HEADER, length);
        int checksum = sumWithoutChecksumField(b, offset, length, pseudo);
        Bytes.put16(b, offset + CHECKSUM, checksum);
        return checksum;
    }

    /**
     * Writes an echo request or reply header at {@code offset}, in front of {@code dataLength} octets of
     * echo data already in place after it, and stores the checksum for the given addresses.
     *
     * @param type {@link #TYPE_ECHO_REQUEST} or {@link #TYPE_ECHO_REPLY}
     * @return the message length, {@code HEADER_LENGTH + dataLength}
     */
    public static int writeEcho(byte[] b, int offset, int type, int identifier, int sequenceNumber, int dataLength,
                                long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        b[offset + TYPE] = (byte) type;
        b[offset + CODE] = 0;
        Bytes.put16(b, offset + REST, identifier);
        Bytes.put16(b, offset + REST + 2, sequenceNumber);
        int length = HEADER_LENGTH + dataLength;
        writeChecksum(b, offset, length, sourceHigh, sourceLow, destinationHigh, destinationLow);
        return length;
    }

    /**
     * Writes an error message header at {@code offset}, in front of {@code invokingLength} octets of
     * the invoking packet already in place after it, and stores the checksum.
     *
     * @param restOfHeader the 32-bit field: the MTU of packet too big, the pointer of parameter problem,
     *     otherwise 0
     * @return the message length, {@code HEADER_LENGTH + invokingLength}
     */
    public static int writeErrorHeader(byte[] b, int offset, int type, int code, int restOfHeader,
                                       int invokingLength, long sourceHigh, long sourceLow,
                                       long destinationHigh, long destinationLow) {
        b[offset + TYPE] = (byte) type;
        b[offset + CODE] = (byte) code;
        Bytes.put32(b, offset + REST, restOfHeader);
        int length = HEADER_LENGTH + invokingLength;
        writeChecksum(b, offset, length, sourceHigh, sourceLow, destinationHigh, destinationLow);
        return length;
    }

    /**
     * Writes a whole error message at {@code offset}: the header, {@code invokingLength} octets copied
     * from {@code invoking} (the caller limits them so that the packet fits the minimum IPv6 MTU, RFC
     * 4443 section 2.4 (c)), and the checksum. The ranges may overlap.
     *
     * @return the message length, {@code HEADER_LENGTH + invokingLength}
     */
    public static int writeError(byte[] b, int offset, int type, int code, int restOfHeader,
                                 byte[] invoking, int invokingOffset, int invokingLength,
                                 long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        System.arraycopy(invoking, invokingOffset, b, offset + HEADER_LENGTH, invokingLength);
        return writeErrorHeader(b, offset, type, code, restOfHeader, invokingLength,
                sourceHigh, sourceLow, destinationHigh, destinationLow);
    }

    /**
     * Writes a router solicitation at {@code offset} with the checksum.
     *
     * @param sourceLinkLayerAddress the sender's Ethernet address for a source link-layer address
     *     option, or {@link #NO_LINK_LAYER_ADDRESS} (required when the source is unspecified, RFC 4861
     *     section 4.1)
     * @return the message length: 8, or 16 with the option
     */
    public static int writeRouterSolicitation(byte[] b, int offset, long sourceLinkLayerAddress,
                                              long sourceHigh, long sourceLow,
                                              long destinationHigh, long destinationLow) {
        b[offset + TYPE] = (byte) TYPE_ROUTER_SOLICITATION;
        b[offset + CODE] = 0;
        Bytes.put32(b, offset + REST, 0);
        int length = ROUTER_SOLICITATION_LENGTH
                + linkLayerOption(b, offset + ROUTER_SOLICITATION_LENGTH,
                        NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS, sourceLinkLayerAddress);
        writeChecksum(b, offset, length, sourceHigh, sourceLow, destinationHigh, destinationLow);
        return length;
    }

    /**
     * Writes a neighbor solicitation for the target at {@code offset} with the checksum.
     *
     * @param sourceLinkLayerAddress the sender's Ethernet address for a source link-layer address
     *     option, or {@link #NO_LINK_LAYER_ADDRESS} (required for duplicate address detection, where the
     *     source is unspecified, RFC 4861 section 4.3)
     * @return the message length: 24, or 32 with the option
     */
    public static int writeNeighborSolicitation(byte[] b, int offset, long targetHigh, long targetLow,
                                                long sourceLinkLayerAddress, long sourceHigh, long sourceLow,
                                                long destinationHigh, long destinationLow) {
        b[offset + TYPE] = (byte) TYPE_NEIGHBOR_SOLICITATION;
        b[offset + CODE] = 0;
        Bytes.put32(b, offset + REST, 0);
        Bytes.put64(b, offset + TARGET, targetHigh);
        Bytes.put64(b, offset + TARGET + 8, targetLow);
        int length = NEIGHBOR_SOLICITATION_LENGTH
                + linkLayerOption(b, offset + NEIGHBOR_SOLICITATION_LENGTH,
                        NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS, sourceLinkLayerAddress);
        writeChecksum(b, offset, length, sourceHigh, sourceLow, destinationHigh, destinationLow);
        return length;
    }

    /**
     * Writes a neighbor advertisement for the target at {@code offset} with the checksum.
     *
     * @param flags an OR of {@link #NA_FLAG_ROUTER}, {@link #NA_FLAG_SOLICITED}, {@link #NA_FLAG_OVERRIDE}
     * @param targetLinkLayerAddress the Ethernet address for a target link-layer address option, or
     *     {@link #NO_LINK_LAYER_ADDRESS}
     * @return the message length: 24, or 32 with the option
     */
    public static int writeNeighborAdvertisement(byte[] b, int offset, int flags, long targetHigh, long targetLow,
                                                 long targetLinkLayerAddress, long sourceHigh, long sourceLow,
                                                 long destinationHigh, long destinationLow) {
        b[offset + TYPE] = (byte) TYPE_NEIGHBOR_ADVERTISEMENT;
        b[offset + CODE] = 0;
        Bytes.put32(b, offset + REST, (flags & 0xff) << 24);
        Bytes.put64(b, offset + TARGET, targetHigh);
        Bytes.put64(b, offset + TARGET + 8, targetLow);
        int length = NEIGHBOR_ADVERTISEMENT_LENGTH
                + linkLayerOption(b, offset + NEIGHBOR_ADVERTISEMENT_LENGTH,
                        NdpOptionCursor.TARGET_LINK_LAYER_ADDRESS, targetLinkLayerAddress);
        writeChecksum(b, offset, length, sourceHigh, sourceLow, destinationHigh, destinationLow);
        return length;
    }

    private static int linkLayerOption(byte[] b, int offset, int optionType, long linkLayerAddress) {
        if (linkLayerAddress == NO_LINK_LAYER_ADDRESS) {
            return 0;
        }
        return NdpOptionCursor.writeLinkLayerAddress(b, offset, optionType, linkLayerAddress);
    }

    /** A short description for logs and test failures (allocates). */
    @Override
    public String toString() {
        if (buffer == null) {
            return "Icmpv6Message[unwrapped]";
        }
        return "Icmpv6Message[type=" + type + ", code=" + code() + ", checksum=0x" + Integer.toHexString(checksum())
                + ", length=" + length + "]";
    }
}
