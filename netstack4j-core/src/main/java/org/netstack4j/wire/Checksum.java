package org.netstack4j.wire;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's-complement of the one's-complement sum of
 * 16-bit words, plus the IPv4/IPv6 pseudo-header sums and incremental update (RFC 1624).
 *
 * <p>Partial sums are {@code int}s folded to 16 bits (0..0xffff) and may be chained through the
 * {@code initial} argument. A range must start at an even offset relative to the start of the
 * checksummed object (only the last range of a chain may have an odd length).
 *
 * <p>(Initial simple implementation; to be replaced by a wide-word one with the same contract.)
 */
public final class Checksum {
    private Checksum() {
    }

    /**
     * One's-complement sum of {@code length} bytes at {@code offset} added to {@code initial},
     * folded to 16 bits. An odd trailing byte is padded with zero on the right.
     */
    public static int partial(byte[] b, int offset, int length, int initial) {
        long sum = initial & 0xffffffffL;
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            sum += Bytes.u16(b, i);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        return fold(sum);
    }

    /** Folds a wide one's-complement accumulator to 16 bits. */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for a finished partial sum: its one's complement. */
    public static int finish(int partial) {
        return ~partial & 0xffff;
    }

    /** The checksum of {@code length} bytes at {@code offset} (the value to store in the field). */
    public static int compute(byte[] b, int offset, int length) {
        return finish(partial(b, offset, length, 0));
    }

    /** Partial sum of the IPv4 pseudo-header (RFC 793/768): addresses, protocol, upper-layer length. */
    public static int pseudoHeaderIpv4(int source, int destination, int protocol, int length) {
        long sum = (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff)
                + protocol + length;
        return fold(sum);
    }

    /**
     * Partial sum of the IPv6 pseudo-header (RFC 8200 section 8.1) with the addresses read from
     * {@code b} at {@code sourceOffset} and {@code destinationOffset} (16 octets each).
     */
    public static int pseudoHeaderIpv6(byte[] b, int sourceOffset, int destinationOffset, int nextHeader, long length) {
        int sum = partial(b, sourceOffset, 16, 0);
        sum = partial(b, destinationOffset, 16, sum);
        return fold((long) sum + (length >>> 16) + (length & 0xffff) + nextHeader);
    }

    /** Partial sum of the IPv6 pseudo-header with addresses given as (high, low) longs. */
    public static int pseudoHeaderIpv6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow,
                                       int nextHeader, long length) {
        long sum = sum64(sourceHigh) + sum64(sourceLow) + sum64(destinationHigh) + sum64(destinationLow)
                + (length >>> 16) + (length & 0xffff) + nextHeader;
        return fold(sum);
    }

    private static long sum64(long v) {
        return (v >>> 48) + ((v >>> 32) & 0xffff) + ((v >>> 16) & 0xffff) + (v & 0xffff);
    }

    /**
     * RFC 1624 eqn. 3: the new checksum field after one 16-bit word of the covered data changes from
     * {@code oldWord} to {@code newWord}, without re-summing: HC' = ~(~HC + ~m + m').
     */
    public static int update16(int checksum, int oldWord, int newWord) {
        long sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** {@link #update16} for a 32-bit field (an IPv4 address, a sequence number). */
    public static int update32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xffff) + (~oldValue >>> 16 & 0xffff) + (~oldValue & 0xffff)
                + (newValue >>> 16) + (newValue & 0xffff);
        return ~fold(sum) & 0xffff;
    }
}
