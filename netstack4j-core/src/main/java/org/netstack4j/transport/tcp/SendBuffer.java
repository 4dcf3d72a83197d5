package org.netstack4j.transport.tcp;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The send buffer between an application thread and the connection's shard: the application appends bytes at
 * the tail (blocking while full), the shard copies them into segments by stream offset and frees them as they
 * are acknowledged. Stream offset 0 is the first data byte (sequence number ISS + 1). Blocking uses a
 * {@link ReentrantLock}, so a virtual thread parks without pinning its carrier.
 */
public final class SendBuffer {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ByteRing ring;
    private volatile int limit;
    /** Stream offset of the first unacknowledged byte. */
    private volatile long head;
    /** Stream offset after the last byte written. */
    private volatile long tail;
    private boolean shut;
    private IOException error;

    SendBuffer(int capacity, AtomicLong budget, long budgetLimit) {
        this.ring = new ByteRing(Math.max(1024, Integer.highestOneBit(Math.max(1, capacity - 1)) << 1),
                budget, budgetLimit);
        this.limit = capacity;
    }

    /** The most array memory the buffer may take (its size rounded up to a power of two). */
    int ceiling() {
        return ring.capacity();
    }

    /** Changes the buffer size (takes effect for further writes). */
    public void resize(int capacity) {
        limit = Math.min(Math.max(1024, capacity), ring.capacity());
    }

    /**
     * Appends bytes, blocking while the buffer is full.
     *
     * @param deadline {@code System.nanoTime()} deadline, or {@code Long.MAX_VALUE}
     * @return bytes appended (at least one)
     */
    public int write(byte[] b, int offset, int length, long deadline) throws IOException {
        if (length == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (true) {
                if (error != null) {
                    throw error;
                }
                if (shut) {
                    throw new SocketException("socket output is shut down");
                }
                long room = limit - (tail - head);
                if (room > 0) {
                    // At most 64 KiB per lock hold: the shard copies segments out under the same lock.
                    int n = (int) Math.min(Math.min(room, length), MAX_COPY);
                    if (!ring.ensure(head, tail, tail + n)) {
                        n = (int) Math.min(n, ring.allocated() - (tail - head));
                        if (n <= 0) {
                            if (deadline == NO_WAIT) {
                                return 0;
                            }
                            awaitChange(deadline);
                            continue;
                        }
                    }
                    ring.put(tail, b, offset, n);
                    tail += n;
                    return n;
                }
                if (deadline == NO_WAIT) {
                    return 0;
                }
                awaitChange(deadline);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Appends what fits now without blocking; 0 when the buffer is full. */
    public int tryWrite(byte[] b, int offset, int length) throws IOException {
        return write(b, offset, length, NO_WAIT);
    }

    private static final long NO_WAIT = Long.MIN_VALUE;
    private static final int MAX_COPY = 64 * 1024;

    private void awaitChange(long deadline) throws IOException {
        try {
            if (deadline == Long.MAX_VALUE) {
                changed.await();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("write timed out");
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketException("interrupted");
        }
    }

    /** Stream offset after the last byte written. */
    public long tail() {
        return tail;
    }

    /** Stream offset of the first unacknowledged byte. */
    public long head() {
        return head;
    }

    /** Whether no more bytes will be written. */
    public boolean isShut() {
        lock.lock();
        try {
            return shut;
        } finally {
            lock.unlock();
        }
    }

    /** No more writes: returns the final tail (where the FIN goes). */
    long shut() {
        lock.lock();
        try {
            shut = true;
            changed.signalAll();
            return tail;
        } finally {
            lock.unlock();
        }
    }

    /** Copies {@code length} bytes at stream offset {@code at} (between head and tail) into {@code dst}. */
    void copy(long at, byte[] dst, int offset, int length) {
        lock.lock();
        try {
            ring.get(at, dst, offset, length);
        } finally {
            lock.unlock();
        }
    }

    /** Frees every byte before {@code newHead}. */
    void release(long newHead) {
        lock.lock();
        try {
            if (newHead > head) {
                head = Math.min(newHead, tail);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every written byte is acknowledged, the connection failed, or the deadline. */
    public boolean awaitDrained(long deadline) {
        lock.lock();
        try {
            while (head < tail && error == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            return head >= tail;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Fails every current and later write with {@code e}, frees the memory. */
    void fail(IOException e) {
        lock.lock();
        try {
            if (error == null) {
                error = e;
            }
            ring.free();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Frees the memory (connection finished). */
    void free() {
        lock.lock();
        try {
            ring.free();
        } finally {
            lock.unlock();
        }
    }
}
