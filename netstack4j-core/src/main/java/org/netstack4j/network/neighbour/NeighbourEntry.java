package org.netstack4j.network.neighbour;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.Timer;
import org.netstack4j.time.TimerHandler;

/**
 * One neighbour of a {@link NeighbourCache}. Entries are preallocated and recycled, each with its own
 * timer and packet queue, so the cache allocates nothing once built.
 */
final class NeighbourEntry implements TimerHandler {
    final NeighbourCache cache;
    final Timer timer;
    /** Ring of packets waiting for resolution. */
    final PacketBuffer[] queue;

    long high;
    long low;
    NeighbourState state;
    long linkAddress;
    boolean router;
    int solicitationsSent;
    /** When reachability was last confirmed (REACHABLE only). */
    long confirmedAt;
    int queueHead;
    int queueCount;

    /** Recency list of dynamic entries, oldest first; static entries are not on it. */
    NeighbourEntry lruPrev;
    NeighbourEntry lruNext;
    boolean onLru;
    /** Next entry of the free list. */
    NeighbourEntry nextFree;

    NeighbourEntry(NeighbourCache cache, int queueCapacity) {
        this.cache = cache;
        this.timer = new Timer(this);
        this.queue = new PacketBuffer[queueCapacity];
    }

    @Override
    public void onTimer(Timer t, long nowNanos) {
        cache.onEntryTimer(this, nowNanos);
    }

    PacketBuffer peekQueued() {
        return queueCount == 0 ? null : queue[queueHead];
    }

    PacketBuffer pollQueued() {
        if (queueCount == 0) {
            return null;
        }
        PacketBuffer p = queue[queueHead];
        queue[queueHead] = null;
        queueHead = queueHead + 1 == queue.length ? 0 : queueHead + 1;
        queueCount--;
        return p;
    }

    void addQueued(PacketBuffer p) {
        int tail = queueHead + queueCount;
        if (tail >= queue.length) {
            tail -= queue.length;
        }
        queue[tail] = p;
        queueCount++;
    }

    @Override
    public String toString() {
        return "NeighbourEntry[" + Long.toHexString(high) + ":" + Long.toHexString(low) + " " + state
                + " " + Long.toHexString(linkAddress) + ", queued " + queueCount + "]";
    }
}
