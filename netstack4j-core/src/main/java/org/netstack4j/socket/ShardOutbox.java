package org.netstack4j.socket;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.transport.TransportShard;

/**
 * The hand-off of finished IP packets from sending threads to one shard: a bounded lock-free
 * multi-producer single-consumer ring (a sequence number per slot, as in Vyukov's bounded queue) drained by
 * one reused task on the shard. A producer submits that task only when it is not already pending, so a busy
 * shard drains many packets per task and no datagram costs a future or a lambda. A full ring refuses the
 * packet; the caller waits for room.
 */
final class ShardOutbox implements Runnable {
    /** Packets sent per drain before the task yields to the shard's other work. */
    private static final int BATCH = 256;

    private final TransportShard shard;
    private final int mask;
    private final AtomicReferenceArray<PacketBuffer> slots;
    private final AtomicLongArray sequence;
    private final AtomicLong tail = new AtomicLong();
    private final AtomicBoolean pending = new AtomicBoolean();
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
        sequence.set(i, t + 1);
        if (!pending.get() && pending.compareAndSet(false, true)) {
            shard.submit(this);
        }
        return true;
    }

    /** Drains on the shard. */
    @Override
    public void run() {
        // Cleared before polling: a packet offered after the last poll sees it clear and submits again.
        pending.set(false);
        for (int n = 0; n < BATCH; n++) {
            int i = (int) (head & mask);
            if (sequence.get(i) != head + 1) {
                return;
            }
            PacketBuffer p = slots.get(i);
            slots.lazySet(i, null);
            sequence.set(i, head + mask + 1);
            head++;
            if (!shard.send(p)) {
                refusedByStack.increment();
            }
        }
        // More than a batch waiting: come back after the shard's other work.
        if (sequence.get((int) (head & mask)) == head + 1 && pending.compareAndSet(false, true)) {
            shard.submit(this);
        }
    }
}
