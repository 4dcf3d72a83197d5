package org.netstack4j.network.neighbour;

/**
 * Reachability states of a neighbour cache entry (RFC 4861 section 7.3.2), shared by NDP and ARP.
 */
public enum NeighbourState {
    /** Resolution in progress: solicitations sent to the multicast (or broadcast) address, packets queued. */
    INCOMPLETE,
    /** Confirmed reachable within the last reachable time. */
    REACHABLE,
    /** The link address is known but reachability is unconfirmed; nothing happens until a packet is sent. */
    STALE,
    /** A packet was sent to a stale entry; waiting briefly for an upper-layer confirmation before probing. */
    DELAY,
    /** Unicast solicitations sent to the cached link address to confirm reachability. */
    PROBE,
    /** Resolution or probing failed; the entry is kept briefly and the next packet restarts resolution. */
    FAILED,
    /** Configured by hand: never solicited, never timed out, never changed by received messages. */
    STATIC;

    /** True when the entry holds a link address packets can be sent to. */
    public boolean hasLinkAddress() {
        return this == REACHABLE || this == STALE || this == DELAY || this == PROBE || this == STATIC;
    }
}
