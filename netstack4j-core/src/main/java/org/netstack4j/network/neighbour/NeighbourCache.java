package org.netstack4j.network.neighbour;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.TimerWheel;

/**
 * The neighbour cache of one NIC and address family: the RFC 4861 reachability state machine
 * (section 7.3), used by NDP with its protocol timers and by ARP with a fixed reachable time.
 *
 * <p>Sans-I/O: the owner feeds it packets to send, received solicitations and advertisements, and
 * upper-layer confirmations, each with the current time; the cache answers through
 * {@link NeighbourOutput} (solicit, transmit, resolution failed) and keeps its timers on the owner's
 * {@link TimerWheel}. Confined to the thread that drives that wheel.
 *
 * <p>Bounded: at most {@link NeighbourConfig#maxEntries()} entries (the least recently used dynamic
 * entry is evicted, failed and stale ones first), and packets waiting for resolution are limited per
 * entry and in total. Every packet the cache drops is released to its pool and counted by reason in
 * {@link #counters()}. Entries are preallocated, so steady-state operation allocates nothing.
 *
 * <p>Addresses are keys of two longs: an IPv6 address as (high, low), an IPv4 address as
 * {@code (0, address & 0xffffffffL)} ({@link #ipv4Key(int)}). Link addresses are 48-bit MAC
 * addresses in a {@code long}.
 */
public final class NeighbourCache {
    /** "No link address": an absent option, or a solicitation to multicast/broadcast. */
    public static final long NO_LINK_ADDRESS = -1L;

    /** How many of the oldest dynamic entries eviction inspects for a failed or stale one. */
    private static final int EVICTION_SCAN = 8;

    private final NeighbourConfig config;
    private final TimerWheel wheel;
    private final NeighbourOutput output;
    private final RandomGenerator random;
    private final EntryMap map;
    private final NeighbourCounters counters = new NeighbourCounters();
    /** Every entry, in use or free (state {@code null}). */
    private final NeighbourEntry[] pool;

    private NeighbourEntry free;
    private NeighbourEntry lruHead;
    private NeighbourEntry lruTail;
    private int size;
    private int queuedTotal;
    private long baseReachableTime;
    private long reachableTime;
    private long retransmitTime;

    /**
     * @param config limits and timers
     * @param wheel  the owner's timer wheel (entries' timers go there)
     * @param output where solicitations, transmissions and failures go
     * @param random source for the reachable-time randomisation and the hash seed (seed it in tests)
     */
    public NeighbourCache(NeighbourConfig config, TimerWheel wheel, NeighbourOutput output, RandomGenerator random) {
        this.config = config;
        this.wheel = wheel;
        this.output = output;
        this.random = random;
        this.map = new EntryMap(config.maxEntries(), random.nextLong());
        this.pool = new NeighbourEntry[config.maxEntries()];
        for (int i = pool.length - 1; i >= 0; i--) {
            NeighbourEntry e = new NeighbourEntry(this, Math.max(1, config.maxQueuedPerEntry()));
            pool[i] = e;
            e.nextFree = free;
            free = e;
        }
        this.retransmitTime = config.retransmitTime();
        setBaseReachableTime(config.baseReachableTime());
    }

    /** The key of an IPv4 address: {@code (0, ipv4Key(address))}. */
    public static long ipv4Key(int address) {
        return address & 0xffff_ffffL;
    }

    /** The configuration given at construction. */
    public NeighbourConfig config() {
        return config;
    }

    /** Counters of events and drops. */
    public NeighbourCounters counters() {
        return counters;
    }

    /** Entries present, static ones included. */
    public int size() {
        return size;
    }

    /** Packets waiting for resolution in all entries. */
    public int queuedPackets() {
        return queuedTotal;
    }

    /** The current ReachableTime (randomised from the base when configured). */
    public long reachableTime() {
        return reachableTime;
    }

    /** The current RetransTimer. */
    public long retransmitTime() {
        return retransmitTime;
    }

