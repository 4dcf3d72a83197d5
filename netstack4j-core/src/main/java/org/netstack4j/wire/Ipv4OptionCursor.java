package org.netstack4j.wire;

import java.util.Objects;

/**
 * Reusable, allocation-free iterator over the options of an IPv4 header (RFC 791 section 3.1).
 *
 * <p>An option is either a single octet (End of Option List, No Operation) or a type octet, a length octet
 * counting the whole option, and {@code length - 2} data octets. The cursor reports every option except the
 * two single-octet ones, and stops at End of Option List (what follows it is padding):
 *
 * <pre>{@code
 * cursor.reset(header);
 * for (int kind = cursor.next(); kind >= 0; kind = cursor.next()) { ... }
 * }</pre>
 *
 * <p>Over a header that {@link Ipv4Header#wrap} accepted every option is well-formed. Over arbitrary bytes
 * ({@link #reset(byte[], int, int)}) the cursor stops at the first malformed option and reports it through
 * {@link #isMalformed()}; it never reads outside the given range.
 */
public final class Ipv4OptionCursor {
    private byte[] buffer;
    private int position;
    private int end;
    private int optionOffset = -1;
    private int optionLength;
    private boolean malformed;

    /** Creates a cursor with no options; call a {@code reset} method to use it. */
    public Ipv4OptionCursor() {
    }

    /** Positions the cursor before the first option of {@code header}, which must be wrapped. */
    public void reset(Ipv4Header header) {
        reset(header.buffer(), header.optionsOffset(), header.optionsLength());
    }

    /**
     * Positions the cursor before the first option of the {@code length} option bytes at {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer}
     */
    public void reset(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        this.buffer = buffer;
        this.position = offset;
        this.end = offset + length;
        this.optionOffset = -1;
        this.optionLength = 0;
        this.malformed = false;
    }

    /**
     * Advances to the next option and returns its type octet (0..255), or -1 when there are no more options
     * (End of Option List, end of the header, or a malformed option).
     */
    public int next() {
        while (position < end) {
            int at = position;
            int len = KindLengthOptions.size(buffer, at, end, false);
            if (len <= 0) {
                malformed = len < 0;
                position = end;
                break;
            }
            position = at + len;
            if (len > 1) {
                optionOffset = at;
                optionLength = len;
                return buffer[at] & 0xff;
            }
        }
        optionOffset = -1;
        optionLength = 0;
        return -1;
    }

    /** Index of the current option's type octet (for an ICMP parameter problem pointer), or -1. */
    public int optionOffset() {
        return optionOffset;
    }

    /** The current option's length field: the whole option including its type and length octets. */
    public int optionLength() {
        return optionLength;
    }

    /** Index of the current option's first data octet. */
    public int optionDataOffset() {
        return optionOffset + 2;
    }

    /** Data octets of the current option ({@code optionLength() - 2}). */
    public int optionDataLength() {
        return optionLength - 2;
    }

    /** True once the cursor stopped at an option whose length is below 2 or runs past the options. */
    public boolean isMalformed() {
        return malformed;
    }

    /**
     * Checks the options in {@code [offset, offset + length)} of {@code b} without a cursor object.
     *
     * @return {@link ParseResult#OK} or {@link ParseResult#IPV4_BAD_OPTION_LENGTH}
     */
    static ParseResult validate(byte[] b, int offset, int length) {
        return KindLengthOptions.isWellFormed(b, offset, length, false) ? ParseResult.OK
                : ParseResult.IPV4_BAD_OPTION_LENGTH;
    }
}
