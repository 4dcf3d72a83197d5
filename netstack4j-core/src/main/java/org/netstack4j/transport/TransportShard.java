package org.netstack4j.transport;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.TimerWheel;

/**
 * One shard of the stack as a transport protocol sees it: its clock, its timer wheel, its buffers and its
 * way out. Everything except {@link #submit}, {@link #addPoller}, {@link #wake}, {@link #acquire},
 * {@link #now}, {@link #index} and {@link #inShard} must be called on the shard's own thread (from a
 * {@link TransportProtocolHandler} callback, a timer, a poller or a submitted task): that is what lets a
 * protocol keep per-flow state without locks.
 */
public interface TransportShard {

    /** This shard's index, 0 .. {@link TransportHost#shardCount()} - 1. */
    int index();

    /** Whether the calling thread is this shard's thread. */
    boolean inShard();

    /** The current time of the stack's clock, in nanoseconds. Callable from any thread. */
    long now();

    /** The shard's timer wheel (advanced by the shard loop before it parks). */
    TimerWheel timers();

    /**
     * A pooled buffer holding {@code length} bytes from its start, with headroom for link headers; the IP
     * header goes at {@link PacketBuffer#start()}. Large lengths (up to 65535 + 64) come from a pool of
     * super-packet buffers. Callable from any thread (the pools are lock-free), so that a sender can build
     * a packet on its own thread and hand it to the shard.
     */
    PacketBuffer acquire(int length);

    /**
     * Routes and sends a complete IPv4 or IPv6 packet (header at its start, checksums set or marked partial
     * where the NIC offloads them); takes ownership. A packet with GSO metadata longer than the MTU is sent
     * whole when the outgoing NIC offers GSO, else cut by the link or fragmented.
     *
     * @return true when it went to the link or to the neighbour queue; false when it was dropped (counted)
     */
    boolean send(PacketBuffer ipPacket);

    /** Runs {@code task} on this shard's thread, soon. Callable from any thread. */
    void submit(Runnable task);

    /** Adds {@code poller} to this shard's loop from its next pass on, for the stack's lifetime. Any thread. */
    void addPoller(ShardPoller poller);

    /** Wakes the shard if it is parked, so that its pollers run soon. Any thread; allocates nothing. */
    void wake();
}
