package org.netstack4j.wire;

/**
 * An allocation-free cursor over the options of a Neighbor Discovery message (RFC 4861 section 4.6):
 * type-length-value records whose length is counted in units of eight octets.
 *
 * <pre>{@code
 * cursor.reset(message);
 * while (cursor.next()) {
 *     switch (cursor.type()) {
 *         case NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS -> mac = cursor.linkLayerAddress();
 *         case NdpOptionCursor.PREFIX_INFORMATION -> ... cursor.prefixHigh() ...
 *         default -> { } // unknown options are ignored (RFC 4861 section 4.6)
 *     }
 * }
 * if (!cursor.result().isOk()) { drop: cursor.result() }
 * }</pre>
 *
 * <p>Framing errors (a zero length, or an option running past the end) stop the walk: {@link #next()}
 * returns false and {@link #result()} is {@link ParseResult#NDP_BAD_OPTION_LENGTH}; the whole message
 * must then be discarded. {@link Icmpv6Message#wrap} already rejects such messages, so over a wrapped
 * message the walk always ends with {@link ParseResult#OK}.
 *
 * <p>An option of a type defined here whose length does not fit the type's layout (a prefix
 * information option that is not 32 octets, an MTU option that is not 8) is skipped, not returned,
 * and counted in {@link #malformedOptions()}: like the BSD and Linux stacks, the option is ignored
 * and the rest of the message still processed. So every option {@link #next()} returns can be read
 * with its typed accessors without any further length check, and those accessors never throw on it.
 * Options of other types are returned as they are; read them through {@link #dataOffset()} and
 * {@link #dataLength()}.
 *
 * <p>Allocate one cursor per loop or thread and {@code reset} it per message.
 */
public final class NdpOptionCursor {
    /** The unit of the option length field, in octets. */
    public static final int UNIT = 8;
    /** Type 1: source link-layer address. */
    public static final int SOURCE_LINK_LAYER_ADDRESS = 1;
    /** Type 2: target link-layer address. */
    public static final int TARGET_LINK_LAYER_ADDRESS = 2;
    /** Type 3: prefix information. */
    public static final int PREFIX_INFORMATION = 3;
    /** Type 4: redirected header. */
    public static final int REDIRECTED_HEADER = 4;
    /** Type 5: MTU. */
    public static final int MTU = 5;
    /** Type 14: nonce (RFC 3971; used by RFC 7527 enhanced duplicate address detection). */
    public static final int NONCE = 14;
    /** Type 24: route information (RFC 4191). */
    public static final int ROUTE_INFORMATION = 24;
    /** Type 25: recursive DNS server (RFC 8106). */
    public static final int RECURSIVE_DNS_SERVER = 25;
    /** Type 31: DNS search list (RFC 8106). */
    public static final int DNS_SEARCH_LIST = 31;

    /** Octets of a link-layer address option carrying an Ethernet address (RFC 2464 section 6). */
    public static final int ETHERNET_LINK_LAYER_ADDRESS_LENGTH = 8;
    /** Octets of a prefix information option. */
    public static final int PREFIX_INFORMATION_LENGTH = 32;
    /** Octets of an MTU option. */
    public static final int MTU_LENGTH = 8;
    /** Octets of a redirected header option before the embedded packet. */
    public static final int REDIRECTED_HEADER_HEADER_LENGTH = 8;
    /** Prefix information flag L: the prefix is on-link. */
    public static final int PREFIX_FLAG_ON_LINK = 0x80;
    /** Prefix information flag A: the prefix can be used for stateless address autoconfiguration. */
    public static final int PREFIX_FLAG_AUTONOMOUS = 0x40;
    /** A lifetime of all ones: infinity (RFC 4861 section 4.6.2). */
    public static final long INFINITE_LIFETIME = 0xffff_ffffL;

    private static final int NONE = -1;

    private byte[] buffer;
    private int position;
    private int end;
    private int optionOffset;
    private int optionLength;
    private int type = NONE;
    private ParseResult result = ParseResult.OK;
    private int malformedOptions;

    /** Creates a cursor with nothing to walk; call a {@code reset} method first. */
    public NdpOptionCursor() {
    }

    /**
     * Checks the option framing of {@code length} octets at {@code offset} in one walk, without a
     * cursor.
     *
     * @return {@link ParseResult#OK}, or {@link ParseResult#NDP_BAD_OPTION_LENGTH} for an option of
     *     length 0, an option running past the end, or a single trailing octet that cannot hold one
     */
    public static ParseResult validate(byte[] b, int offset, int length) {
        int p = offset;
        int end = offset + length;
        while (p < end) {
            int size = end - p < 2 ? 0 : (b[p + 1] & 0xff) * UNIT;
            if (size == 0 || size > end - p) {
                return ParseResult.NDP_BAD_OPTION_LENGTH;
            }
            p += size;
        }
        return ParseResult.OK;
    }

