package org.netstack4j.wire;

import java.util.Objects;

/**
 * A reusable, mutable holder of the TCP options this stack interprets: Maximum Segment Size
 * (RFC 9293 section 3.7.1), Window Scale and Timestamps (RFC 7323), SACK-Permitted and SACK
 * (RFC 2018). Filled from a segment by {@link #parse(TcpHeader)}, or set by hand and emitted by
 * {@link TcpOptionsWriter#write}. Allocate one per connection or loop; nothing here allocates after
 * construction.
 *
 * <p>The holder records what the segment carries; which options count where (MSS and Window Scale
 * only on a SYN, for example) is the TCP layer's decision. When an option appears twice the last
 * one wins.
 */
public final class TcpOptions {
    /** Kind of End of Option List. */
    public static final int KIND_END_OF_OPTION_LIST = 0;
    /** Kind of No-Operation (padding between options). */
    public static final int KIND_NO_OPERATION = 1;
    /** Kind of Maximum Segment Size. */
    public static final int KIND_MAXIMUM_SEGMENT_SIZE = 2;
    /** Kind of Window Scale. */
    public static final int KIND_WINDOW_SCALE = 3;
    /** Kind of SACK-Permitted. */
    public static final int KIND_SACK_PERMITTED = 4;
    /** Kind of SACK. */
    public static final int KIND_SACK = 5;
    /** Kind of Timestamps. */
    public static final int KIND_TIMESTAMPS = 8;

    /** Length of the Maximum Segment Size option. */
    public static final int LENGTH_MAXIMUM_SEGMENT_SIZE = 4;
    /** Length of the Window Scale option. */
    public static final int LENGTH_WINDOW_SCALE = 3;
    /** Length of the SACK-Permitted option. */
    public static final int LENGTH_SACK_PERMITTED = 2;
    /** Length of the Timestamps option. */
    public static final int LENGTH_TIMESTAMPS = 10;
    /** Bytes per SACK block (left and right edge). */
    public static final int SACK_BLOCK_LENGTH = 8;
    /** Most SACK blocks an option can hold within the 40 bytes of option space. */
    public static final int MAX_SACK_BLOCKS = 4;
    /** Largest usable window shift (RFC 7323 section 2.3); larger received values are clamped to it. */
    public static final int MAX_WINDOW_SCALE = 14;

    private final TcpOptionCursor cursor = new TcpOptionCursor();
    private final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[MAX_SACK_BLOCKS];
    private boolean hasMss;
    private int mss;
    private boolean hasWindowScale;
    private int windowScaleRaw;
    private boolean sackPermitted;
    private boolean hasTimestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;

    /** Creates an empty holder. */
    public TcpOptions() {
    }

    /** Empties the holder: no option present. */
    public TcpOptions clear() {
        hasMss = false;
        mss = 0;
        hasWindowScale = false;
        windowScaleRaw = 0;
        sackPermitted = false;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        return this;
    }

    /**
     * Replaces the contents with the options of a successfully wrapped {@code header}.
     *
     * @return {@link ParseResult#OK}, or {@link ParseResult#TCP_BAD_OPTION_LENGTH} (then the holder
     *         is left empty); never fails for a header whose {@code wrap} returned OK
     */
    public ParseResult parse(TcpHeader header) {
        return parse(header.buffer(), header.optionsOffset(), header.optionsLength());
    }

    /**
     * Replaces the contents with the options found in the region of {@code length} bytes at
     * {@code offset} (rules as in {@link TcpOptionCursor}).
     *
     * @throws IndexOutOfBoundsException if the region is not inside {@code b}
     */
    public ParseResult parse(byte[] b, int offset, int length) {
        clear();
        TcpOptionCursor c = cursor;
        c.reset(b, offset, length);
        while (c.next()) {
            int data = c.dataOffset();
            switch (c.kind()) {
                case KIND_MAXIMUM_SEGMENT_SIZE -> {
                    hasMss = true;
                    mss = Bytes.u16(b, data);
                }
                case KIND_WINDOW_SCALE -> {
                    hasWindowScale = true;
                    windowScaleRaw = Bytes.u8(b, data);
                }
                case KIND_SACK_PERMITTED -> sackPermitted = true;
                case KIND_TIMESTAMPS -> {
                    hasTimestamps = true;
                    tsVal = Bytes.i32(b, data);
                    tsEcr = Bytes.i32(b, data + 4);
                }
                case KIND_SACK -> {
                    int n = c.dataLength() / SACK_BLOCK_LENGTH;
                    for (int i = 0; i < n; i++) {
                        sackLeft[i] = Bytes.i32(b, data + i * SACK_BLOCK_LENGTH);
                        sackRight[i] = Bytes.i32(b, data + i * SACK_BLOCK_LENGTH + 4);
                    }
                    sackBlockCount = n;
                }
                default -> {
                    // Unknown or uninterpreted kinds (MD5, TCP-AO, MPTCP, Fast Open...) are skipped.
                }
            }
        }
        ParseResult r = c.result();
        if (!r.isOk()) {
            clear();
        }
        return r;
    }

    /** True if a Maximum Segment Size option is present. */
    public boolean hasMss() {
        return hasMss;
    }

    /** The Maximum Segment Size (0..65535); meaningful only if {@link #hasMss()}. */
    public int mss() {
        return mss;
    }

