package org.netstack4j.transport;

/**
 * Work a transport protocol hands to a shard without a task object per item (a ring of packets to send,
 * say): the shard loop calls {@link #poll()} on every pass and asks {@link #hasWork()} before it parks;
 * whoever adds work calls {@link TransportShard#wake()}. Registered with {@link TransportShard#addPoller}.
 */
public interface ShardPoller {

    /** Does a bounded share of the pending work, on the shard's thread; true when it did any. */
    boolean poll();

    /** Whether work is pending; on the shard's thread, just before it would park. */
    boolean hasWork();
}
