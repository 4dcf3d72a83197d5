package org.netstack4j.network;

/**
 * A token bucket for outgoing ICMP messages, on the injected clock: {@code ratePerSecond} tokens
 * accrue per second up to {@code burst}, and each limited message spends one. Which message types are
 * limited is a 256-bit mask, as in Linux's {@code icmp_ratemask}: by default the error types
 * (destination unreachable, source quench, time exceeded and parameter problem for ICMPv4; every
 * ICMPv6 error except packet too big, which path MTU discovery depends on), never echo replies.
 *
 * <p>Single-threaded (one per shard); allocation-free. Credit is kept in nanoseconds of elapsed time,
 * so the arithmetic is exact integer math without drift.
 */
public final class IcmpRateLimiter {
    private final long nanosPerToken;
    private final long capacityNanos;
    private final long[] rateMask = new long[4];
    private long creditNanos;
    private long lastNanos;
    private long allowed;
    private long suppressed;

    /**
     * A limiter with an empty type mask (see {@link #limitType}), starting with a full bucket.
     *
     * @param ratePerSecond tokens added per second (1 to 1e9)
     * @param burst         bucket size: messages that may go back to back after a quiet period
     * @param startNanos    the clock's current time
     */
    public IcmpRateLimiter(long ratePerSecond, int burst, long startNanos) {
        if (ratePerSecond <= 0 || ratePerSecond > 1_000_000_000L) {
            throw new IllegalArgumentException("rate outside 1..1e9 per second: " + ratePerSecond);
        }
        if (burst <= 0) {
            throw new IllegalArgumentException("burst must be positive: " + burst);
        }
        this.nanosPerToken = 1_000_000_000L / ratePerSecond;
        this.capacityNanos = burst > Long.MAX_VALUE / nanosPerToken ? Long.MAX_VALUE : nanosPerToken * burst;
        this.creditNanos = capacityNanos;
        this.lastNanos = startNanos;
    }

    /** An ICMPv4 limiter limiting types 3, 4, 11 and 12 (Linux's default ratemask 0x1818). */
    public static IcmpRateLimiter forIcmpv4(long ratePerSecond, int burst, long startNanos) {
        IcmpRateLimiter limiter = new IcmpRateLimiter(ratePerSecond, burst, startNanos);
        limiter.limitType(3, true);
        limiter.limitType(4, true);
        limiter.limitType(11, true);
        limiter.limitType(12, true);
        return limiter;
    }

    /** An ICMPv6 limiter limiting every error type (0 to 127) except packet too big (2). */
    public static IcmpRateLimiter forIcmpv6(long ratePerSecond, int burst, long startNanos) {
        IcmpRateLimiter limiter = new IcmpRateLimiter(ratePerSecond, burst, startNanos);
        for (int type = 0; type < 128; type++) {
            limiter.limitType(type, type != 2);
        }
        return limiter;
    }

    /** Adds {@code type} (0 to 255) to the mask of limited types, or removes it. */
    public void limitType(int type, boolean limited) {
        if (type < 0 || type > 255) {
            throw new IllegalArgumentException("ICMP type outside 0..255: " + type);
        }
        if (limited) {
            rateMask[type >>> 6] |= 1L << type;
        } else {
            rateMask[type >>> 6] &= ~(1L << type);
        }
    }

    /** True if messages of {@code type} spend tokens. */
    public boolean isLimited(int type) {
        return (rateMask[(type >>> 6) & 3] & (1L << type)) != 0;
    }

    /**
     * Asks to send one message of {@code type} at {@code nowNanos}: true (and a token spent if the type
     * is limited) when it may go, false when it must be suppressed.
     */
    public boolean tryAcquire(int type, long nowNanos) {
        if (!isLimited(type)) {
            return true;
        }
        refill(nowNanos);
        if (creditNanos >= nanosPerToken) {
            creditNanos -= nanosPerToken;
            allowed++;
            return true;
        }
        suppressed++;
        return false;
    }

    /** Whole tokens available at {@code nowNanos} (after refilling). */
    public long availableTokens(long nowNanos) {
        refill(nowNanos);
        return creditNanos / nanosPerToken;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed <= 0) {
            return; // the clock did not move (or was handed an older time): no credit
        }
        lastNanos = nowNanos;
        creditNanos = elapsed >= capacityNanos - creditNanos ? capacityNanos : creditNanos + elapsed;
    }

    /** Limited messages allowed so far. */
    public long allowed() {
        return allowed;
    }

    /** Limited messages suppressed so far (the drop count of this limiter). */
    public long suppressed() {
        return suppressed;
    }
}
