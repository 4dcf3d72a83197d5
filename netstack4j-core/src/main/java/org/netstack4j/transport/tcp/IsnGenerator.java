package org.netstack4j.transport.tcp;

/**
 * Initial sequence numbers per RFC 6528: ISN = M + F(local address, local port, remote address, remote port,
 * secret key), where M is a 4-microsecond clock and F a keyed pseudo-random function (SipHash-2-4 here), so
 * ISNs of one 4-tuple increase with time while other tuples' ISNs cannot be predicted. Thread-safe.
 */
public final class IsnGenerator {

    /** A generator keyed by 128 bits derived from {@code seed} (use a random seed outside tests). */
    public IsnGenerator(long seedHigh, long seedLow) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The ISN for a connection; addresses as (high, low), IPv4 in the low 32 bits with high 0. */
    public int isn(long localHigh, long localLow, int localPort, long remoteHigh, long remoteLow, int remotePort,
                   long nowNanos) {
        throw new UnsupportedOperationException("not yet");
    }
}
