package org.netstack4j.wire;

import java.util.Objects;

/**
 * Reusable, allocation-free iterator over the options of an IPv6 hop-by-hop or destination options header
 * (RFC 8200 section 4.2).
 *
 * <p>An option is Pad1 (a single zero octet) or a type octet, a length octet counting the data only, and the
 * data. The cursor skips Pad1 and PadN and reports every other option's type; the two high-order bits of the
 * type say what a node that does not recognise the option must do ({@link #action(int)}):
 *
 * <pre>{@code
 * cursor.reset(chain, i);
 * for (int type = cursor.next(); type >= 0; type = cursor.next()) {
 *     if (!known(type) && Ipv6OptionCursor.action(type) != Ipv6OptionCursor.ACTION_SKIP) { ... }
 * }
 * }</pre>
 *
 * <p>Over a header that {@link Ipv6ExtensionChain#walk} accepted every option is well-formed. Over arbitrary
 * bytes the cursor stops at the first option that runs past the end and reports it through
 * {@link #isMalformed()}; it never reads outside the given range.
 */
public final class Ipv6OptionCursor {
    /** Pad1: one octet of padding. */
    public static final int OPTION_PAD1 = 0;
    /** PadN: two or more octets of padding. */
    public static final int OPTION_PADN = 1;
    /** Router Alert (RFC 2711), hop-by-hop. */
    public static final int OPTION_ROUTER_ALERT = 5;
    /** Jumbo Payload (RFC 2675), hop-by-hop; not supported by {@link Ipv6Header}. */
    public static final int OPTION_JUMBO_PAYLOAD = 0xc2;

    /** Action 00: skip the option and continue. */
    public static final int ACTION_SKIP = 0;
    /** Action 01: discard the packet. */
    public static final int ACTION_DISCARD = 1;
    /** Action 10: discard and send an ICMPv6 parameter problem (code 2) pointing at the option type. */
    public static final int ACTION_DISCARD_AND_REPORT = 2;
    /** Action 11: as {@link #ACTION_DISCARD_AND_REPORT}, but only if the destination was not multicast. */
    public static final int ACTION_DISCARD_AND_REPORT_UNLESS_MULTICAST = 3;

    private byte[] buffer;
    private int position;
    private int end;
    private int optionOffset = -1;
    private int optionDataLength;
    private boolean malformed;

    /** Creates a cursor with no options; call a {@code reset} method to use it. */
    public Ipv6OptionCursor() {
    }

    /** What a node that does not recognise {@code optionType} does: one of the {@code ACTION_} constants. */
    public static int action(int optionType) {
        return (optionType >>> 6) & 0x3;
    }

    /** True if the option's data may change en route (the third-highest bit of the type). */
    public static boolean mayChangeEnRoute(int optionType) {
        return (optionType & 0x20) != 0;
    }

    /**
     * Positions the cursor before the first option of extension header {@code index} of a walked chain.
     *
     * @throws IllegalArgumentException if that header is not a hop-by-hop or destination options header
     */
    public void reset(Ipv6ExtensionChain chain, int index) {
        int type = chain.extensionType(index);
        if (type != Ipv6Header.NEXT_HEADER_HOP_BY_HOP && type != Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS) {
            throw new IllegalArgumentException("extension header " + index + " has type " + type + ", not options");
        }
        reset(chain.buffer(), chain.extensionOffset(index) + 2, chain.extensionLength(index) - 2);
    }

    /**
     * Positions the cursor before the first option in the {@code length} bytes at {@code offset} (the bytes
     * after an options header's next-header and length octets).
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer}
     */
    public void reset(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        this.buffer = buffer;
        this.position = offset;
        this.end = offset + length;
        this.optionOffset = -1;
        this.optionDataLength = 0;
        this.malformed = false;
    }

    /** Advances to the next option other than padding and returns its type (0..255), or -1 at the end. */
    public int next() {
        while (position < end) {
            int at = position;
            int size = step(buffer, at, end);
            if (size < 0) {
                malformed = true;
                position = end;
                break;
            }
            position = at + size;
            int type = buffer[at] & 0xff;
            if (type != OPTION_PAD1 && type != OPTION_PADN) {
                optionOffset = at;
                optionDataLength = size - 2;
                return type;
            }
        }
        optionOffset = -1;
        optionDataLength = 0;
        return -1;
    }

    /** Index of the current option's type octet (the pointer of an ICMPv6 parameter problem), or -1. */
    public int optionOffset() {
        return optionOffset;
    }

    /** Type of the current option, or -1. */
    public int optionType() {
        return optionOffset < 0 ? -1 : buffer[optionOffset] & 0xff;
    }

    /** Index of the current option's first data octet. */
    public int optionDataOffset() {
        return optionOffset + 2;
    }

    /** Data octets of the current option (its length field). */
    public int optionDataLength() {
        return optionDataLength;
    }

    /** True once the cursor stopped at an option that runs past the end. */
    public boolean isMalformed() {
        return malformed;
    }

    /**
     * Index of the type octet of the first option in {@code [offset, offset + length)} that runs past the end,
     * or -1 when all options are well-formed.
     */
    static int findMalformed(byte[] b, int offset, int length) {
        int end = offset + length;
        int at = offset;
        while (at < end) {
            int size = step(b, at, end);
            if (size < 0) {
                return at;
            }
            at += size;
        }
        return -1;
    }

    /** Size of the option at {@code at < end}: 1 for Pad1, 2 + its length field otherwise, -1 if past {@code end}. */
    private static int step(byte[] b, int at, int end) {
        if (b[at] == OPTION_PAD1) {
            return 1;
        }
        if (at + 1 >= end) {
            return -1;
        }
        int size = 2 + (b[at + 1] & 0xff);
        return size > end - at ? -1 : size;
    }
}