    /** Sets the Maximum Segment Size to emit. */
    public TcpOptions setMss(int mss) {
        if (mss < 0 || mss > 0xffff) {
            throw new IllegalArgumentException("MSS " + mss + " outside 0..65535");
        }
        this.hasMss = true;
        this.mss = mss;
        return this;
    }

    /** True if a Window Scale option is present. */
    public boolean hasWindowScale() {
        return hasWindowScale;
    }

    /**
     * The shift count to use: the received value clamped to {@value #MAX_WINDOW_SCALE}
     * (RFC 7323 section 2.3); meaningful only if {@link #hasWindowScale()}.
     */
    public int windowScale() {
        return Math.min(windowScaleRaw, MAX_WINDOW_SCALE);
    }

    /** The shift count as received (0..255), for logging a peer that sent more than 14. */
    public int windowScaleRaw() {
        return windowScaleRaw;
    }

    /** Sets the window shift count to emit (0..14). */
    public TcpOptions setWindowScale(int shift) {
        if (shift < 0 || shift > MAX_WINDOW_SCALE) {
            throw new IllegalArgumentException("window scale " + shift + " outside 0.." + MAX_WINDOW_SCALE);
        }
        this.hasWindowScale = true;
        this.windowScaleRaw = shift;
        return this;
    }

    /** True if a SACK-Permitted option is present. */
    public boolean sackPermitted() {
        return sackPermitted;
    }

    /** Sets whether to emit SACK-Permitted. */
    public TcpOptions setSackPermitted(boolean sackPermitted) {
        this.sackPermitted = sackPermitted;
        return this;
    }

    /** True if a Timestamps option is present. */
    public boolean hasTimestamps() {
        return hasTimestamps;
    }

    /** TSval, the sender's timestamp clock (32 bits, compare modulo 2^32); meaningful only if {@link #hasTimestamps()}. */
    public int tsVal() {
        return tsVal;
    }

    /** TSecr, the echoed timestamp (32 bits); meaningful only if {@link #hasTimestamps()}. */
    public int tsEcr() {
        return tsEcr;
    }

    /** Sets the Timestamps option to emit. */
    public TcpOptions setTimestamps(int tsVal, int tsEcr) {
        this.hasTimestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    /** Removes the Timestamps option. */
    public TcpOptions clearTimestamps() {
        this.hasTimestamps = false;
        return this;
    }

    /** Number of SACK blocks present (0 when there is no SACK option). */
    public int sackBlockCount() {
        return sackBlockCount;
    }

    /**
     * Left edge of SACK block {@code i}: the first sequence number of the block.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= i < sackBlockCount()}
     */
    public int sackLeft(int i) {
        return sackLeft[Objects.checkIndex(i, sackBlockCount)];
    }

    /**
     * Right edge of SACK block {@code i}: the sequence number just after the block.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= i < sackBlockCount()}
     */
    public int sackRight(int i) {
        return sackRight[Objects.checkIndex(i, sackBlockCount)];
    }

    /**
     * Appends a SACK block to emit, most important first (RFC 2018 section 4: the block with the
     * most recently received segment goes first).
     *
     * @return false if {@value #MAX_SACK_BLOCKS} blocks are already held (the block is not added)
     */
    public boolean addSackBlock(int left, int right) {
        if (sackBlockCount == MAX_SACK_BLOCKS) {
            return false;
        }
        sackLeft[sackBlockCount] = left;
        sackRight[sackBlockCount] = right;
        sackBlockCount++;
        return true;
    }

    /** Removes all SACK blocks. */
    public TcpOptions clearSackBlocks() {
        sackBlockCount = 0;
        return this;
    }

    /** Copies every field of {@code other} into this holder. */
    public TcpOptions copyFrom(TcpOptions other) {
        hasMss = other.hasMss;
        mss = other.mss;
        hasWindowScale = other.hasWindowScale;
        windowScaleRaw = other.windowScaleRaw;
        sackPermitted = other.sackPermitted;
        hasTimestamps = other.hasTimestamps;
        tsVal = other.tsVal;
        tsEcr = other.tsEcr;
        sackBlockCount = other.sackBlockCount;
        System.arraycopy(other.sackLeft, 0, sackLeft, 0, MAX_SACK_BLOCKS);
        System.arraycopy(other.sackRight, 0, sackRight, 0, MAX_SACK_BLOCKS);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TcpOptions[");
        if (hasMss) {
            s.append("mss ").append(mss).append(", ");
        }
        if (sackPermitted) {
            s.append("sackOK, ");
        }
        if (hasTimestamps) {
            s.append("TS val ").append(SeqNum.toUnsigned(tsVal)).append(" ecr ").append(SeqNum.toUnsigned(tsEcr))
                    .append(", ");
        }
        if (hasWindowScale) {
            s.append("wscale ").append(windowScaleRaw).append(", ");
        }
        if (sackBlockCount > 0) {
            s.append("sack");
            for (int i = 0; i < sackBlockCount; i++) {
                s.append(' ').append(SeqNum.toUnsigned(sackLeft[i])).append(':').append(SeqNum.toUnsigned(sackRight[i]));
            }
            s.append(", ");
        }
        if (s.charAt(s.length() - 1) == ' ') {
            s.setLength(s.length() - 2);
        }
        return s.append(']').toString();
    }
}
