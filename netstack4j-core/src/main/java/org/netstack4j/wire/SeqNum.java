package org.netstack4j.wire;

/**
 * Arithmetic on 32-bit TCP sequence numbers, which live modulo {@code 2^32} (RFC 9293 section 3.4,
 * RFC 1982 serial number arithmetic). Sequence numbers are plain {@code int}s holding the 32 bits; the
 * helpers compare them by their signed distance, so {@code 0x00000005} is "after" {@code 0xfffffff0}.
 *
 * <p><b>The 2^31 ambiguity.</b> A comparison is meaningful only while the two numbers are less than
 * {@code 2^31} apart. At a distance of exactly {@code 2^31}, RFC 1982 leaves the order undefined; these
 * helpers then answer {@code lt(a, b) == lt(b, a) == true} (the signed distance is
 * {@link Integer#MIN_VALUE} both ways) and {@code gt} is false both ways. TCP keeps every compared pair
 * well inside that bound: windows are at most {@code 2^30} bytes (RFC 7323 section 2.3), and PAWS
 * (RFC 7323 section 5) guards against old duplicates from a previous wrap.
 *
 * <p>All methods are pure and allocation-free.
 */
public final class SeqNum {
    private SeqNum() {
    }

    /** True if {@code a} comes strictly before {@code b} (their distance below {@code 2^31}). */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** True if {@code a} comes before or equals {@code b}. */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    /** True if {@code a} comes strictly after {@code b}. */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /** True if {@code a} comes after or equals {@code b}. */
    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** {@code seq + n} modulo {@code 2^32}; {@code n} may be negative to step back. */
    public static int add(int seq, int n) {
        return seq + n;
    }

    /**
     * The signed distance {@code a - b}: positive when {@code a} is after {@code b}. Exact while the
     * numbers are less than {@code 2^31} apart; for example the number of bytes between an
     * acknowledgment and the oldest unacknowledged byte.
     */
    public static int diff(int a, int b) {
        return a - b;
    }

    /** The later of the two (by {@link #gt}); {@code a} if they are equal. */
    public static int max(int a, int b) {
        return gt(b, a) ? b : a;
    }

    /** The earlier of the two (by {@link #lt}); {@code a} if they are equal. */
    public static int min(int a, int b) {
        return lt(b, a) ? b : a;
    }

    /**
     * True if {@code seq} lies in the window {@code [start, start + size)} modulo {@code 2^32}, i.e.
     * {@code start =< seq < start + size} in RFC 9293's notation. {@code size} is taken as unsigned; a
     * window of size 0 contains nothing (RFC 9293's segment acceptability test treats a zero receive
     * window specially, which is the caller's business). Unlike {@link #lt}, this test is exact for any
     * window up to {@code 2^32 - 1} bytes because it needs no ordering, only the unsigned offset.
     */
    public static boolean inWindow(int seq, int start, int size) {
        return Integer.compareUnsigned(seq - start, size) < 0;
    }

    /** The sequence number as an unsigned value in {@code 0..2^32-1}, for printing and logs. */
    public static long toUnsigned(int seq) {
        return seq & 0xffff_ffffL;
    }
}
