package org.netstack4j.transport.tcp;

/**
 * The retransmission timer's estimator (RFC 6298): SRTT, RTTVAR and RTO from RTT samples, exponential
 * backoff, bounded by a configurable minimum and maximum. Samples must obey Karn's rule (never from a
 * retransmitted segment unless timestamps disambiguate) — the caller's job. Confined to one shard.
 */
public final class RttEstimator {

    /**
     * @param initialRtoNanos  RTO before any sample (RFC 6298: 1 s)
     * @param minRtoNanos      lower bound (RFC 6298 says 1 s; Linux uses 200 ms)
     * @param maxRtoNanos      upper bound (at least 60 s per RFC 6298)
     * @param granularityNanos clock granularity G
     */
    public RttEstimator(long initialRtoNanos, long minRtoNanos, long maxRtoNanos, long granularityNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Takes an RTT sample (nanoseconds, > 0); resets the backoff. */
    public void sample(long rttNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The current RTO including backoff, within the bounds. */
    public long rto() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Doubles the RTO after a timeout (RFC 6298 5.5), up to the maximum. */
    public void backoff() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Whether any sample was taken. */
    public boolean hasSample() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Smoothed RTT in nanoseconds (0 before a sample). */
    public long srtt() {
        throw new UnsupportedOperationException("not yet");
    }

    /** RTT variation in nanoseconds. */
    public long rttvar() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The smallest sample seen (CUBIC and HyStart use it), or Long.MAX_VALUE. */
    public long minRtt() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Number of backoffs since the last sample. */
    public int backoffs() {
        throw new UnsupportedOperationException("not yet");
    }
}
