package org.netstack4j.transport.tcp;

/**
 * A congestion controller (RFC 5681 framework): owns cwnd and ssthresh, in bytes. The connection owns the
 * loss-recovery mechanics (fast retransmit, NewReno partial ACKs, SACK-based recovery, RTO) and tells the
 * controller what happened; the controller only decides the window. Confined to the connection's shard.
 */
public interface CongestionControl {

    /** The algorithm's name ("cubic", "newreno"). */
    String name();

    /** The congestion window in bytes. */
    long cwnd();

    /** The slow-start threshold in bytes ({@code Long.MAX_VALUE} until the first congestion event). */
    long ssthresh();

    /** The sender MSS changed (after the handshake or a PMTU change); scales the windows' MSS units. */
    void mssChanged(int mss);

    /**
     * Newly acknowledged data outside loss recovery.
     *
     * @param ackedBytes     bytes SND.UNA advanced by (including SACKed-then-cumulatively-acked bytes)
     * @param rttNanos       an RTT sample taken with this ACK, or -1
     * @param bytesInFlight  data outstanding before this ACK (whether cwnd was the limit matters)
     * @param now            the clock, nanoseconds
     */
    void onAck(long ackedBytes, long rttNanos, long bytesInFlight, long now);

    /**
     * Loss detected by duplicate ACKs or SACK: entering fast recovery. Sets ssthresh and cwnd for the
     * recovery (RFC 5681 §3.2 step 2 / RFC 6675 §5 step 4.2 / RFC 9438 §4.6).
     */
    void onCongestionEvent(long bytesInFlight, long now);

    /** Loss recovery ended (SND.UNA passed the recovery point): cwnd deflates as the algorithm says. */
    void onRecoveryEnd(long now);

    /** A retransmission timeout: ssthresh from the flight size, cwnd to the loss window (1 MSS). */
    void onRetransmissionTimeout(long bytesInFlight, long now);

    /**
     * The last congestion response ({@link #onCongestionEvent} or {@link #onRetransmissionTimeout}) proved
     * spurious: every retransmission of its episode reached the peer twice (D-SACK, RFC 2883 §4; RFC 3708).
     * cwnd and ssthresh return to at least what they were before it, and the algorithm's own state (CUBIC's
     * W_max) to what it was; a second call, or one without a response to undo, changes nothing.
     */
    void undo(long now);

    /** The connection was idle longer than an RTO (RFC 5681 §4.1 restart window); optional. */
    default void onIdleRestart(long now) {
    }

    /** Creates a controller for a connection starting with {@code mss} and initial window {@code initialWindow} bytes. */
    @FunctionalInterface
    interface Factory {
        CongestionControl create(int mss, long initialWindow);
    }
}
