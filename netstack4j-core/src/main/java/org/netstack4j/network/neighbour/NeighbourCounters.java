package org.netstack4j.network.neighbour;

/**
 * Event and drop counters of one {@link NeighbourCache}, as plain fields: the cache is confined to one
 * thread, and the stack's statistics read and aggregate them from that thread.
 */
public final class NeighbourCounters {
    long entriesCreated;
    long entriesEvicted;
    long resolutionsFailed;
    long probesFailed;
    long multicastSolicitations;
    long unicastSolicitations;
    long packetsQueued;
    long packetsFlushed;
    long advertisementsIgnored;
    long droppedQueueOverflow;
    long droppedGlobalQueueFull;
    long droppedResolutionFailed;
    long droppedEntryEvicted;
    long droppedEntryRemoved;
    long droppedTableFull;

    NeighbourCounters() {
    }

    /** Entries created (by a packet to send or by learning a neighbour's address). */
    public long entriesCreated() {
        return entriesCreated;
    }

    /** Dynamic entries evicted to make room for new ones. */
    public long entriesEvicted() {
        return entriesEvicted;
    }

    /** Resolutions that ended without an answer (INCOMPLETE to FAILED). */
    public long resolutionsFailed() {
        return resolutionsFailed;
    }

    /** Reachability probes that ended without an answer (PROBE to FAILED). */
    public long probesFailed() {
        return probesFailed;
    }

    /** Solicitations sent to resolve an address (multicast NS, broadcast ARP request). */
    public long multicastSolicitations() {
        return multicastSolicitations;
    }

    /** Unicast probes sent to a cached link address. */
    public long unicastSolicitations() {
        return unicastSolicitations;
    }

    /** Packets queued while waiting for resolution. */
    public long packetsQueued() {
        return packetsQueued;
    }

    /** Queued packets transmitted once their neighbour resolved. */
    public long packetsFlushed() {
        return packetsFlushed;
    }

    /** Advertisements (NA, ARP reply) that changed nothing: no entry, or no usable address. */
    public long advertisementsIgnored() {
        return advertisementsIgnored;
    }

    /** Drop reason: a neighbour's queue was full and its oldest packet made room for a newer one. */
    public long droppedQueueOverflow() {
        return droppedQueueOverflow;
    }

    /** Drop reason: the cache-wide queue limit was reached. */
    public long droppedGlobalQueueFull() {
        return droppedGlobalQueueFull;
    }

    /** Drop reason: resolution failed while the packet waited. */
    public long droppedResolutionFailed() {
        return droppedResolutionFailed;
    }

    /** Drop reason: the packet's entry was evicted to make room. */
    public long droppedEntryEvicted() {
        return droppedEntryEvicted;
    }

    /** Drop reason: the packet's entry was removed by the owner ({@code remove}, {@code clear}). */
    public long droppedEntryRemoved() {
        return droppedEntryRemoved;
    }

    /** Drop reason: no entry could be created (every entry is static). */
    public long droppedTableFull() {
        return droppedTableFull;
    }

    /** All dropped packets, whatever the reason. */
    public long packetsDropped() {
        return droppedQueueOverflow + droppedGlobalQueueFull + droppedResolutionFailed + droppedEntryEvicted
                + droppedEntryRemoved + droppedTableFull;
    }

    @Override
    public String toString() {
        return "NeighbourCounters[created=" + entriesCreated + ", evicted=" + entriesEvicted
                + ", resolutionsFailed=" + resolutionsFailed + ", probesFailed=" + probesFailed
                + ", solicitations=" + multicastSolicitations + "/" + unicastSolicitations
                + ", queued=" + packetsQueued + ", flushed=" + packetsFlushed + ", ignored=" + advertisementsIgnored
                + ", dropped[overflow=" + droppedQueueOverflow + ", globalFull=" + droppedGlobalQueueFull
                + ", failed=" + droppedResolutionFailed + ", evicted=" + droppedEntryEvicted
                + ", removed=" + droppedEntryRemoved + ", tableFull=" + droppedTableFull + "]]";
    }
}
