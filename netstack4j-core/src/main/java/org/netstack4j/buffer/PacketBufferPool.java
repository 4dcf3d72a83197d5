package org.netstack4j.buffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded, thread-safe pool of equally sized {@link PacketBuffer}s, so that steady-state packet
 * processing allocates nothing. Buffers may be acquired on one thread and released on another
 * (dispatch loop to shard). When the pool is empty a fresh buffer is allocated (and counted); when it
 * is full a released buffer is left to the garbage collector.
 *
 * <p>The free list is a lock-free bounded MPMC ring (per-slot sequence numbers), so neither acquire
 * nor release allocates or blocks.
 */
public final class PacketBufferPool {
    private static final int MAX_PUBLICATION_SPINS = 256;

    private final int bufferSize;
    private final int headroom;
    private final int mask;
    private final AtomicReferenceArray<PacketBuffer> slots;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    private final AtomicLong allocated = new AtomicLong();
    /** Per-slot sequence: equals the position when the slot is free to write, position + 1 when it holds a buffer. */
    private final AtomicLongArray seq;

    /**
     * @param bufferSize bytes per buffer (headroom + largest packet)
     * @param headroom   bytes reserved in front of the data of every acquired buffer
     * @param maxPooled  how many free buffers the pool keeps (rounded up to a power of two)
     */
    public PacketBufferPool(int bufferSize, int headroom, int maxPooled) {
        if (bufferSize <= 0 || headroom < 0 || headroom > bufferSize || maxPooled <= 0) {
            throw new IllegalArgumentException("bufferSize=" + bufferSize + " headroom=" + headroom + " maxPooled=" + maxPooled);
        }
        this.bufferSize = bufferSize;
        this.headroom = headroom;
        int capacity = Math.max(2, Integer.highestOneBit(maxPooled - 1) << 1);
        this.mask = capacity - 1;
        this.slots = new AtomicReferenceArray<>(capacity);
        this.seq = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            seq.set(i, i);
        }
    }

    /** Bytes per buffer. */
    public int bufferSize() {
        return bufferSize;
    }

    /** Headroom of every acquired buffer. */
    public int headroom() {
        return headroom;
    }

    /** How many buffers this pool has allocated in total (a steady state stops this growing). */
    public long allocatedCount() {
        return allocated.get();
    }

    /** An empty buffer with {@link #headroom()} in front and all metadata cleared. */
    public PacketBuffer acquire() {
        PacketBuffer b = poll();
        if (b == null) {
            allocated.incrementAndGet();
            b = new PacketBuffer(new byte[bufferSize], headroom, this);
        } else {
            b.reset(headroom);
        }
        b.markAcquired();
        return b;
    }

    void recycle(PacketBuffer b) {
        offer(b);
    }

    private PacketBuffer poll() {
        long pos = head.get();
        int spins = 0;
        for (;;) {
            int i = (int) pos & mask;
            long s = seq.get(i);
            long diff = s - (pos + 1);
            if (diff == 0) {
                if (head.compareAndSet(pos, pos + 1)) {
                    PacketBuffer b = slots.get(i);
                    slots.lazySet(i, null);
                    seq.set(i, pos + mask + 1);
                    return b;
                }
                pos = head.get();
            } else if (diff < 0) {
                if (tail.get() == pos || ++spins > MAX_PUBLICATION_SPINS) {
                    return null; // empty (or a release stalled mid-publication: allocate rather than wait)
                }
                // A release has claimed this slot but not yet published it; it is a few instructions
                // from done, so waiting briefly beats allocating a buffer the pool will later discard.
                Thread.onSpinWait();
                pos = head.get();
            } else {
                pos = head.get();
            }
        }
    }

    private void offer(PacketBuffer b) {
        long pos = tail.get();
        for (;;) {
            int i = (int) pos & mask;
            long s = seq.get(i);
            long diff = s - pos;
            if (diff == 0) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    slots.set(i, b);
                    seq.set(i, pos + 1);
                    return;
                }
                pos = tail.get();
            } else if (diff < 0) {
                return; // full: let the GC have it
            } else {
                pos = tail.get();
            }
        }
    }
}
