package org.netstack4j.transport.tcp;

/**
 * The retransmission timer's estimator (RFC 6298): SRTT, RTTVAR and RTO from RTT samples, exponential
 * backoff, bounded by a configurable minimum and maximum. Samples must obey Karn's rule (never from a
 * retransmitted segment unless timestamps disambiguate) — the caller's job. Confined to one shard.
 *
 * <p>Integer nanoseconds throughout: the RFC's gains (alpha 1/8, beta 1/4) are applied as
 * {@code (7 * SRTT + R) / 8} and {@code (3 * RTTVAR + |SRTT - R|) / 4}, exact for the sample sizes a
 * connection sees.
 */
public final class RttEstimator {
    /** K of RFC 6298: RTO = SRTT + max(G, K * RTTVAR). */
    private static final int K = 4;

    private final long initialRto;
    private final long minRto;
    private final long maxRto;
    private final long granularity;
    private long srtt;
    private long rttvar;
    private long minRtt = Long.MAX_VALUE;
    private long baseRto; // bounded RTO without backoff
    private int backoffs;
    private boolean sampled;

    /**
     * @param initialRtoNanos  RTO before any sample (RFC 6298: 1 s)
     * @param minRtoNanos      lower bound (RFC 6298 says 1 s; Linux uses 200 ms)
     * @param maxRtoNanos      upper bound (at least 60 s per RFC 6298)
     * @param granularityNanos clock granularity G
     */
    public RttEstimator(long initialRtoNanos, long minRtoNanos, long maxRtoNanos, long granularityNanos) {
        if (minRtoNanos <= 0 || maxRtoNanos < minRtoNanos || initialRtoNanos <= 0 || granularityNanos < 0) {
            throw new IllegalArgumentException("need 0 < min <= max, initial > 0, G >= 0: min " + minRtoNanos
                    + " max " + maxRtoNanos + " initial " + initialRtoNanos + " G " + granularityNanos);
        }
        this.initialRto = initialRtoNanos;
        this.minRto = minRtoNanos;
        this.maxRto = maxRtoNanos;
        this.granularity = granularityNanos;
        this.baseRto = bound(initialRtoNanos);
    }

    /** RFC 6298 defaults: initial RTO 1 s, minimum 1 s, maximum 60 s, with clock granularity {@code G}. */
    public static RttEstimator rfc6298(long granularityNanos) {
        return new RttEstimator(1_000_000_000L, 1_000_000_000L, 60_000_000_000L, granularityNanos);
    }

    /** Takes an RTT sample (nanoseconds, > 0; others are ignored); resets the backoff. */
    public void sample(long rttNanos) {
        if (rttNanos <= 0) {
            return;
        }
        if (!sampled) { // RFC 6298 2.2
            srtt = rttNanos;
            rttvar = rttNanos / 2;
            sampled = true;
        } else { // RFC 6298 2.3: RTTVAR from the old SRTT, then SRTT
            rttvar = (3 * rttvar + Math.abs(srtt - rttNanos)) / 4;
            srtt = (7 * srtt + rttNanos) / 8;
        }
        minRtt = Math.min(minRtt, rttNanos);
        long variance = rttvar > (Long.MAX_VALUE >> 3) ? Long.MAX_VALUE / 2 : K * rttvar;
        baseRto = bound(srtt + Math.max(granularity, variance)); // 2.4 and 2.5 (the bounds)
        backoffs = 0;
    }

    private long bound(long rto) {
        return Math.min(maxRto, Math.max(minRto, rto));
    }

    /** The current RTO including backoff, within the bounds. */
    public long rto() {
        // baseRto <= maxRto, so shifting by up to 62 and comparing before overflow is safe
        if (backoffs >= 63 || baseRto > (maxRto >> Math.min(backoffs, 62))) {
            return maxRto;
        }
        return Math.min(maxRto, baseRto << backoffs);
    }

    /** Doubles the RTO after a timeout (RFC 6298 5.5), up to the maximum. */
    public void backoff() {
        if (backoffs < Integer.MAX_VALUE) {
            backoffs++;
        }
    }

    /** Whether any sample was taken. */
    public boolean hasSample() {
        return sampled;
    }

    /** Smoothed RTT in nanoseconds (0 before a sample). */
    public long srtt() {
        return srtt;
    }

    /** RTT variation in nanoseconds. */
    public long rttvar() {
        return rttvar;
    }

    /** The smallest sample seen (CUBIC and HyStart use it), or Long.MAX_VALUE. */
    public long minRtt() {
        return minRtt;
    }

    /** Number of backoffs since the last sample. */
    public int backoffs() {
        return backoffs;
    }

    /**
     * Forgets the samples (RFC 6298 5.7: after backing off repeatedly the estimate may be reset), back to the
     * initial RTO; the minimum RTT is kept.
     */
    public void reset() {
        sampled = false;
        srtt = 0;
        rttvar = 0;
        backoffs = 0;
        baseRto = bound(initialRto);
    }
}
