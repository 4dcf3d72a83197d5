package org.netstack4j.wire;

/**
 * Emits TCP options into a caller's array without allocating, in the layout Linux uses, so that
 * every multi-byte option field starts on a 4-byte boundary and the total is padded with NOPs to a
 * multiple of 4:
 *
 * <pre>
 * SYN, all options:  MSS | SACK-Permitted, Timestamps | NOP, Window Scale          (20 bytes)
 * SYN without TS:    MSS | NOP, Window Scale | NOP, NOP, SACK-Permitted             (12 bytes)
 * established:       NOP, NOP, Timestamps                                           (12 bytes)
 * with SACK blocks:  [NOP, NOP, Timestamps] | NOP, NOP, SACK (n blocks)   (12 + 4 + 8n bytes)
 * </pre>
 */
public final class TcpOptionsWriter {
    /** Length of the NOP, NOP, Timestamps layout of an established connection. */
    public static final int TIMESTAMPS_LAYOUT_LENGTH = 12;

    private static final int NOP = TcpOptions.KIND_NO_OPERATION;

    private TcpOptionsWriter() {
    }

    /**
     * Writes the options held in {@code options} at {@code offset}, in the order MSS, Timestamps
     * (preceded by SACK-Permitted when both are set, else by two NOPs), Window Scale (after a NOP),
     * SACK-Permitted without Timestamps (after two NOPs), SACK blocks (after two NOPs). SACK blocks
     * that do not fit in the {@value TcpHeader#MAX_OPTIONS_LENGTH} bytes of option space are left out,
     * last ones first (RFC 2018 section 3: as many as fit). The Window Scale is emitted as
     * {@link TcpOptions#windowScaleRaw()}. The caller puts only the options that belong in the
     * segment into the holder.
     *
     * @return the number of bytes written: a multiple of 4, at most {@value TcpHeader#MAX_OPTIONS_LENGTH}
     */
    public static int write(byte[] b, int offset, TcpOptions options) {
        int p = offset;
        if (options.hasMss()) {
            Bytes.put8(b, p, TcpOptions.KIND_MAXIMUM_SEGMENT_SIZE);
            Bytes.put8(b, p + 1, TcpOptions.LENGTH_MAXIMUM_SEGMENT_SIZE);
            Bytes.put16(b, p + 2, options.mss());
            p += 4;
        }
        if (options.hasTimestamps()) {
            if (options.sackPermitted()) {
                Bytes.put8(b, p, TcpOptions.KIND_SACK_PERMITTED);
                Bytes.put8(b, p + 1, TcpOptions.LENGTH_SACK_PERMITTED);
                Bytes.put8(b, p + 2, TcpOptions.KIND_TIMESTAMPS);
                Bytes.put8(b, p + 3, TcpOptions.LENGTH_TIMESTAMPS);
                Bytes.put32(b, p + 4, options.tsVal());
                Bytes.put32(b, p + 8, options.tsEcr());
                p += TIMESTAMPS_LAYOUT_LENGTH;
            } else {
                p += writeTimestamps(b, p, options.tsVal(), options.tsEcr());
            }
        }
        if (options.hasWindowScale()) {
            Bytes.put8(b, p, NOP);
            Bytes.put8(b, p + 1, TcpOptions.KIND_WINDOW_SCALE);
            Bytes.put8(b, p + 2, TcpOptions.LENGTH_WINDOW_SCALE);
            Bytes.put8(b, p + 3, options.windowScaleRaw());
            p += 4;
        }
        if (options.sackPermitted() && !options.hasTimestamps()) {
            Bytes.put8(b, p, NOP);
            Bytes.put8(b, p + 1, NOP);
            Bytes.put8(b, p + 2, TcpOptions.KIND_SACK_PERMITTED);
            Bytes.put8(b, p + 3, TcpOptions.LENGTH_SACK_PERMITTED);
            p += 4;
        }
        int room = TcpHeader.MAX_OPTIONS_LENGTH - (p - offset) - 4;
        int blocks = Math.min(options.sackBlockCount(), room / TcpOptions.SACK_BLOCK_LENGTH);
        if (blocks > 0) {
            Bytes.put8(b, p, NOP);
            Bytes.put8(b, p + 1, NOP);
            Bytes.put8(b, p + 2, TcpOptions.KIND_SACK);
            Bytes.put8(b, p + 3, 2 + blocks * TcpOptions.SACK_BLOCK_LENGTH);
            p += 4;
            for (int i = 0; i < blocks; i++) {
                Bytes.put32(b, p, options.sackLeft(i));
                Bytes.put32(b, p + 4, options.sackRight(i));
                p += TcpOptions.SACK_BLOCK_LENGTH;
            }
        }
        return p - offset;
    }

    /**
     * Writes NOP, NOP, Timestamps at {@code offset}: the options of almost every segment of a
     * connection that negotiated timestamps.
     *
     * @return {@value #TIMESTAMPS_LAYOUT_LENGTH}
     */
    public static int writeTimestamps(byte[] b, int offset, int tsVal, int tsEcr) {
        Bytes.put8(b, offset, NOP);
        Bytes.put8(b, offset + 1, NOP);
        Bytes.put8(b, offset + 2, TcpOptions.KIND_TIMESTAMPS);
        Bytes.put8(b, offset + 3, TcpOptions.LENGTH_TIMESTAMPS);
        Bytes.put32(b, offset + 4, tsVal);
        Bytes.put32(b, offset + 8, tsEcr);
        return TIMESTAMPS_LAYOUT_LENGTH;
    }

    /** The number of bytes {@link #write} would emit for {@code options}, without writing. */
    public static int length(TcpOptions options) {
        int n = 0;
        if (options.hasMss()) {
            n += 4;
        }
        if (options.hasTimestamps()) {
            n += TIMESTAMPS_LAYOUT_LENGTH;
        }
        if (options.hasWindowScale()) {
            n += 4;
        }
        if (options.sackPermitted() && !options.hasTimestamps()) {
            n += 4;
        }
        int room = TcpHeader.MAX_OPTIONS_LENGTH - n - 4;
        int blocks = Math.min(options.sackBlockCount(), room / TcpOptions.SACK_BLOCK_LENGTH);
        if (blocks > 0) {
            n += 4 + blocks * TcpOptions.SACK_BLOCK_LENGTH;
        }
        return n;
    }
}
