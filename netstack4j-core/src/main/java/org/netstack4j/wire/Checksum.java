package org.netstack4j.wire;

import java.util.Objects;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's-complement of the one's-complement sum of
 * 16-bit words, plus the IPv4/IPv6 pseudo-header sums and incremental update (RFC 1624).
 *
 * <p><b>Partial sums.</b> A partial sum is an {@code int} in {@code 0..0xffff}: the one's-complement
 * sum folded to 16 bits. It is {@code 0} only when every summed word (and the initial value) is zero;
 * a non-zero total that is a multiple of {@code 0xffff} folds to {@code 0xffff}, never to {@code 0}.
 * Partial sums chain through the {@code initial} argument of {@link #partial}, so a checksum can cover
 * a pseudo-header, a header and a payload that live in different places.
 *
 * <p><b>Even-start contract.</b> Words are formed from byte pairs counted from {@code offset}, so every
 * range passed to {@link #partial} must start at an even distance from the start of the checksummed
 * object; only the last range of a chain may have an odd length (its final byte is padded with a zero
 * on the right, as RFC 1071 prescribes). The offset inside the array itself may be odd.
 *
 * <p><b>Speed.</b> {@link #partial} reads eight bytes at a time and adds their two 32-bit halves into
 * a 64-bit accumulator, folding only once at the end. This is exact because {@code 2^16 ≡ 1} modulo
 * {@code 0xffff}: the sum of 32-bit big-endian words is congruent to the sum of their 16-bit halves
 * (RFC 1071 section 2(B)), and the accumulator cannot overflow for any Java array (at most
 * {@code 2^28} steps of less than {@code 2^33} each).
 */
public final class Checksum {
    private static final long LOW_32 = 0xffff_ffffL;

    private Checksum() {
    }

    /**
     * One's-complement sum of {@code length} bytes at {@code offset} added to {@code initial},
     * folded to 16 bits. An odd trailing byte is padded with zero on the right. See the class
     * documentation for the even-start contract.
     *
     * @param initial a previous partial sum (or any value, taken as an unsigned 32-bit number)
     * @throws IndexOutOfBoundsException if the range is not inside {@code b}
     */
    public static int partial(byte[] b, int offset, int length, int initial) {
        Objects.checkFromIndexSize(offset, length, b.length);
        long sum0 = initial & LOW_32;
        long sum1 = 0;
        int i = offset;
        int end = offset + length;
        // Two independent accumulators let the CPU overlap the additions of consecutive words.
        for (; i <= end - 32; i += 32) {
            long w0 = Bytes.i64(b, i);
            long w1 = Bytes.i64(b, i + 8);
            long w2 = Bytes.i64(b, i + 16);
            long w3 = Bytes.i64(b, i + 24);
            sum0 += (w0 >>> 32) + (w0 & LOW_32) + (w1 >>> 32) + (w1 & LOW_32);
            sum1 += (w2 >>> 32) + (w2 & LOW_32) + (w3 >>> 32) + (w3 & LOW_32);
        }
        for (; i <= end - 8; i += 8) {
            long w = Bytes.i64(b, i);
            sum0 += (w >>> 32) + (w & LOW_32);
        }
        if (end - i >= 4) {
            sum1 += Bytes.u32(b, i);
            i += 4;
        }
        if (end - i >= 2) {
            sum0 += Bytes.u16(b, i);
            i += 2;
        }
        if (i < end) {
            sum1 += (b[i] & 0xff) << 8;
        }
        return fold(sum0 + sum1);
    }

    /**
     * Folds a wide one's-complement accumulator (any {@code long}, taken as unsigned) to 16 bits:
     * the result is congruent to it modulo {@code 0xffff}, in {@code 0..0xffff}, and zero only for zero.
     */
    public static int fold(long sum) {
        sum = (sum >>> 32) + (sum & LOW_32);    // < 2^33
        sum = (sum >>> 16) + (sum & 0xffff);    // < 2^17 + 2^16
        sum = (sum >>> 16) + (sum & 0xffff);    // <= 0x10001
        sum = (sum >>> 16) + (sum & 0xffff);    // <= 0xffff
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

    /**
     * True if {@code length} bytes at {@code offset}, which include a stored checksum field, sum to
     * {@code 0xffff} together with {@code initial} (a pseudo-header sum, or 0): the receiver's check.
     */
    public static boolean verify(byte[] b, int offset, int length, int initial) {
        return partial(b, offset, length, initial) == 0xffff;
    }

    /**
     * The checksum to store in the 16-bit field {@code fieldOffset} bytes into the {@code length} bytes at
     * {@code offset}, summed as if that field held zero and added to {@code initial} (a pseudo-header sum,
     * or 0). The field is skipped rather than zeroed, so computing never writes to the packet; it must lie
     * at an even distance from {@code offset} and inside the range.
     *
     * @throws IndexOutOfBoundsException if the range or the field is not inside {@code b}
     */
    public static int computeSkippingField(byte[] b, int offset, int length, int fieldOffset, int initial) {
        int sum = partial(b, offset, fieldOffset, initial);
        return finish(partial(b, offset + fieldOffset + 2, length - fieldOffset - 2, sum));
    }

    /** Partial sum of the IPv4 pseudo-header (RFC 793/768): addresses, protocol, upper-layer length. */
    public static int pseudoHeaderIpv4(int source, int destination, int protocol, int length) {
        long sum = (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff)
                + (protocol & LOW_32) + (length & LOW_32);
        return fold(sum);
    }

    /**
     * Partial sum of the IPv6 pseudo-header (RFC 8200 section 8.1) with the addresses read from
     * {@code b} at {@code sourceOffset} and {@code destinationOffset} (16 octets each).
     */
    public static int pseudoHeaderIpv6(byte[] b, int sourceOffset, int destinationOffset, int nextHeader, long length) {
        return pseudoHeaderIpv6(Bytes.i64(b, sourceOffset), Bytes.i64(b, sourceOffset + 8),
                Bytes.i64(b, destinationOffset), Bytes.i64(b, destinationOffset + 8), nextHeader, length);
    }

    /** Partial sum of the IPv6 pseudo-header with addresses given as (high, low) longs. */
    public static int pseudoHeaderIpv6(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow,
                                       int nextHeader, long length) {
        long sum = sum64(sourceHigh) + sum64(sourceLow) + sum64(destinationHigh) + sum64(destinationLow)
                + (length >>> 32) + (length & LOW_32) + (nextHeader & LOW_32);
        return fold(sum);
    }

    private static long sum64(long v) {
        return (v >>> 32) + (v & LOW_32);
    }

    /**
     * RFC 1624 eqn. 3: the new checksum field after one 16-bit word of the covered data changes from
     * {@code oldWord} to {@code newWord}, without re-summing: HC' = ~(~HC + ~m + m').
     *
     * <p>The result equals a full recomputation in every case but one: when the covered data becomes
     * all zero words, recomputation gives {@code 0xffff} and this gives {@code 0x0000} (the two zeros of
     * one's-complement arithmetic cannot be told apart from the checksum alone). No IP, TCP or UDP
     * checksum hits that case, because their covered data always holds a non-zero version or protocol
     * number. This formula never produces the {@code 0xffff} that RFC 1624's eqn. 2 can leave behind.
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
