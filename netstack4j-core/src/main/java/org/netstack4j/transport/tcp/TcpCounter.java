package org.netstack4j.transport.tcp;

/** What {@link TcpCounters} counts. */
public enum TcpCounter {
    /** Segments received and parsed. */
    SEGMENTS_IN,
    /** Segments sent (a super-segment counts once). */
    SEGMENTS_OUT,
    /** Data segments retransmitted (RTO, fast retransmit, recovery). */
    RETRANSMITS,
    /** Retransmission timeouts. */
    TIMEOUTS,
    /** Fast retransmits (entering loss recovery). */
    FAST_RETRANSMITS,
    /** RSTs sent. */
    RESETS_OUT,
    /** RSTs received that reset a connection. */
    RESETS_IN,
    /** Challenge ACKs sent (RFC 5961). */
    CHALLENGE_ACKS,
    /** Connections opened actively (SYN sent). */
    ACTIVE_OPENS,
    /** Connections opened passively (SYN received on a listener). */
    PASSIVE_OPENS,
    /** Connections that reached ESTABLISHED. */
    ESTABLISHED,
    /** Connection attempts that failed (refused, timed out, unreachable). */
    CONNECT_FAILED,
    /** Established connections reset by the peer or aborted. */
    CONNECTIONS_RESET,
    /** Connections closed in an orderly way. */
    CONNECTIONS_CLOSED,
    /** SYN cookies sent. */
    COOKIES_SENT,
    /** SYN cookies accepted (connection made from a cookie). */
    COOKIES_ACCEPTED,
    /** Returned cookies that were invalid or expired. */
    COOKIES_REJECTED,
    /** TIME-WAIT connections recycled early because the cap was reached. */
    TIME_WAIT_RECYCLED,
    /** New connections accepted in TIME-WAIT (RFC 6191). */
    TIME_WAIT_REUSED,
    /** Dropped: bad checksum. */
    DROP_BAD_CHECKSUM,
    /** Dropped: malformed header or options. */
    DROP_MALFORMED,
    /** Dropped: no connection and no listener (answered with RST where allowed). */
    DROP_NO_CONNECTION,
    /** Dropped: outside the receive window (answered with an ACK). */
    DROP_OUT_OF_WINDOW,
    /** Dropped: PAWS (old timestamp). */
    DROP_PAWS,
    /** Dropped: unacceptable ACK. */
    DROP_BAD_ACK,
    /** Dropped: SYN to a listener whose accept queue or SYN queue is full. */
    DROP_LISTEN_OVERFLOW,
    /** Dropped: data beyond the memory budget or the reassembly ranges. */
    DROP_MEMORY,
    /** Keepalive probes sent. */
    KEEPALIVE_PROBES,
    /** Zero-window probes sent. */
    WINDOW_PROBES,
    /** Out-of-order segments held for reassembly. */
    OUT_OF_ORDER,
    /** Duplicate (already received) data segments. */
    DUPLICATE_SEGMENTS,
    /** Path MTU reductions taken from ICMP "fragmentation needed" / "packet too big". */
    MTU_REDUCED,
    /** Receive buffers grown by auto-tuning (one per growth step). */
    RECEIVE_WINDOW_GROWN,
    /** Receive-buffer growths refused or cut short by the connection's or the stack's memory budget. */
    RECEIVE_WINDOW_GROWTH_REFUSED,
    /** ACKs sent carrying a D-SACK block (RFC 2883): the peer sent us data we already had. */
    DSACKS_SENT,
    /** D-SACK blocks received (RFC 2883): the peer got some of our data twice. */
    DSACKS_RECEIVED,
    /** Retransmissions the peer reported by D-SACK as duplicates: the original had arrived (RFC 3708). */
    SPURIOUS_RETRANSMITS,
    /** Congestion responses undone because every retransmission of their episode proved spurious. */
    CONGESTION_UNDOS,
    /** Times a connection raised its reordering threshold (DupThresh) after seeing reordering. */
    REORDERING_RAISED,
    /** Tail-loss probes sent (RFC 8985 §7): new data or the last segment again, a PTO after the last send. */
    TLP_PROBES,
    /**
     * Tail losses repaired after a probe without a timeout: the probe's retransmission acknowledged without a
     * D-SACK, or a fast recovery the probe's SACK started and that completed.
     */
    TLP_RECOVERIES,
    /** Bugs caught on the shard (a segment or timer that threw); must stay 0. */
    INTERNAL_ERRORS
}
