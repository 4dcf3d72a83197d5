package org.netstack4j.transport.tcp;

/**
 * CUBIC congestion control (RFC 9438). After a congestion event the window follows
 * {@code W_cubic(t) = C * (t - K)^3 + W_max} (C = 0.4, windows in segments, t in seconds since the
 * congestion-avoidance epoch began, {@code K = cbrt((W_max - cwnd_epoch) / C)}): concave up to the window
 * where loss last happened, flat near it, convex beyond. Each ACK moves cwnd towards
 * {@code target = W_cubic(t + RTT)} clamped to {@code [cwnd, 1.5 cwnd]} by {@code (target - cwnd) / cwnd}
 * per SMSS ACKed (§4.2); the Reno-friendly estimate {@code W_est} (§4.3, alpha = 3(1 - beta) / (1 + beta),
 * 1 once past the previous cwnd) takes over when it is larger, which it is at small RTTs and windows.
 * Loss multiplies by beta = 0.7 with fast convergence (§4.6, §4.7); an RTO drops to one SMSS and the next
 * epoch starts with K = 0 (§4.8); a response proved spurious is undone (§4.9: cwnd, ssthresh and W_max
 * restored). Below ssthresh it slow-starts like {@link NewRenoCongestionControl}, and
 * like it grows only when at least half of cwnd was in flight.
 *
 * <p>Windows are {@code long} bytes and time {@code long} nanoseconds; only K needs floating point (a cube
 * root, once per epoch). The cubic term is computed in milliseconds and 1/1024 segments, well within a byte
 * of the real-valued formula. Confined to the connection's shard; allocation-free.
 */
public final class CubicCongestionControl implements CongestionControl {
    /** beta_cubic = 7/10. */
    private static final int BETA_NUM = 7;
    private static final int BETA_DEN = 10;
    /** alpha_cubic = 3 (1 - beta) / (1 + beta) = 9/17; the alpha of 1 is 17/17. */
    private static final int ALPHA_NUM = 9;
    private static final int ALPHA_DEN = 17;
    /** C = 0.4 segments per second cubed. */
    private static final double C = 0.4;
    /** |t - K| beyond this (20 minutes) is clamped so that the cube fits a long. */
    private static final long MAX_OFFSET_MILLIS = 1_200_000;

    private int mss;
    private long initialWindow;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long wMax; // W_max in bytes (0: no congestion event yet)
    private long cwndPrior; // cwnd when ssthresh was last set
    private boolean epochStarted;
    private long epochStart;
    private long kNanos;
    private long cwndEpoch;
    private long wEst;
    private long wEstRemainder; // W_est's fraction, in 1/(17 cwnd) bytes
    private long cwndRemainder; // cwnd's fraction, in 1/cwnd bytes
    private boolean afterTimeout;
    private long srtt; // smoothed from the samples given, for W_cubic(t + RTT)
    // Before the last congestion response, for undo (priorCwnd 0: nothing to undo).
    private long priorCwnd;
    private long priorSsthresh;
    private long priorWMax;
    private long priorCwndPrior;

    /** A controller for a connection starting with {@code mss} and {@code initialWindow} bytes. */
    public CubicCongestionControl(int mss, long initialWindow) {
        CongestionControls.checkArguments(mss, initialWindow);
        this.mss = mss;
        this.initialWindow = initialWindow;
        this.cwnd = initialWindow;
    }

    @Override
    public String name() {
        return "cubic";
    }

