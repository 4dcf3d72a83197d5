package org.netstack4j.network.fragment;

import java.util.Arrays;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;

/**
 * The reassembly core shared by IPv4 and IPv6: pending datagrams ("trains") by key, their fragments in
 * offset order, the memory caps, the timeout and the counters. The family front ends
 * ({@link Ipv4Reassembler}, {@link Ipv6Reassembler}) parse headers into a {@link Fragment} and finish
 * the reassembled header.
 *
 * <p>Rules: fragments of a datagram never overlap. An exact duplicate (same offset, length, last-flag
 * and bytes) is dropped harmlessly; any other overlap discards the whole datagram (RFC 5722, which
 * IPv4 gets too: overlaps are how filters are evaded). A second last fragment with a different end, or
 * data past the end, discards the datagram as inconsistent.
 *
 * <p>Bounds, enforced on every insert before anything is kept: the source's cap (evicting that
 * source's oldest datagrams first), the global cap (evicting the oldest datagrams), the number of
 * pending datagrams and of fragments per datagram. The fragments' buffers are held as they are (no
 * copy) and counted by capacity; the datagram is copied once, into a buffer from the output pool,
 * when complete.
 *
 * <p>Time: each datagram expires {@link ReassemblyConfig#timeout()} after its first fragment arrived;
 * datagrams are kept in arrival order, which is expiry order, so {@link #expire} and
 * {@link #nextDeadline()} are O(1) per datagram.
 */
final class Reassembler {
    private final ReassemblyConfig config;
    private final ReassemblyListener listener;
    private final PacketBufferPool outputPool;
    private final ReassemblyCounters counters = new ReassemblyCounters();
    private final TrainTable table;

    private Train freeTrains;
    private Source freeSources;
    /** Pending datagrams in arrival (and expiry) order. */
    private Train oldest;
    private Train newest;
    private int pending;
    private long heldBytes;
    private Train completed;

    Reassembler(ReassemblyConfig config, PacketBufferPool outputPool, ReassemblyListener listener, long seed) {
        this.config = config;
        this.outputPool = outputPool;
        this.listener = listener;
        this.table = new TrainTable(config.maxDatagrams(), seed);
    }

    ReassemblyConfig config() {
        return config;
    }

    ReassemblyCounters counters() {
        return counters;
    }

    long heldBytes() {
        return heldBytes;
    }

    int pendingDatagrams() {
        return pending;
    }

    long nextDeadline() {
        return oldest == null ? Long.MAX_VALUE : oldest.deadline;
    }

    /** Counts a fragment the front end could not parse and releases it. */
    ReassemblyStatus malformed(PacketBuffer packet) {
        counters.fragmentsReceived++;
        counters.fragmentsDropped++;
        counters.count(ReassemblyStatus.MALFORMED);
        packet.release();
        return ReassemblyStatus.MALFORMED;
    }

