package org.netstack4j.network.neighbour;

/**
 * Timing and size limits of a {@link NeighbourCache}. Immutable; derive variants with the
 * {@code with*} methods. Durations are in nanoseconds.
 *
 * <p>{@link #ndp()} uses the protocol constants of RFC 4861 section 10; {@link #arp()} the same state
 * machine with a fixed (not randomised) reachable time, as ARP has no protocol timers of its own and
 * these are the values Linux uses for it.
 */
public final class NeighbourConfig {
    private static final long SECOND = 1_000_000_000L;

    private final int maxEntries;
    private final int maxQueuedPerEntry;
    private final int maxQueuedTotal;
    private final long retransmitTime;
    private final int maxMulticastSolicitations;
    private final int maxUnicastSolicitations;
    private final long baseReachableTime;
    private final boolean randomizeReachableTime;
    private final long delayFirstProbeTime;
    private final long failedLifetime;

    private NeighbourConfig(int maxEntries, int maxQueuedPerEntry, int maxQueuedTotal, long retransmitTime,
                            int maxMulticastSolicitations, int maxUnicastSolicitations, long baseReachableTime,
                            boolean randomizeReachableTime, long delayFirstProbeTime, long failedLifetime) {
        require(maxEntries >= 1 && maxEntries <= 1 << 20, "maxEntries", maxEntries);
        require(maxQueuedPerEntry >= 0 && maxQueuedPerEntry <= 1024, "maxQueuedPerEntry", maxQueuedPerEntry);
        require(maxQueuedTotal >= 0, "maxQueuedTotal", maxQueuedTotal);
        require(retransmitTime > 0, "retransmitTime", retransmitTime);
        require(maxMulticastSolicitations >= 1, "maxMulticastSolicitations", maxMulticastSolicitations);
        require(maxUnicastSolicitations >= 1, "maxUnicastSolicitations", maxUnicastSolicitations);
        require(baseReachableTime > 0 && baseReachableTime <= Long.MAX_VALUE / 4, "baseReachableTime", baseReachableTime);
        require(delayFirstProbeTime > 0, "delayFirstProbeTime", delayFirstProbeTime);
        require(failedLifetime >= 0, "failedLifetime", failedLifetime);
        this.maxEntries = maxEntries;
        this.maxQueuedPerEntry = maxQueuedPerEntry;
        this.maxQueuedTotal = maxQueuedTotal;
        this.retransmitTime = retransmitTime;
        this.maxMulticastSolicitations = maxMulticastSolicitations;
        this.maxUnicastSolicitations = maxUnicastSolicitations;
        this.baseReachableTime = baseReachableTime;
        this.randomizeReachableTime = randomizeReachableTime;
        this.delayFirstProbeTime = delayFirstProbeTime;
        this.failedLifetime = failedLifetime;
    }

    private static void require(boolean ok, String name, long value) {
        if (!ok) {
            throw new IllegalArgumentException(name + " out of range: " + value);
        }
    }

    /**
     * RFC 4861 defaults: retransmit 1 s, 3 multicast and 3 unicast solicitations, reachable time 30 s
     * randomised to 15..45 s, first probe after 5 s; 512 entries, 3 queued packets per entry and 256 in
     * all; failed entries kept 3 s.
     */
    public static NeighbourConfig ndp() {
        return new NeighbourConfig(512, 3, 256, SECOND, 3, 3, 30 * SECOND, true, 5 * SECOND, 3 * SECOND);
    }

    /** {@link #ndp()} with a fixed reachable time: the simplified timing used for ARP. */
    public static NeighbourConfig arp() {
        return ndp().withRandomizedReachableTime(false);
    }

    /** Most entries the cache holds; beyond it the least recently used dynamic entry is evicted. */
    public int maxEntries() {
        return maxEntries;
    }

    /** Most packets queued for one unresolved neighbour (RFC 4861: at least one); the oldest is replaced. */
    public int maxQueuedPerEntry() {
        return maxQueuedPerEntry;
    }

    /** Most packets queued for all unresolved neighbours together. */
    public int maxQueuedTotal() {
        return maxQueuedTotal;
    }

    /** RetransTimer: time between solicitations. */
    public long retransmitTime() {
        return retransmitTime;
    }

    /** MAX_MULTICAST_SOLICIT: solicitations sent while resolving before giving up. */
    public int maxMulticastSolicitations() {
        return maxMulticastSolicitations;
    }