    @Override
    public long cwnd() {
        return cwnd;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    /** W_max in bytes (0 before the first congestion event). */
    public long wMax() {
        return wMax;
    }

    /** K of the current epoch in nanoseconds (0 when no epoch started yet). */
    public long kNanos() {
        return epochStarted ? kNanos : 0;
    }

    /** The Reno-friendly estimate W_est in bytes (valid in an epoch). */
    public long renoEstimate() {
        return wEst;
    }

    /** W_cubic(t) of the current epoch in bytes, {@code t} nanoseconds after the epoch began. */
    public long cubicWindow(long tNanos) {
        long offsetMillis = Math.floorDiv(tNanos - kNanos + 500_000, 1_000_000);
        offsetMillis = Math.max(-MAX_OFFSET_MILLIS, Math.min(MAX_OFFSET_MILLIS, offsetMillis));
        long cube = offsetMillis * offsetMillis * offsetMillis; // ms^3, at most 1.73e18
        // C (t - K)^3 segments in 1/1024 segment: 0.4 * 1024 * cube / 1e9 = (cube / 1000) * 4096 / 1e7
        long segmentsQ10 = cube / 1000 * 4096 / 10_000_000;
        return Math.max(0, wMax + segmentsQ10 * mss / 1024);
    }

    @Override
    public void mssChanged(int newMss) {
        if (newMss <= 0 || newMss == mss) {
            return;
        }
        cwnd = CongestionControls.rescale(cwnd, mss, newMss);
        initialWindow = CongestionControls.rescale(initialWindow, mss, newMss);
        if (ssthresh != Long.MAX_VALUE) {
            ssthresh = Math.max(2L * newMss, CongestionControls.rescale(ssthresh, mss, newMss));
        }
        wMax = wMax == 0 ? 0 : CongestionControls.rescale(wMax, mss, newMss);
        cwndPrior = cwndPrior == 0 ? 0 : CongestionControls.rescale(cwndPrior, mss, newMss);
        mss = newMss;
        epochStarted = false; // K and W_est restart in the new units
    }

    @Override
    public void onAck(long ackedBytes, long rttNanos, long bytesInFlight, long now) {
        if (rttNanos > 0) {
            srtt = srtt == 0 ? rttNanos : (7 * srtt + rttNanos) / 8;
        }
        if (ackedBytes <= 0 || !CongestionControls.cwndLimited(bytesInFlight, cwnd)) {
            return;
        }
        if (cwnd < ssthresh) { // slow start with RFC 3465 byte counting
            cwnd = Math.min(ssthresh, cwnd + Math.min(ackedBytes, (long) NewRenoCongestionControl.ABC_LIMIT * mss));
            return;
        }
        if (!epochStarted) {
            startEpoch(now);
        }
        long t = now - epochStart;

        // §4.3: W_est += alpha * segments_acked / cwnd (segments), here in bytes with the remainder kept
        long alphaNum = wEst >= cwndPrior ? ALPHA_DEN : ALPHA_NUM;
        long denominator = ALPHA_DEN * cwnd;
        long numerator = alphaNum * ackedBytes * mss + wEstRemainder;
        wEst += numerator / denominator;
        wEstRemainder = numerator % denominator;

        if (cubicWindow(t) < wEst) { // Reno-friendly region
            cwnd = Math.max(cwnd, wEst);
            cwndRemainder = 0;
            return;
        }
        // §4.2: concave or convex region
        long target = Math.max(cwnd, Math.min(cwnd + cwnd / 2, cubicWindow(t + srtt)));
        long increase = (target - cwnd) * ackedBytes + cwndRemainder;
        long oldCwnd = cwnd;
        cwnd += increase / oldCwnd;
        cwndRemainder = increase % oldCwnd;
    }

    private void startEpoch(long now) {
        epochStarted = true;
        epochStart = now;
        cwndEpoch = cwnd;
        if (afterTimeout || wMax <= cwnd) {
            // §4.8 after a timeout (and whenever cwnd already reached W_max): K = 0, W_max = cwnd_epoch
            wMax = cwnd;
            kNanos = 0;
            afterTimeout = false;
        } else {
            double segments = (double) (wMax - cwndEpoch) / mss;
            kNanos = (long) (Math.cbrt(segments / C) * 1e9);
        }
        wEst = cwndEpoch;
        wEstRemainder = 0;
        cwndRemainder = 0;
    }

    @Override
    public void onCongestionEvent(long bytesInFlight, long now) {
        saveForUndo();
        // §4.7 fast convergence: releasing bandwidth when the loss came below the previous W_max
        wMax = cwnd < wMax ? cwnd * (BETA_DEN + BETA_NUM) / (2 * BETA_DEN) : cwnd;
        cwndPrior = cwnd;
        ssthresh = reduced(bytesInFlight); // §4.6
        cwnd = ssthresh;
        epochStarted = false;
        afterTimeout = false;
    }

    @Override
    public void onRecoveryEnd(long now) {
        if (ssthresh != Long.MAX_VALUE) {
            cwnd = ssthresh;
        }
    }

    @Override
    public void onRetransmissionTimeout(long bytesInFlight, long now) {
        saveForUndo();
        cwndPrior = cwnd;
        ssthresh = reduced(bytesInFlight);
        cwnd = mss;
        epochStarted = false;
        afterTimeout = true;
    }

    private void saveForUndo() {
        priorCwnd = cwnd;
        priorSsthresh = ssthresh;
        priorWMax = wMax;
        priorCwndPrior = cwndPrior;
    }

    /**
     * Restores cwnd and ssthresh (at least their values before the response), W_max and the cwnd before the
     * previous loss; the next ACK in congestion avoidance starts a fresh epoch from the restored window
     * (towards the old W_max when below it, else with K = 0).
     */
    @Override
    public void undo(long now) {
        if (priorCwnd == 0) {
            return;
        }
        cwnd = Math.max(cwnd, priorCwnd);
        ssthresh = Math.max(ssthresh, priorSsthresh);
        wMax = priorWMax;
        cwndPrior = priorCwndPrior;
        priorCwnd = 0;
        epochStarted = false;
        afterTimeout = false;
    }

    @Override
    public void onIdleRestart(long now) {
        cwnd = Math.min(cwnd, initialWindow); // RFC 5681 §4.1
        epochStarted = false; // idle time is no part of t (RFC 9438 §5.8)
    }

    private long reduced(long bytesInFlight) {
        return Math.max(bytesInFlight * BETA_NUM / BETA_DEN, 2L * mss);
    }

    @Override
    public String toString() {
        return "cubic[cwnd=" + cwnd + ", ssthresh=" + (ssthresh == Long.MAX_VALUE ? "inf" : ssthresh)
                + ", wMax=" + wMax + ']';
    }
}