    /**
     * Sets BaseReachableTime (e.g. from a router advertisement) and draws a new ReachableTime from it.
     * Entries already reachable keep their current deadline.
     */
    public void setBaseReachableTime(long nanos) {
        if (nanos <= 0 || nanos > Long.MAX_VALUE / 4) {
            throw new IllegalArgumentException("base reachable time out of range: " + nanos);
        }
        baseReachableTime = nanos;
        rerandomizeReachableTime();
    }

    /** Draws ReachableTime again (RFC 4861 asks for this at least every few hours). */
    public void rerandomizeReachableTime() {
        reachableTime = config.randomizeReachableTime()
                ? baseReachableTime / 2 + random.nextLong(baseReachableTime + 1)
                : baseReachableTime;
    }

    /** Sets RetransTimer (e.g. from a router advertisement); applies from the next solicitation. */
    public void setRetransmitTime(long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("retransmit time must be positive: " + nanos);
        }
        retransmitTime = nanos;
    }

    // --- queries ---------------------------------------------------------------------------------

    /** The state of the entry for {@code (high, low)}, or {@code null} when there is none. */
    public NeighbourState state(long high, long low) {
        NeighbourEntry e = map.get(high, low);
        return e == null ? null : e.state;
    }

    /** The link address of {@code (high, low)} when the entry has one, else {@link #NO_LINK_ADDRESS}. */
    public long linkAddress(long high, long low) {
        NeighbourEntry e = map.get(high, low);
        return e == null || !e.state.hasLinkAddress() ? NO_LINK_ADDRESS : e.linkAddress;
    }

    /** True if the neighbour last said it is a router (NDP's IsRouter flag). */
    public boolean isRouter(long high, long low) {
        NeighbourEntry e = map.get(high, low);
        return e != null && e.router;
    }

    /** Packets waiting for {@code (high, low)}. */
    public int queuedPackets(long high, long low) {
        NeighbourEntry e = map.get(high, low);
        return e == null ? 0 : e.queueCount;
    }

    /** A description of every entry, for diagnostics (allocates). */
    public List<String> describeEntries() {
        List<String> out = new ArrayList<>();
        for (NeighbourEntry e : pool) {
            if (e.state != null) {
                out.add(e.toString());
            }
        }
        return out;
    }

    // --- the send path ---------------------------------------------------------------------------

    /**
     * Sends {@code packet} (a complete frame but for the destination link address, as the owner
     * defines) to neighbour {@code (high, low)}: at once through {@link NeighbourOutput#transmit} when a
     * link address is known, otherwise queued while the neighbour is resolved. Takes ownership of the
     * packet in every case.
     */
    public SendResult send(long high, long low, PacketBuffer packet, long now) {
        NeighbourEntry e = map.get(high, low);
        if (e == null) {
            e = create(high, low);
            if (e == null) {
                counters.droppedTableFull++;
                packet.release();
                return SendResult.DROPPED;
            }
            SendResult queued = enqueue(e, packet);
            startResolution(e, now);
            return queued;
        }
        touch(e);
        switch (e.state) {
            case REACHABLE, DELAY, PROBE, STATIC -> {
                output.transmit(packet, e.linkAddress);
                return SendResult.TRANSMITTED;
            }
            case STALE -> {
                // RFC 4861 7.3.3: the first packet to a stale neighbour starts the wait for a confirmation.
                e.state = NeighbourState.DELAY;
                wheel.schedule(e.timer, now + config.delayFirstProbeTime());
                output.transmit(packet, e.linkAddress);
                return SendResult.TRANSMITTED;
            }
            case INCOMPLETE -> {
                return enqueue(e, packet);
            }
            case FAILED -> {
                SendResult queued = enqueue(e, packet);
                startResolution(e, now);
                return queued;
            }
            default -> throw new AssertionError(e.state);
        }
    }

    private void startResolution(NeighbourEntry e, long now) {
        e.state = NeighbourState.INCOMPLETE;
        e.linkAddress = NO_LINK_ADDRESS;
        e.solicitationsSent = 0;
        solicit(e, now);
    }

    private void solicit(NeighbourEntry e, long now) {
        e.solicitationsSent++;
        wheel.schedule(e.timer, now + retransmitTime);
        if (e.state == NeighbourState.INCOMPLETE) {
            counters.multicastSolicitations++;
            output.sendSolicitation(e.high, e.low, NO_LINK_ADDRESS, e.peekQueued());
        } else {
            counters.unicastSolicitations++;
            output.sendSolicitation(e.high, e.low, e.linkAddress, null);
        }
    }

    private SendResult enqueue(NeighbourEntry e, PacketBuffer packet) {
        if (config.maxQueuedPerEntry() == 0) {
            counters.droppedQueueOverflow++;
            packet.release();
            return SendResult.DROPPED;
        }
        if (e.queueCount == config.maxQueuedPerEntry()) {
            // RFC 4861 7.2.2: on overflow the new arrival replaces the oldest.
            counters.droppedQueueOverflow++;
            dropOldest(e);
        } else if (queuedTotal >= config.maxQueuedTotal()) {
            counters.droppedGlobalQueueFull++;
            if (e.queueCount == 0) {
                packet.release();
                return SendResult.DROPPED;
            }
            dropOldest(e);
        }
        e.addQueued(packet);
        queuedTotal++;
        counters.packetsQueued++;
        return SendResult.QUEUED;
    }

    private void dropOldest(NeighbourEntry e) {
        PacketBuffer oldest = e.pollQueued();
        queuedTotal--;
        oldest.release();
    }

    // --- received information --------------------------------------------------------------------

    /**
     * A message from {@code (high, low)} carried its link address without answering us: an NDP
     * neighbour/router solicitation, router advertisement or redirect with a source link-layer address
     * option (RFC 4861 section 7.2.3), or an ARP request addressed to us (RFC 826). Creates a STALE
     * entry, or updates an existing one (STALE when the address changed); an entry being resolved
     * takes the address and sends its queued packets.
     */
    public void handleSolicitation(long high, long low, long linkAddress, long now) {
        if (linkAddress == NO_LINK_ADDRESS) {
            return;
        }
        NeighbourEntry e = map.get(high, low);
        if (e == null) {
            e = create(high, low);
            if (e != null) {
                e.state = NeighbourState.STALE;
                e.linkAddress = linkAddress;
            }
            return;
        }
        switch (e.state) {
            case STATIC -> {
            }
            case INCOMPLETE, FAILED -> resolved(e, linkAddress, false, now);
            default -> {
                if (e.linkAddress != linkAddress) {
                    e.linkAddress = linkAddress;
                    becomeStale(e);
                }
            }
        }
    }

    /**
     * An advertisement from {@code (high, low)}: an NDP neighbour advertisement (RFC 4861 section 7.2.5)
     * or an ARP reply or gratuitous ARP. Never creates an entry: an advertisement nobody asked for
     * only updates a neighbour already known.
     *
     * @param linkAddress the target link-layer address, or {@link #NO_LINK_ADDRESS} when the option is absent
     * @param solicited   the S flag: an answer to our solicitation (an ARP reply to us)
     * @param override    the O flag: replace a cached address that differs (ARP: always)
     * @param router      the R flag (ARP: false)
     * @return true if the entry changed or was confirmed; false if the advertisement was ignored
     */
    public boolean handleAdvertisement(long high, long low, long linkAddress, boolean solicited, boolean override,
                                       boolean router, long now) {
        NeighbourEntry e = map.get(high, low);
        if (e == null || e.state == NeighbourState.STATIC) {
            counters.advertisementsIgnored++;
            return false;
        }
        if (e.state == NeighbourState.INCOMPLETE || e.state == NeighbourState.FAILED) {
            if (linkAddress == NO_LINK_ADDRESS) {
                counters.advertisementsIgnored++;
                return false;
            }
            e.router = router;
            resolved(e, linkAddress, solicited, now);
            return true;
        }
        boolean different = linkAddress != NO_LINK_ADDRESS && linkAddress != e.linkAddress;
        if (!override && different) {
            // Without the override flag a different address does not replace ours; it only casts doubt.
            if (e.state == NeighbourState.REACHABLE) {
                becomeStale(e);
                return true;
            }
            counters.advertisementsIgnored++;
            return false;
        }
        if (different) {
            e.linkAddress = linkAddress;
        }
        e.router = router;
        if (solicited) {
            becomeReachable(e, now);
        } else if (different) {
            becomeStale(e);
        }
        return true;
    }

    /**
     * An upper layer saw forward progress with {@code (high, low)} (e.g. TCP acknowledged new data),
     * RFC 4861 section 7.3.1: an entry with a link address becomes (or stays) REACHABLE. Cheap enough
     * for every such event: a reachable entry just records the time.
     */
    public void confirmReachability(long high, long low, long now) {
        NeighbourEntry e = map.get(high, low);
        if (e == null) {
            return;
        }
        switch (e.state) {
            case REACHABLE -> e.confirmedAt = now;
            case STALE, DELAY, PROBE -> becomeReachable(e, now);
            default -> {
            }
        }
    }

    private void resolved(NeighbourEntry e, long linkAddress, boolean reachable, long now) {
        e.linkAddress = linkAddress;
        if (reachable) {
            becomeReachable(e, now);
        } else {
            becomeStale(e);
            if (e.queueCount > 0) {
                // Sending the queued packets is the first use of a stale entry (7.3.3).
                e.state = NeighbourState.DELAY;
                wheel.schedule(e.timer, now + config.delayFirstProbeTime());
            }
        }
        while (e.queueCount > 0) {
            PacketBuffer p = e.pollQueued();
            queuedTotal--;
            counters.packetsFlushed++;
            output.transmit(p, linkAddress);
        }
    }

    private void becomeReachable(NeighbourEntry e, long now) {
        e.state = NeighbourState.REACHABLE;
        e.confirmedAt = now;
        wheel.schedule(e.timer, now + reachableTime);
    }

    private void becomeStale(NeighbourEntry e) {
        e.state = NeighbourState.STALE;
        e.timer.cancel();
    }

    void onEntryTimer(NeighbourEntry e, long now) {
        switch (e.state) {
            case INCOMPLETE -> {
                if (e.solicitationsSent < config.maxMulticastSolicitations()) {
                    solicit(e, now);
                } else {
                    counters.resolutionsFailed++;
                    fail(e, now);
                }
            }
            case REACHABLE -> {
                // Confirmations only move confirmedAt; the timer catches up here instead of per packet.
                long until = e.confirmedAt + reachableTime;
                if (now < until) {
                    wheel.schedule(e.timer, until);
                } else {
                    e.state = NeighbourState.STALE;
                }
            }
            case DELAY -> {
                e.state = NeighbourState.PROBE;
                e.solicitationsSent = 0;
                solicit(e, now);
            }
            case PROBE -> {
                if (e.solicitationsSent < config.maxUnicastSolicitations()) {
                    solicit(e, now);
                } else {
                    counters.probesFailed++;
                    fail(e, now);
                }
            }
            case FAILED -> delete(e);
            default -> {
            }
        }
    }

    private void fail(NeighbourEntry e, long now) {
        e.state = NeighbourState.FAILED;
        e.linkAddress = NO_LINK_ADDRESS;
        while (e.queueCount > 0) {
            PacketBuffer p = e.pollQueued();
            queuedTotal--;
            counters.droppedResolutionFailed++;
            try {
                output.resolutionFailed(e.high, e.low, p);
            } finally {
                p.release();
            }
        }
        if (config.failedLifetime() == 0) {
            delete(e);
        } else {
            wheel.schedule(e.timer, now + config.failedLifetime());
        }
    }

    // --- administration --------------------------------------------------------------------------

    /**
     * Adds or replaces a static entry: always usable, never solicited or timed out, never changed by
     * received messages and never evicted. Packets waiting for the address are sent at once.
     *
     * @return false if the table is full of static entries
     */
    public boolean addStatic(long high, long low, long linkAddress) {
        if (linkAddress == NO_LINK_ADDRESS) {
            throw new IllegalArgumentException("a static entry needs a link address");
        }
        NeighbourEntry e = map.get(high, low);
        if (e == null) {
            e = create(high, low);
            if (e == null) {
                return false;
            }
        }
        e.timer.cancel();
        lruRemove(e);
        e.state = NeighbourState.STATIC;
        e.linkAddress = linkAddress;
        while (e.queueCount > 0) {
            PacketBuffer p = e.pollQueued();
            queuedTotal--;
            counters.packetsFlushed++;
            output.transmit(p, linkAddress);
        }
        return true;
    }

    /**
     * Removes the entry for {@code (high, low)}, static or not; its queued packets are dropped.
     *
     * @return true if there was one
     */
    public boolean remove(long high, long low) {
        NeighbourEntry e = map.get(high, low);
        if (e == null) {
            return false;
        }
        dropQueue(e);
        delete(e);
        return true;
    }

    /** Removes every entry (the NIC went down); queued packets are dropped. */
    public void clear() {
        for (NeighbourEntry e : pool) {
            if (e.state != null) {
                dropQueue(e);
                delete(e);
            }
        }
    }

    // --- entry lifecycle -------------------------------------------------------------------------

    private NeighbourEntry create(long high, long low) {
        NeighbourEntry e = free;
        if (e == null) {
            NeighbourEntry victim = pickVictim();
            if (victim == null) {
                return null;
            }
            counters.entriesEvicted++;
            counters.droppedEntryEvicted += victim.queueCount;
            releaseQueue(victim);
            delete(victim);
            e = free;
        }
        free = e.nextFree;
        e.nextFree = null;
        e.high = high;
        e.low = low;
        e.state = NeighbourState.INCOMPLETE;
        e.linkAddress = NO_LINK_ADDRESS;
        e.router = false;
        e.solicitationsSent = 0;
        e.confirmedAt = 0;
        map.put(e);
        lruAppend(e);
        size++;
        counters.entriesCreated++;
        return e;
    }

    /** The oldest failed or stale entry among the first few on the recency list, else the oldest. */
    private NeighbourEntry pickVictim() {
        NeighbourEntry e = lruHead;
        for (int i = 0; e != null && i < EVICTION_SCAN; i++, e = e.lruNext) {
            if (e.state == NeighbourState.FAILED || e.state == NeighbourState.STALE) {
                return e;
            }
        }
        return lruHead;
    }

    private void dropQueue(NeighbourEntry e) {
        counters.droppedEntryRemoved += e.queueCount;
        releaseQueue(e);
    }

    private void releaseQueue(NeighbourEntry e) {
        while (e.queueCount > 0) {
            e.pollQueued().release();
            queuedTotal--;
        }
    }

    private void delete(NeighbourEntry e) {
        e.timer.cancel();
        map.remove(e);
        lruRemove(e);
        e.state = null;
        e.nextFree = free;
        free = e;
        size--;
    }

    private void touch(NeighbourEntry e) {
        if (e.onLru && e != lruTail) {
            lruRemove(e);
            lruAppend(e);
        }
    }

    private void lruAppend(NeighbourEntry e) {
        e.lruPrev = lruTail;
        e.lruNext = null;
        if (lruTail == null) {
            lruHead = e;
        } else {
            lruTail.lruNext = e;
        }
        lruTail = e;
        e.onLru = true;
    }

    private void lruRemove(NeighbourEntry e) {
        if (!e.onLru) {
            return;
        }
        if (e.lruPrev == null) {
            lruHead = e.lruNext;
        } else {
            e.lruPrev.lruNext = e.lruNext;
        }
        if (e.lruNext == null) {
            lruTail = e.lruPrev;
        } else {
            e.lruNext.lruPrev = e.lruPrev;
        }
        e.lruPrev = null;
        e.lruNext = null;
        e.onLru = false;
    }

    @Override
    public String toString() {
        return "NeighbourCache[entries=" + size + "/" + config.maxEntries() + ", queued=" + queuedTotal + "]";
    }
}
