package org.netstack4j.transport.tcp;

/** Interim default until the CUBIC controller lands: RFC 5681 slow start and congestion avoidance. */
final class DefaultCongestionControl implements CongestionControl {
    static final CongestionControl.Factory FACTORY = DefaultCongestionControl::new;
    private int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long acc;

    DefaultCongestionControl(int mss, long initialWindow) {
        this.mss = mss;
        this.cwnd = initialWindow;
    }

    @Override
    public String name() {
        return "reno";
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
        mss = newMss;
    }

    @Override
    public void onAck(long ackedBytes, long rttNanos, long bytesInFlight, long now) {
        if (cwnd < ssthresh) {
            cwnd += Math.min(ackedBytes, mss);
        } else {
            acc += ackedBytes;
            if (acc >= cwnd) {
                acc -= cwnd;
                cwnd += mss;
            }
        }
    }

    @Override
    public void onCongestionEvent(long bytesInFlight, long now) {
        ssthresh = Math.max(bytesInFlight / 2, 2L * mss);
        cwnd = ssthresh;
    }

    @Override
    public void onRecoveryEnd(long now) {
        cwnd = ssthresh;
    }

    @Override
    public void onRetransmissionTimeout(long bytesInFlight, long now) {
        ssthresh = Math.max(bytesInFlight / 2, 2L * mss);
        cwnd = mss;
    }
}
