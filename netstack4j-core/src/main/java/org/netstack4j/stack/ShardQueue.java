package org.netstack4j.stack;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.netstack4j.buffer.PacketBuffer;

/**
 * A bounded lock-free multi-producer single-consumer ring of packets for one shard (after Vyukov's
 * bounded queue: a sequence number per slot tells producers and the consumer whose turn a slot is).
 * Slots are preallocated field arrays, so offering and polling allocate nothing. A full queue refuses the
 * packet; the caller counts and releases it.
 */
final class ShardQueue {
    /** An inbound packet from a NIC's endpoint. */
    static final int INBOUND = 0;
    /** An outbound IPv4 packet to hand to the NIC's ARP (runs on the NIC's home shard). */
    static final int RESOLVE_IPV4 = 1;
    /** An outbound IPv6 packet to hand to the NIC's NDP (runs on the NIC's home shard). */
    static final int RESOLVE_IPV6 = 2;
    /** A packet the stack sent to one of its own addresses, received on that address's NIC. */
    static final int LOOPBACK = 3;

    private final int mask;
    private final AtomicLongArray sequence;
    private final PacketBuffer[] packets;
    private final Nic[] nics;
    private final int[] kinds;
    private final long[] hopHigh;
    private final long[] hopLow;
    private final AtomicLong tail = new AtomicLong();
    private long head;

    ShardQueue(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.mask = size - 1;
        this.sequence = new AtomicLongArray(size);
        for (int i = 0; i < size; i++) {
            sequence.set(i, i);
        }
        this.packets = new PacketBuffer[size];
        this.nics = new Nic[size];
        this.kinds = new int[size];
        this.hopHigh = new long[size];
        this.hopLow = new long[size];
    }

    int capacity() {
        return mask + 1;
    }

    /** Adds a packet; false when the queue is full (the caller keeps the packet). Any thread. */
    boolean offer(int kind, Nic nic, PacketBuffer packet, long high, long low) {
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
        packets[i] = packet;
        nics[i] = nic;
        kinds[i] = kind;
        hopHigh[i] = high;
        hopLow[i] = low;
        // A volatile store, not a release: the consumer's "is it empty before I park" check pairs with it.
        sequence.set(i, t + 1);
        return true;
    }

    /** The slot of the oldest published packet, or -1 when none. Consumer thread only. */
    int peek() {
        int i = (int) (head & mask);
        return sequence.get(i) == head + 1 ? i : -1;
    }

    boolean isEmpty() {
        return peek() < 0;
    }

    PacketBuffer packet(int slot) {
        return packets[slot];
    }

    Nic nic(int slot) {
        return nics[slot];
    }

    int kind(int slot) {
        return kinds[slot];
    }

    long high(int slot) {
        return hopHigh[slot];
    }

    long low(int slot) {
        return hopLow[slot];
    }

    /** Frees the slot returned by {@link #peek()}. Consumer thread only. */
    void remove(int slot) {
        packets[slot] = null;
        nics[slot] = null;
        sequence.set(slot, head + mask + 1);
        head++;
    }
}
