package org.netstack4j.wire;

import java.util.Objects;

/**
 * Reusable view of the IPv6 fragment extension header (RFC 8200 section 4.5), and its writer.
 *
 * <pre>
 *  0               8               16                        29  31
 * +---------------+---------------+-------------------------+---+-+
 * |  next header  |   reserved    |     fragment offset     |res|M|
 * +---------------+---------------+-------------------------+---+-+
 * |                        identification                         |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>{@link Ipv6ExtensionChain} finds this header in a packet and reports the same fields; this view is for
 * code that already knows where the header is (reassembly) and for building fragments.
 */
public final class Ipv6FragmentHeader extends WireView {
    /** Bytes in the header. */
    public static final int LENGTH = 8;
    /** Largest fragment offset in bytes (13 bits of 8-byte units). */
    public static final int MAX_FRAGMENT_OFFSET = 0x1fff << 3;

    /** Creates an unwrapped view; call {@link #wrap} before any accessor. */
    public Ipv6FragmentHeader() {
    }

    /**
     * Points this view at the fragment header at {@code offset}, with {@code length} bytes available.
     *
     * @return {@link ParseResult#OK} or {@link ParseResult#TRUNCATED} below 8 bytes
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (a caller bug, not bad input)
     */
    @Override
    public ParseResult wrap(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        this.buffer = null;
        if (length < LENGTH) {
            return ParseResult.TRUNCATED;
        }
        accept(buffer, offset, length);
        return ParseResult.OK;
    }

    /** Type of the header that starts the fragmentable part of the original packet. */
    public int nextHeader() {
        return Bytes.u8(bytes(), offset);
    }

    /** Offset of this fragment's data in the fragmentable part of the original packet, in bytes. */
    public int fragmentOffset() {
        return Bytes.u16(bytes(), offset + 2) & 0xfff8;
    }

    /** The M flag: more fragments follow. */
    public boolean moreFragments() {
        return (Bytes.u8(bytes(), offset + 3) & 1) != 0;
    }

    /** Identification (a 32-bit value; compare it, don't do arithmetic on it). */
    public int identification() {
        return Bytes.i32(bytes(), offset + 4);
    }

    /**
     * True for a real fragment (non-zero offset or M set). A fragment header with neither is an "atomic
     * fragment" (RFC 6946): the whole packet, to be processed without reassembly.
     */
    public boolean isFragment() {
        return (Bytes.u16(bytes(), offset + 2) & 0xfff9) != 0;
    }

    /** Index of the first byte after the header (the fragment's data). */
    public int payloadOffset() {
        bytes();
        return offset + LENGTH;
    }

    /**
     * Writes a fragment header at {@code offset}.
     *
     * @param fragmentOffset offset of the data in bytes, a multiple of 8 up to {@link #MAX_FRAGMENT_OFFSET}
     * @throws IllegalArgumentException if {@code nextHeader} or {@code fragmentOffset} does not fit
     */
    public static void write(byte[] b, int offset, int nextHeader, int fragmentOffset, boolean moreFragments,
                             int identification) {
        if ((nextHeader & ~0xff) != 0 || (fragmentOffset & ~MAX_FRAGMENT_OFFSET) != 0) {
            throw new IllegalArgumentException("next header " + nextHeader + ", fragment offset " + fragmentOffset);
        }
        Bytes.put8(b, offset, nextHeader);
        Bytes.put8(b, offset + 1, 0);
        Bytes.put16(b, offset + 2, fragmentOffset | (moreFragments ? 1 : 0));
        Bytes.put32(b, offset + 4, identification);
    }

    @Override
    public String toString() {
        if (!isWrapped()) {
            return "Ipv6FragmentHeader[unwrapped]";
        }
        return "Ipv6FragmentHeader[next " + nextHeader() + ", offset " + fragmentOffset()
                + (moreFragments() ? ", M" : "") + ", id 0x" + Integer.toHexString(identification()) + "]";
    }
}