    /**
     * Adds one fragment (taking ownership of its buffer). On {@link ReassemblyStatus#COMPLETE} the caller
     * must next call {@link #assemble} or {@link #discardCompleted} on {@link #completed()}.
     */
    ReassemblyStatus insert(Fragment f, long now) {
        expire(now);
        counters.fragmentsReceived++;
        int fragmentEnd = f.offset + f.dataLength;
        if (f.moreFragments && (f.dataLength & 7) != 0) {
            return reject(f, ReassemblyStatus.BAD_LENGTH);
        }
        if (f.moreFragments && f.dataLength == 0) {
            return drop(f, ReassemblyStatus.EMPTY);
        }
        if (fragmentEnd > f.maxEnd) {
            return reject(f, ReassemblyStatus.TOO_BIG);
        }
        Train t = table.getTrain(f.sourceHigh, f.sourceLow, f.destinationHigh, f.destinationLow, f.tag);
        if (t == null) {
            t = newTrain(f, now);
        }
        if (!f.moreFragments) {
            if ((t.end >= 0 && t.end != fragmentEnd) || fragmentEnd < t.highest) {
                return discard(t, f, ReassemblyStatus.INCONSISTENT);
            }
        } else if (t.end >= 0 && fragmentEnd > t.end) {
            return discard(t, f, ReassemblyStatus.INCONSISTENT);
        }
        int i = t.search(f.offset);
        if (i < t.count && t.offsets[i] == f.offset && t.lengths[i] == f.dataLength) {
            boolean heldIsLast = t.lastOffset == f.offset;
            if (heldIsLast != f.moreFragments && sameBytes(t, i, f)) {
                return drop(f, ReassemblyStatus.DUPLICATE);
            }
            return discard(t, f, ReassemblyStatus.OVERLAP);
        }
        if ((i > 0 && t.offsets[i - 1] + t.lengths[i - 1] > f.offset) || (i < t.count && t.offsets[i] < fragmentEnd)) {
            return discard(t, f, ReassemblyStatus.OVERLAP);
        }
        if (!t.ensureRoom(config.maxFragmentsPerDatagram())) {
            return discard(t, f, ReassemblyStatus.TOO_MANY_FRAGMENTS);
        }
        long need = f.buffer.capacity();
        Source s = t.source;
        while (s.heldBytes + need > config.perSourceCap()) {
            Train victim = s.oldest == t ? t.sourceNext : s.oldest;
            if (victim == null) {
                return discard(t, f, ReassemblyStatus.SOURCE_CAP);
            }
            counters.evictedForSourceCap++;
            discardTrain(victim);
        }
        while (heldBytes + need > config.memoryCap()) {
            Train victim = oldest == t ? t.ageNext : oldest;
            if (victim == null) {
                return discard(t, f, ReassemblyStatus.MEMORY_CAP);
            }
            counters.evictedForMemoryCap++;
            discardTrain(victim);
        }
        t.insertAt(i, f.buffer, f.offset, f.dataStart, f.dataLength);
        t.received += f.dataLength;
        t.heldBytes += need;
        s.heldBytes += need;
        heldBytes += need;
        t.highest = Math.max(t.highest, fragmentEnd);
        t.ecnSeen |= 1 << f.ecn;
        if (!f.moreFragments) {
            t.end = fragmentEnd;
            t.lastOffset = f.offset;
        }
        if (f.offset == 0) {
            t.hasFirst = true;
            t.headerStart = f.headerStart;
            t.headerLength = f.headerLength;
            t.fixupOffset = f.fixupOffset;
            t.fixupValue = f.fixupValue;
        }
        if (t.end >= 0 && t.received == t.end) {
            // Disjoint fragments inside [0, end) whose lengths add up to end tile it: the datagram is whole.
            completed = t;
            return ReassemblyStatus.COMPLETE;
        }
        counters.count(ReassemblyStatus.HELD);
        return ReassemblyStatus.HELD;
    }

    /** The datagram the last {@link #insert} completed. */
    Train completed() {
        return completed;
    }

    /**
     * Copies the completed datagram (the first fragment's header, then every fragment's data) into a
     * buffer from the output pool, releases the fragments and returns the buffer, its network offset set
     * to the header. The header still needs the family's fix-ups.
     */
    PacketBuffer assemble() {
        Train t = completed;
        completed = null;
        PacketBuffer out = outputPool.acquire();
        int at = out.append(t.headerLength + t.end);
        byte[] dst = out.array();
        System.arraycopy(t.buffers[0].array(), t.headerStart, dst, at, t.headerLength);
        int data = at + t.headerLength;
        for (int i = 0; i < t.count; i++) {
            System.arraycopy(t.buffers[i].array(), t.starts[i], dst, data + t.offsets[i], t.lengths[i]);
        }
        out.networkOffset(at);
        counters.count(ReassemblyStatus.COMPLETE);
        removeTrain(t, false);
        return out;
    }

    /** Discards the completed datagram instead (the front end found it unusable). */
    ReassemblyStatus discardCompleted(ReassemblyStatus reason) {
        Train t = completed;
        completed = null;
        counters.count(reason);
        removeTrain(t, true);
        return reason;
    }

    /**
     * Discards every datagram whose time ran out at {@code now}, telling the listener about those whose
     * first fragment had arrived.
     *
     * @return how many expired
     */
    int expire(long now) {
        int expired = 0;
        while (oldest != null && oldest.deadline <= now) {
            Train t = oldest;
            expired++;
            counters.timeouts++;
            try {
                if (t.hasFirst) {
                    listener.reassemblyTimedOut(t.buffers[0]);
                }
            } finally {
                discardTrain(t);
            }
        }
        return expired;
    }

