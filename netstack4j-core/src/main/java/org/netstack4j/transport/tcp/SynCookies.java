package org.netstack4j.transport.tcp;

/**
 * SYN cookies (RFC 4987 §3.6): when the SYN queue is full, the listener keeps no state and encodes what it
 * must remember in its ISN: a keyed hash of the 4-tuple and the client's ISN, a coarse time counter (so a
 * cookie expires after a bounded time), and an index into a table of common MSS values. When both sides use
 * timestamps, the window scale, SACK-permitted (and ECN) go into the low bits of our TSval, so a connection
 * made from a cookie keeps them. Thread-safe (immutable after construction).
 *
 * <p>The cookie's 32 bits: a 24-bit keyed hash (SipHash-2-4) at the top, a 5-bit time counter, and the
 * 3-bit MSS index at the bottom. The counter ticks every 2^36 ns (about 68.7 s); the hash covers the
 * tuple, the client ISN, the MSS index and the full counter, so a forged or altered cookie passes with
 * probability 2^-24 per try, and one from an earlier wrap of the 5-bit counter fails the hash.
 */
public final class SynCookies {
    /** The MSS values a cookie can carry (the largest not above the peer's is chosen). */
    public static final int[] MSS_TABLE = {536, 1300, 1440, 1460, 8940, 65495};

    /** log2 of the counter's tick in nanoseconds: 2^36 ns = 68.7 s. */
    static final int TICK_SHIFT = 36;
    private static final int COUNTER_BITS = 5;
    private static final int COUNTER_MASK = (1 << COUNTER_BITS) - 1;
    private static final int MSS_BITS = 3;
    private static final int HASH_SHIFT = COUNTER_BITS + MSS_BITS;
    /** Domain separation: the cookie's second hash uses the key xored with this, the tuple hash the key. */
    private static final long SECOND_KEY = 0x5359_4e43_4f4f_4b49L; // "SYNCOOKI"

    private final long k0;
    private final long k1;
    private final int maxAgeTicks;

    /** Cookies keyed by 128 bits from the seed; valid for {@code lifetimeNanos} (at least 64 s is usual). */
    public SynCookies(long seedHigh, long seedLow, long lifetimeNanos) {
        long tick = 1L << TICK_SHIFT;
        long ticks = (lifetimeNanos + tick - 1) / tick; // a cookie lives at least the lifetime
        if (lifetimeNanos <= 0 || ticks > COUNTER_MASK - 1) {
            throw new IllegalArgumentException("lifetime outside (0, " + (COUNTER_MASK - 1) * tick + "] ns: "
                    + lifetimeNanos);
        }
        this.k0 = seedHigh;
        this.k1 = seedLow;
        this.maxAgeTicks = (int) ticks;
    }

    /** The index of the largest table MSS not above {@code mss} (0, 536, for anything smaller). */
    public static int mssIndex(int mss) {
        for (int i = MSS_TABLE.length - 1; i > 0; i--) {
            if (mss >= MSS_TABLE[i]) {
                return i;
            }
        }
        return 0;
    }

    /** The ISN to answer a SYN with, encoding {@code mss} (rounded down to the table). */
    public int encode(long localHigh, long localLow, int localPort, long remoteHigh, long remoteLow, int remotePort,
                      int clientIsn, int mss, long nowNanos) {
        long counter = nowNanos >>> TICK_SHIFT;
        int index = mssIndex(mss);
        int hash = hash24(localHigh, localLow, localPort, remoteHigh, remoteLow, remotePort, clientIsn, index, counter);
        return hash << HASH_SHIFT | (int) (counter & COUNTER_MASK) << MSS_BITS | index;
    }

    /**
     * Checks the cookie an ACK returns ({@code ack - 1}) for the client ISN ({@code seq - 1}).
     *
     * @return the MSS it encodes, or -1 when it is not a valid, unexpired cookie of this tuple
     */
    public int decode(long localHigh, long localLow, int localPort, long remoteHigh, long remoteLow, int remotePort,
                      int clientIsn, int cookie, long nowNanos) {
        int index = cookie & ((1 << MSS_BITS) - 1);
        if (index >= MSS_TABLE.length) {
            return -1;
        }
        long now = nowNanos >>> TICK_SHIFT;
        int age = (int) ((now - (cookie >>> MSS_BITS)) & COUNTER_MASK);
        if (age > maxAgeTicks) {
            return -1;
        }
        int hash = hash24(localHigh, localLow, localPort, remoteHigh, remoteLow, remotePort, clientIsn, index,
                now - age);
        return hash == cookie >>> HASH_SHIFT ? MSS_TABLE[index] : -1;
    }

    private int hash24(long localHigh, long localLow, int localPort, long remoteHigh, long remoteLow, int remotePort,
                       int clientIsn, int mssIndex, long counter) {
        long tuple = IsnGenerator.tupleHash(k0, k1, localHigh, localLow, localPort, remoteHigh, remoteLow,
                remotePort);
        long h = SipHash.hash(k0 ^ SECOND_KEY, k1, 24, tuple, (clientIsn & 0xffffffffL) | (long) mssIndex << 32,
                counter, 0, 0);
        return (int) (h >>> 40); // the top 24 bits
    }

    /**
     * The TSval to send in the SYN-ACK: {@code tsClock} with its low 6 bits replaced by the options
     * (4 bits window scale, 15 meaning none; 1 bit SACK-permitted; 1 bit ECN). Never ahead of
     * {@code tsClock} (64 ticks back when the bits would make it so), so our TSvals stay monotonic.
     */
    public static int encodeTimestamp(int tsClock, int windowScale, boolean sackPermitted, boolean ecn) {
        int scale = windowScale < 0 ? 15 : Math.min(windowScale, 14); // RFC 7323: at most 14
        int options = scale | (sackPermitted ? 1 << 4 : 0) | (ecn ? 1 << 5 : 0);
        int ts = (tsClock & ~63) | options;
        return ts - tsClock > 0 ? ts - 64 : ts;
    }

    /** The window scale in an echoed TSval (-1: none). */
    public static int timestampWindowScale(int tsEcr) {
        int scale = tsEcr & 15;
        return scale == 15 ? -1 : scale;
    }

    /** SACK-permitted in an echoed TSval. */
    public static boolean timestampSackPermitted(int tsEcr) {
        return (tsEcr & (1 << 4)) != 0;
    }

    /** ECN in an echoed TSval. */
    public static boolean timestampEcn(int tsEcr) {
        return (tsEcr & (1 << 5)) != 0;
    }
}
