package org.netstack4j.transport.tcp;

/**
 * NewReno congestion control: RFC 5681 slow start and congestion avoidance with RFC 3465 appropriate byte
 * counting (slow start grows by at most L = 2 SMSS per ACK; congestion avoidance by one SMSS per cwnd of
 * ACKed bytes, about one SMSS per RTT), ssthresh = max(FlightSize / 2, 2 SMSS) on loss, the RFC 6582
 * deflation to ssthresh when recovery ends, the loss window (1 SMSS) after an RTO, and the RFC 5681 §4.1
 * restart window after idle. A spurious response is undone to the cwnd and ssthresh before it.
 *
 * <p>On entering recovery cwnd is set to ssthresh (RFC 6675 §5 step 4.2); a connection doing RFC 5681 fast
 * recovery without SACK adds its own dupACK inflation (3 SMSS, then 1 SMSS per further dupACK) on top.
 * cwnd grows only on ACKs that found at least half of it in flight (RFC 7661's validated window), so an
 * application-limited sender does not build a window it never used. Confined to the connection's shard; allocation-free.
 */
public final class NewRenoCongestionControl implements CongestionControl {
    /** RFC 3465 L: slow start grows by at most this many SMSS per ACK. */
    static final int ABC_LIMIT = 2;

    private int mss;
    private long initialWindow;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long bytesAcked; // RFC 3465 congestion-avoidance counter
    private long priorCwnd; // before the last congestion response, for undo (0: nothing to undo)
    private long priorSsthresh;

    /** A controller for a connection starting with {@code mss} and {@code initialWindow} bytes. */
    public NewRenoCongestionControl(int mss, long initialWindow) {
        CongestionControls.checkArguments(mss, initialWindow);
        this.mss = mss;
        this.initialWindow = initialWindow;
        this.cwnd = initialWindow;
    }

    @Override
    public String name() {
        return "newreno";
    }

    @Override
    public long cwnd() {
        return cwnd;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
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
        bytesAcked = 0;
        mss = newMss;
    }

    @Override
    public void onAck(long ackedBytes, long rttNanos, long bytesInFlight, long now) {
        if (ackedBytes <= 0 || !CongestionControls.cwndLimited(bytesInFlight, cwnd)) {
            return;
        }
        if (cwnd < ssthresh) { // slow start, RFC 3465 §2.2: min(N, L * SMSS), not past ssthresh
            cwnd = Math.min(ssthresh, cwnd + Math.min(ackedBytes, (long) ABC_LIMIT * mss));
            return;
        }
        bytesAcked += ackedBytes; // congestion avoidance, RFC 3465 §2.1
        if (bytesAcked >= cwnd) {
            bytesAcked -= cwnd;
            cwnd += mss;
        }
    }

    @Override
    public void onCongestionEvent(long bytesInFlight, long now) {
        saveForUndo();
        ssthresh = halfFlight(bytesInFlight); // RFC 5681 equation (4)
        cwnd = ssthresh;
        bytesAcked = 0;
    }

    @Override
    public void onRecoveryEnd(long now) {
        if (ssthresh != Long.MAX_VALUE) {
            cwnd = ssthresh; // RFC 6582 §3.2 step 3, option (2)
        }
        bytesAcked = 0;
    }

    @Override
    public void onRetransmissionTimeout(long bytesInFlight, long now) {
        saveForUndo();
        ssthresh = halfFlight(bytesInFlight);
        cwnd = mss; // the loss window
        bytesAcked = 0;
    }

    private void saveForUndo() {
        priorCwnd = cwnd;
        priorSsthresh = ssthresh;
    }

    @Override
    public void undo(long now) {
        if (priorCwnd == 0) {
            return;
        }
        cwnd = Math.max(cwnd, priorCwnd);
        ssthresh = Math.max(ssthresh, priorSsthresh);
        priorCwnd = 0;
        bytesAcked = 0;
    }

    @Override
    public void onIdleRestart(long now) {
        cwnd = Math.min(cwnd, initialWindow); // RW = min(IW, cwnd)
        bytesAcked = 0;
    }

    private long halfFlight(long bytesInFlight) {
        return Math.max(bytesInFlight / 2, 2L * mss);
    }

    @Override
    public String toString() {
        return "newreno[cwnd=" + cwnd + ", ssthresh=" + (ssthresh == Long.MAX_VALUE ? "inf" : ssthresh) + ']';
    }
}