    /** Discards every pending datagram. */
    void clear() {
        while (oldest != null) {
            discardTrain(oldest);
        }
    }

    private static boolean sameBytes(Train t, int i, Fragment f) {
        int a = t.starts[i];
        int b = f.dataStart;
        return Arrays.equals(t.buffers[i].array(), a, a + t.lengths[i], f.buffer.array(), b, b + f.dataLength);
    }

    /** Drops the fragment alone, telling the listener (for the ICMP parameter problem). */
    private ReassemblyStatus reject(Fragment f, ReassemblyStatus reason) {
        try {
            listener.fragmentRejected(f.buffer, reason);
        } finally {
            drop(f, reason);
        }
        return reason;
    }

    private ReassemblyStatus drop(Fragment f, ReassemblyStatus reason) {
        counters.count(reason);
        counters.fragmentsDropped++;
        f.buffer.release();
        return reason;
    }

    /** Drops the fragment and discards its whole datagram. */
    private ReassemblyStatus discard(Train t, Fragment f, ReassemblyStatus reason) {
        drop(f, reason);
        discardTrain(t);
        return reason;
    }

    private Train newTrain(Fragment f, long now) {
        if (pending >= config.maxDatagrams()) {
            counters.evictedForDatagramLimit++;
            discardTrain(oldest);
        }
        Train t = freeTrains;
        if (t == null) {
            t = new Train();
        } else {
            freeTrains = t.nextFree;
            t.nextFree = null;
        }
        t.reset();
        t.sourceHigh = f.sourceHigh;
        t.sourceLow = f.sourceLow;
        t.destinationHigh = f.destinationHigh;
        t.destinationLow = f.destinationLow;
        t.tag = f.tag;
        t.deadline = now + config.timeout();
        Source s = table.getSource(f.sourceHigh, f.sourceLow);
        if (s == null) {
            s = freeSources;
            if (s == null) {
                s = new Source();
            } else {
                freeSources = s.nextFree;
                s.nextFree = null;
            }
            s.high = f.sourceHigh;
            s.low = f.sourceLow;
            s.heldBytes = 0;
            s.oldest = null;
            s.newest = null;
            table.putSource(s);
        }
        t.source = s;
        t.sourcePrev = s.newest;
        t.sourceNext = null;
        if (s.newest == null) {
            s.oldest = t;
        } else {
            s.newest.sourceNext = t;
        }
        s.newest = t;
        t.agePrev = newest;
        t.ageNext = null;
        if (newest == null) {
            oldest = t;
        } else {
            newest.ageNext = t;
        }
        newest = t;
        table.putTrain(t);
        pending++;
        return t;
    }

    private void discardTrain(Train t) {
        removeTrain(t, true);
    }

    /** Unlinks {@code t} everywhere, releases its fragments and recycles it. */
    private void removeTrain(Train t, boolean dropped) {
        table.removeTrain(t);
        if (t.agePrev == null) {
            oldest = t.ageNext;
        } else {
            t.agePrev.ageNext = t.ageNext;
        }
        if (t.ageNext == null) {
            newest = t.agePrev;
        } else {
            t.ageNext.agePrev = t.agePrev;
        }
        Source s = t.source;
        if (t.sourcePrev == null) {
            s.oldest = t.sourceNext;
        } else {
            t.sourcePrev.sourceNext = t.sourceNext;
        }
        if (t.sourceNext == null) {
            s.newest = t.sourcePrev;
        } else {
            t.sourceNext.sourcePrev = t.sourcePrev;
        }
        s.heldBytes -= t.heldBytes;
        if (s.oldest == null) {
            table.removeSource(s);
            s.nextFree = freeSources;
            freeSources = s;
        }
        heldBytes -= t.heldBytes;
        pending--;
        if (dropped) {
            counters.fragmentsDropped += t.count;
        }
        for (int i = 0; i < t.count; i++) {
            t.buffers[i].release();
            t.buffers[i] = null;
        }
        t.agePrev = null;
        t.ageNext = null;
        t.sourcePrev = null;
        t.sourceNext = null;
        t.reset();
        t.nextFree = freeTrains;
        freeTrains = t;
    }
}
