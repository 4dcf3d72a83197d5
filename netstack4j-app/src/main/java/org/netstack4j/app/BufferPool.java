package org.netstack4j.app;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Reusable I/O buffers for the services' connections: a connection takes one when it starts and gives it back
 * when it ends, so a short connection (a connection-rate test opens thousands a second) does not allocate and
 * zero a 64 KiB array. Holds at most {@code keep} idle buffers; beyond that they are left to the collector.
 */
final class BufferPool {
    /** The services' read size: large enough for a bulk stream, one read per 64 KiB write of a client. */
    static final BufferPool SHARED = new BufferPool(64 * 1024, 64);

    private final int size;
    private final ArrayBlockingQueue<byte[]> idle;

    BufferPool(int size, int keep) {
        this.size = size;
        this.idle = new ArrayBlockingQueue<>(keep);
    }

    /** An idle buffer, or a new one. */
    byte[] take() {
        byte[] b = idle.poll();
        return b != null ? b : new byte[size];
    }

    /** Gives {@code b} back (kept when there is room). */
    void give(byte[] b) {
        if (b.length == size) {
            idle.offer(b);
        }
    }
}
