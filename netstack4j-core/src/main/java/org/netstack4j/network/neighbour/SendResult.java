package org.netstack4j.network.neighbour;

/** What {@link NeighbourCache#send} did with a packet. */
public enum SendResult {
    /** Handed to {@link NeighbourOutput#transmit} with a known link address. */
    TRANSMITTED,
    /** Queued until resolution completes (then transmitted) or fails (then dropped). */
    QUEUED,
    /** Dropped and released (queue or table full); counted in {@link NeighbourCounters}. */
    DROPPED
}
