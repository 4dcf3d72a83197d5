package org.netstack4j.socket;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.transport.ShardPoller;
import org.netstack4j.transport.TransportShard;

/**
 * The hand-off of finished IP packets from sending threads to one shard: a bounded lock-free
 * multi-producer single-consumer ring (a sequence number per slot, as in Vyukov's bounded queue) that the
 * shard polls on every pass of its loop ({@link ShardPoller}). A producer publishes the packet and wakes the
 * shard if it is parked: no future, task or queue node per datagram. A full ring refuses the packet; the
 * caller waits for room.
 */
final class ShardOutbox implements ShardPoller {
    /** Packets sent per poll before the shard's other work gets its turn. */
    private static final int BATCH = 256;

    private final TransportShard shard;
    private final int mask;
    private final AtomicReferenceArray<PacketBuffer> slots;
    private final AtomicLongArray sequence;
    private final AtomicLong tail = new AtomicLong();
    private final LongAdder refusedByStack = new LongAdder();
    private long head; // consumer only

    ShardOutbox(TransportShard shard, int capacity) {
        this.shard = shard;
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.mask = size - 1;
        this.slots = new AtomicReferenceArray<>(size);
        this.sequence = new AtomicLongArray(size);
        for (int i = 0; i < size; i++) {
            sequence.set(i, i);
        }
        shard.addPoller(this);
    }

    TransportShard shard() {
        return shard;
    }

    /** Packets the shard's output dropped (no route, neighbour queue full, ...). */
    long refusedByStack() {
        return refusedByStack.sum();
    }

    /** Queues {@code packet} for the shard; false when the ring is full (the caller keeps the packet). */
    boolean offer(PacketBuffer packet) {
        long t;
        int i;
        while (true) {
            t = tail.get();
            i = (int) (t & mask);
            long d = sequence.get(i) - t;
            if (d == 0) {
                if (tail.compareAndSet(t, t + 1)) {
                    break;
                }
            } else if (d < 0) {
                return false;
            }
            Thread.onSpinWait();
        }
        slots.lazySet(i, packet);
        // A volatile store: the shard's "any work before I park" check pairs with it.
        sequence.set(i, t + 1);
        shard.wake();
        return true;
    }

    @Override
    public boolean poll() {
        int n = 0;
        while (n < BATCH) {
            int i = (int) (head & mask);
            if (sequence.get(i) != head + 1) {
                break;
            }
            PacketBuffer p = slots.get(i);
            slots.lazySet(i, null);
            sequence.set(i, head + mask + 1);
            head++;
            n++;
            if (!shard.send(p)) {
                refusedByStack.increment();
            }
        }
        return n > 0;
    }

    @Override
    public boolean hasWork() {
        return sequence.get((int) (head & mask)) == head + 1;
    }
}