    /** Positions the cursor before the first option of a wrapped NDP message (none for other types). */
    public NdpOptionCursor reset(Icmpv6Message message) {
        return reset(message.buffer(), message.optionsOffset(), message.optionsLength());
    }

    /**
     * Positions the cursor before the first option of the {@code length} octets of options at
     * {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the range does not lie inside {@code b}
     */
    public NdpOptionCursor reset(byte[] b, int offset, int length) {
        if (offset < 0 || length < 0 || length > b.length - offset) {
            throw new IndexOutOfBoundsException("options [" + offset + ", +" + length + ") of " + b.length);
        }
        this.buffer = b;
        this.position = offset;
        this.end = offset + length;
        this.type = NONE;
        this.result = ParseResult.OK;
        this.malformedOptions = 0;
        return this;
    }

    /**
     * Advances to the next usable option.
     *
     * @return true when positioned on an option; false at the end or on a framing error (see
     *     {@link #result()})
     */
    public boolean next() {
        type = NONE;
        while (position < end) {
            int size = end - position < 2 ? 0 : (buffer[position + 1] & 0xff) * UNIT;
            if (size == 0 || size > end - position) {
                result = ParseResult.NDP_BAD_OPTION_LENGTH;
                position = end;
                return false;
            }
            int t = buffer[position] & 0xff;
            int at = position;
            position += size;
            if (fitsLayout(t, size)) {
                optionOffset = at;
                optionLength = size;
                type = t;
                return true;
            }
            malformedOptions++;
        }
        return false;
    }

    private static boolean fitsLayout(int type, int size) {
        return switch (type) {
            case PREFIX_INFORMATION -> size == PREFIX_INFORMATION_LENGTH;
            case MTU -> size == MTU_LENGTH;
            // Link-layer address and redirected header options fit in any non-zero length.
            default -> true;
        };
    }

    /** {@link ParseResult#OK} unless the walk met a framing error; then the message must be discarded. */
    public ParseResult result() {
        return result;
    }

    /** Options of a defined type skipped since the last reset because their length did not fit the type. */
    public int malformedOptions() {
        return malformedOptions;
    }

    /** The array being walked. */
    public byte[] buffer() {
        return buffer;
    }

    /** The current option's type. */
    public int type() {
        requireOption();
        return type;
    }

    /** Index of the current option's first octet (its type). */
    public int offset() {
        requireOption();
        return optionOffset;
    }

    /** Octets of the current option, type and length octets included (a multiple of 8). */
    public int length() {
        requireOption();
        return optionLength;
    }

    /** Index of the current option's value, after the type and length octets. */
    public int dataOffset() {
        requireOption();
        return optionOffset + 2;
    }

    /** Octets of the current option's value, including any padding. */
    public int dataLength() {
        requireOption();
        return optionLength - 2;
    }

    /**
     * Source or target link-layer address: the first six octets of the address field as an Ethernet
     * address (low 48 bits). On Ethernet the option is exactly {@link #ETHERNET_LINK_LAYER_ADDRESS_LENGTH}
     * octets; check {@link #length()} to reject a link-layer address of another link type.
     */
    public long linkLayerAddress() {
        if (type != SOURCE_LINK_LAYER_ADDRESS && type != TARGET_LINK_LAYER_ADDRESS) {
            throw wrongType("link-layer address");
        }
        return MacAddress.read(buffer, optionOffset + 2);
    }

    /** Prefix information: number of leading bits of the prefix that are valid (0 to 128 when sane). */
    public int prefixLength() {
        requireType(PREFIX_INFORMATION);
        return buffer[optionOffset + 2] & 0xff;
    }

    /** Prefix information: the flags octet raw (L, A and later bits). */
    public int prefixFlags() {
        requireType(PREFIX_INFORMATION);
        return buffer[optionOffset + 3] & 0xff;
    }

    /** Prefix information: the L flag (on-link). */
    public boolean onLink() {
        return (prefixFlags() & PREFIX_FLAG_ON_LINK) != 0;
    }

    /** Prefix information: the A flag (autonomous address configuration). */
    public boolean autonomous() {
        return (prefixFlags() & PREFIX_FLAG_AUTONOMOUS) != 0;
    }