    /** MAX_UNICAST_SOLICIT: probes sent to a cached address before declaring the neighbour unreachable. */
    public int maxUnicastSolicitations() {
        return maxUnicastSolicitations;
    }

    /** BaseReachableTime: how long a confirmation keeps an entry reachable (before randomisation). */
    public long baseReachableTime() {
        return baseReachableTime;
    }

    /** True to draw ReachableTime uniformly from 0.5 to 1.5 times the base (RFC 4861 section 6.3.2). */
    public boolean randomizeReachableTime() {
        return randomizeReachableTime;
    }

    /** DELAY_FIRST_PROBE_TIME: how long a used stale entry waits for a confirmation before probing. */
    public long delayFirstProbeTime() {
        return delayFirstProbeTime;
    }

    /** How long a failed entry is kept (visible as {@link NeighbourState#FAILED}) before it is deleted. */
    public long failedLifetime() {
        return failedLifetime;
    }

    /** A copy with another {@link #maxEntries()}. */
    public NeighbourConfig withMaxEntries(int value) {
        return new NeighbourConfig(value, maxQueuedPerEntry, maxQueuedTotal, retransmitTime, maxMulticastSolicitations,
                maxUnicastSolicitations, baseReachableTime, randomizeReachableTime, delayFirstProbeTime, failedLifetime);
    }

    /** A copy with other queue limits. */
    public NeighbourConfig withQueueLimits(int perEntry, int total) {
        return new NeighbourConfig(maxEntries, perEntry, total, retransmitTime, maxMulticastSolicitations,
                maxUnicastSolicitations, baseReachableTime, randomizeReachableTime, delayFirstProbeTime, failedLifetime);
    }

    /** A copy with another {@link #retransmitTime()}. */
    public NeighbourConfig withRetransmitTime(long nanos) {
        return new NeighbourConfig(maxEntries, maxQueuedPerEntry, maxQueuedTotal, nanos, maxMulticastSolicitations,
                maxUnicastSolicitations, baseReachableTime, randomizeReachableTime, delayFirstProbeTime, failedLifetime);
    }

    /** A copy with other solicitation limits. */
    public NeighbourConfig withSolicitations(int multicast, int unicast) {
        return new NeighbourConfig(maxEntries, maxQueuedPerEntry, maxQueuedTotal, retransmitTime, multicast, unicast,
                baseReachableTime, randomizeReachableTime, delayFirstProbeTime, failedLifetime);
    }

    /** A copy with another {@link #baseReachableTime()}. */
    public NeighbourConfig withBaseReachableTime(long nanos) {
        return new NeighbourConfig(maxEntries, maxQueuedPerEntry, maxQueuedTotal, retransmitTime, maxMulticastSolicitations,
                maxUnicastSolicitations, nanos, randomizeReachableTime, delayFirstProbeTime, failedLifetime);
    }

    /** A copy with randomisation of the reachable time on or off. */
    public NeighbourConfig withRandomizedReachableTime(boolean value) {
        return new NeighbourConfig(maxEntries, maxQueuedPerEntry, maxQueuedTotal, retransmitTime, maxMulticastSolicitations,
                maxUnicastSolicitations, baseReachableTime, value, delayFirstProbeTime, failedLifetime);
    }

    /** A copy with another {@link #delayFirstProbeTime()}. */
    public NeighbourConfig withDelayFirstProbeTime(long nanos) {
        return new NeighbourConfig(maxEntries, maxQueuedPerEntry, maxQueuedTotal, retransmitTime, maxMulticastSolicitations,
                maxUnicastSolicitations, baseReachableTime, randomizeReachableTime, nanos, failedLifetime);
    }

    /** A copy with another {@link #failedLifetime()}. */
    public NeighbourConfig withFailedLifetime(long nanos) {
        return new NeighbourConfig(maxEntries, maxQueuedPerEntry, maxQueuedTotal, retransmitTime, maxMulticastSolicitations,
                maxUnicastSolicitations, baseReachableTime, randomizeReachableTime, delayFirstProbeTime, nanos);
    }

    @Override
    public String toString() {
        return "NeighbourConfig[entries=" + maxEntries + ", queue=" + maxQueuedPerEntry + "/" + maxQueuedTotal
                + ", retransmit=" + retransmitTime + "ns, solicit=" + maxMulticastSolicitations + "/"
                + maxUnicastSolicitations
                + ", reachable=" + baseReachableTime + "ns" + (randomizeReachableTime ? " (randomised)" : "")
                + ", delay=" + delayFirstProbeTime + "ns, failed=" + failedLifetime + "ns]";
    }
}
