package org.netstack4j.transport.tcp;

/**
 * Initial sequence numbers per RFC 6528: ISN = M + F(local address, local port, remote address, remote port,
 * secret key), where M is a 4-microsecond clock and F a keyed pseudo-random function (SipHash-2-4 here), so
 * ISNs of one 4-tuple increase with time while other tuples' ISNs cannot be predicted. Thread-safe.
 */
public final class IsnGenerator {
    /** M ticks every 4 microseconds (RFC 793's ISN clock), wrapping after about 4.77 hours. */
    private static final long TICK_NANOS = 4_000;

    private final long k0;
    private final long k1;

    /** A generator keyed by 128 bits derived from {@code seed} (use a random seed outside tests). */
    public IsnGenerator(long seedHigh, long seedLow) {
        this.k0 = seedHigh;
        this.k1 = seedLow;
    }

    /** The ISN for a connection; addresses as (high, low), IPv4 in the low 32 bits with high 0. */
    public int isn(long localHigh, long localLow, int localPort, long remoteHigh, long remoteLow, int remotePort,
                   long nowNanos) {
        long clock = Math.floorDiv(nowNanos, TICK_NANOS);
        return (int) clock + (int) tupleHash(k0, k1, localHigh, localLow, localPort, remoteHigh, remoteLow,
                remotePort);
    }

    /** SipHash-2-4 of a connection 4-tuple: both addresses (16 bytes each) and both ports, 36 bytes. */
    static long tupleHash(long k0, long k1, long localHigh, long localLow, int localPort, long remoteHigh,
                          long remoteLow, int remotePort) {
        long ports = (localPort & 0xffffL) | (remotePort & 0xffffL) << 16;
        return SipHash.hash(k0, k1, 36, localHigh, localLow, remoteHigh, remoteLow, ports);
    }
}