    /** Prefix information: valid lifetime in seconds (unsigned; {@link #INFINITE_LIFETIME} is infinity). */
    public long validLifetime() {
        requireType(PREFIX_INFORMATION);
        return Bytes.u32(buffer, optionOffset + 4);
    }

    /** Prefix information: preferred lifetime in seconds (unsigned; {@link #INFINITE_LIFETIME} is infinity). */
    public long preferredLifetime() {
        requireType(PREFIX_INFORMATION);
        return Bytes.u32(buffer, optionOffset + 8);
    }

    /** Prefix information: high 64 bits of the prefix. */
    public long prefixHigh() {
        requireType(PREFIX_INFORMATION);
        return Bytes.i64(buffer, optionOffset + 16);
    }

    /** Prefix information: low 64 bits of the prefix. */
    public long prefixLow() {
        requireType(PREFIX_INFORMATION);
        return Bytes.i64(buffer, optionOffset + 24);
    }

    /** Prefix information: the prefix as an address (allocates). */
    public Ipv6Address prefix() {
        return new Ipv6Address(prefixHigh(), prefixLow());
    }

    /** Redirected header: index of the embedded (possibly truncated) packet, its IPv6 header first. */
    public int redirectedPacketOffset() {
        requireType(REDIRECTED_HEADER);
        return optionOffset + REDIRECTED_HEADER_HEADER_LENGTH;
    }

    /** Redirected header: octets of the embedded packet, padding included (0 or more). */
    public int redirectedPacketLength() {
        requireType(REDIRECTED_HEADER);
        return optionLength - REDIRECTED_HEADER_HEADER_LENGTH;
    }

    /** MTU option: the recommended link MTU (unsigned 32 bits). */
    public long mtu() {
        requireType(MTU);
        return Bytes.u32(buffer, optionOffset + 4);
    }

    private void requireOption() {
        if (type == NONE) {
            throw new IllegalStateException("cursor is not on an option");
        }
    }

    private void requireType(int expected) {
        if (type != expected) {
            throw wrongType("option " + expected);
        }
    }

    private IllegalStateException wrongType(String what) {
        return new IllegalStateException(what + " read on option type " + (type == NONE ? "none" : type));
    }

    // --- writers ------------------------------------------------------------------------------

    /**
     * Writes a source or target link-layer address option for an Ethernet address (eight octets).
     *
     * @param type {@link #SOURCE_LINK_LAYER_ADDRESS} or {@link #TARGET_LINK_LAYER_ADDRESS}
     * @param address the address in the low 48 bits
     * @return octets written ({@link #ETHERNET_LINK_LAYER_ADDRESS_LENGTH})
     */
    public static int writeLinkLayerAddress(byte[] b, int offset, int type, long address) {
        b[offset] = (byte) type;
        b[offset + 1] = (byte) (ETHERNET_LINK_LAYER_ADDRESS_LENGTH / UNIT);
        MacAddress.write(b, offset + 2, address);
        return ETHERNET_LINK_LAYER_ADDRESS_LENGTH;
    }

    /**
     * Writes a prefix information option.
     *
     * @param flags an OR of {@link #PREFIX_FLAG_ON_LINK} and {@link #PREFIX_FLAG_AUTONOMOUS}
     * @return octets written ({@link #PREFIX_INFORMATION_LENGTH})
     */
    public static int writePrefixInformation(byte[] b, int offset, int prefixLength, int flags,
                                             long validLifetime, long preferredLifetime,
                                             long prefixHigh, long prefixLow) {
        b[offset] = (byte) PREFIX_INFORMATION;
        b[offset + 1] = (byte) (PREFIX_INFORMATION_LENGTH / UNIT);
        b[offset + 2] = (byte) prefixLength;
        b[offset + 3] = (byte) flags;
        Bytes.put32(b, offset + 4, validLifetime);
        Bytes.put32(b, offset + 8, preferredLifetime);
        Bytes.put32(b, offset + 12, 0);
        Bytes.put64(b, offset + 16, prefixHigh);
        Bytes.put64(b, offset + 24, prefixLow);
        return PREFIX_INFORMATION_LENGTH;
    }

    /**
     * Writes an MTU option.
     *
     * @return octets written ({@link #MTU_LENGTH})
     */
    public static int writeMtu(byte[] b, int offset, long mtu) {
        b[offset] = (byte) MTU;
        b[offset + 1] = (byte) (MTU_LENGTH / UNIT);
        Bytes.put16(b, offset + 2, 0);
        Bytes.put32(b, offset + 4, mtu);
        return MTU_LENGTH;
    }
}
