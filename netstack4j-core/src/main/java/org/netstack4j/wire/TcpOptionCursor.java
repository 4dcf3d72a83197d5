package org.netstack4j.wire;

import java.util.Objects;

/**
 * An allocation-free walk over the options of a TCP header (RFC 9293 section 3.1), reusable across
 * segments:
 *
 * <pre>{@code
 * cursor.reset(header);
 * while (cursor.next()) {
 *     switch (cursor.kind()) { ... read Bytes at cursor.dataOffset() ... }
 * }
 * if (!cursor.result().isOk()) { ... count the drop ... }
 * }</pre>
 *
 * <p>Rules, shared with {@link TcpHeader#wrap}: End of Option List ends the walk; No-Operation
 * bytes are skipped and never reported; every other option must carry a length byte of at least 2
 * that stays inside the options region; the kinds this stack interprets must have their exact
 * lengths (MSS 4, Window Scale 3, SACK-Permitted 2, Timestamps 10, SACK 2 + 8n with n = 1..4).
 * Unknown kinds are reported and skipped by their length. A violation stops the walk with
 * {@link ParseResult#TCP_BAD_OPTION_LENGTH}.
 *
 * <p>The accessors describe the current option and are meaningful only after {@link #next()}
 * returned true. The walk never reads outside the region given to {@code reset}.
 */
public final class TcpOptionCursor {
    private byte[] buffer;
    private int position;
    private int end;
    private int kind;
    private int optionOffset;
    private int optionLength;
    private ParseResult result = ParseResult.OK;

    /** Creates a cursor; call a {@code reset} method before {@link #next()}. */
    public TcpOptionCursor() {
    }

    /** Starts a walk over the options of a successfully wrapped {@code header}. */
    public void reset(TcpHeader header) {
        reset(header.buffer(), header.optionsOffset(), header.optionsLength());
    }

    /**
     * Starts a walk over an options region of {@code length} bytes at {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the region is not inside {@code buffer}
     */
    public void reset(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        this.buffer = buffer;
        this.position = offset;
        this.end = offset + length;
        this.kind = -1;
        this.optionOffset = -1;
        this.optionLength = 0;
        this.result = ParseResult.OK;
    }

    /**
     * Advances to the next option other than NOP.
     *
     * @return true if positioned on an option; false at the end of the list or on a malformed option
     *         (then {@link #result()} says which)
     * @throws IllegalStateException if the cursor was never reset
     */
    public boolean next() {
        byte[] b = buffer;
        if (b == null) {
            throw new IllegalStateException("TcpOptionCursor used without reset");
        }
        while (position < end) {
            int at = position;
            int len = KindLengthOptions.size(b, at, end, true);
            if (len <= 0) {
                if (len < 0) {
                    result = ParseResult.TCP_BAD_OPTION_LENGTH;
                }
                position = end;
                return false;
            }
            position = at + len;
            if (len > 1) {
                kind = b[at] & 0xff;
                optionOffset = at;
                optionLength = len;
                return true;
            }
        }
        return false;
    }

    /** {@link ParseResult#OK}, or {@link ParseResult#TCP_BAD_OPTION_LENGTH} once a malformed option stopped the walk. */
    public ParseResult result() {
        return result;
    }

    /** The array being walked. */
    public byte[] buffer() {
        return buffer;
    }

    /** Kind of the current option. */
    public int kind() {
        return kind;
    }

    /** Index of the current option's kind byte (for in-place rewriting, e.g. MSS clamping). */
    public int optionOffset() {
        return optionOffset;
    }

    /** Total length of the current option, kind and length bytes included. */
    public int length() {
        return optionLength;
    }

    /** Index of the current option's first data byte (after kind and length). */
    public int dataOffset() {
        return optionOffset + 2;
    }

    /** Number of data bytes of the current option. */
    public int dataLength() {
        return optionLength - 2;
    }

    /**
     * Validates an options region without a cursor object: the same rules as {@link #next()}.
     *
     * @return {@link ParseResult#OK} or {@link ParseResult#TCP_BAD_OPTION_LENGTH}
     */
    static ParseResult validate(byte[] b, int offset, int length) {
        return KindLengthOptions.isWellFormed(b, offset, length, true) ? ParseResult.OK
                : ParseResult.TCP_BAD_OPTION_LENGTH;
    }

    /** True if {@code length} (at least 2) is allowed for {@code kind}; any length is for unknown kinds. */
    static boolean lengthFitsKind(int kind, int length) {
        return switch (kind) {
            case TcpOptions.KIND_MAXIMUM_SEGMENT_SIZE -> length == TcpOptions.LENGTH_MAXIMUM_SEGMENT_SIZE;
            case TcpOptions.KIND_WINDOW_SCALE -> length == TcpOptions.LENGTH_WINDOW_SCALE;
            case TcpOptions.KIND_SACK_PERMITTED -> length == TcpOptions.LENGTH_SACK_PERMITTED;
            case TcpOptions.KIND_TIMESTAMPS -> length == TcpOptions.LENGTH_TIMESTAMPS;
            case TcpOptions.KIND_SACK -> length >= 2 + TcpOptions.SACK_BLOCK_LENGTH
                    && length <= 2 + TcpOptions.MAX_SACK_BLOCKS * TcpOptions.SACK_BLOCK_LENGTH
                    && (length - 2) % TcpOptions.SACK_BLOCK_LENGTH == 0;
            default -> true;
        };
    }
}
