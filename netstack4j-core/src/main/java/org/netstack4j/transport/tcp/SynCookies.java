package org.netstack4j.transport.tcp;

/**
 * SYN cookies (RFC 4987 §3.6): when the SYN queue is full, the listener keeps no state and encodes what it
 * must remember in its ISN: a keyed hash of the 4-tuple and the client's ISN, a coarse time counter (so a
 * cookie expires after a bounded time), and an index into a table of common MSS values. When both sides use
 * timestamps, the window scale, SACK-permitted (and ECN) go into the low bits of our TSval, so a connection
 * made from a cookie keeps them. Thread-safe (immutable after construction).
 */
public final class SynCookies {
    /** The MSS values a cookie can carry (the largest not above the peer's is chosen). */
    public static final int[] MSS_TABLE = {536, 1300, 1440, 1460, 8940, 65495};

    /** Cookies keyed by 128 bits from the seed; valid for {@code lifetimeNanos} (at least 64 s is usual). */
    public SynCookies(long seedHigh, long seedLow, long lifetimeNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The ISN to answer a SYN with, encoding {@code mss} (rounded down to the table). */
    public int encode(long localHigh, long localLow, int localPort, long remoteHigh, long remoteLow, int remotePort,
                      int clientIsn, int mss, long nowNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Checks the cookie an ACK returns ({@code ack - 1}) for the client ISN ({@code seq - 1}).
     *
     * @return the MSS it encodes, or -1 when it is not a valid, unexpired cookie of this tuple
     */
    public int decode(long localHigh, long localLow, int localPort, long remoteHigh, long remoteLow, int remotePort,
                      int clientIsn, int cookie, long nowNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The TSval to send in the SYN-ACK: {@code tsClock} with its low 6 bits replaced by the options
     * (4 bits window scale, 15 meaning none; 1 bit SACK-permitted; 1 bit ECN).
     */
    public static int encodeTimestamp(int tsClock, int windowScale, boolean sackPermitted, boolean ecn) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The window scale in an echoed TSval (-1: none). */
    public static int timestampWindowScale(int tsEcr) {
        throw new UnsupportedOperationException("not yet");
    }

    /** SACK-permitted in an echoed TSval. */
    public static boolean timestampSackPermitted(int tsEcr) {
        throw new UnsupportedOperationException("not yet");
    }

    /** ECN in an echoed TSval. */
    public static boolean timestampEcn(int tsEcr) {
        throw new UnsupportedOperationException("not yet");
    }
}
