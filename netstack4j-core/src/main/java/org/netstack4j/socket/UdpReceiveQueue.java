package org.netstack4j.socket;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.netstack4j.buffer.PacketBuffer;

/**
 * The bounded queue of received datagrams behind a socket or a forwarded flow. It holds the stack's own
 * packet buffers (no copy on the shard); a receiver copies the payload out and releases the buffer. Full:
 * the datagram is dropped and counted. Also carries one pending error (an ICMP report) and the closed
 * state, and wakes every blocked receiver on either.
 */
final class UdpReceiveQueue {
    /** Turns a pending error into the exception a receiver sees. */
    @FunctionalInterface
    interface ErrorReport {
        void raise(int error) throws SocketException;
    }

    private final int capacity;
    private final ErrorReport report;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ArrayDeque<PacketBuffer> queue;
    private final LongAdder dropped = new LongAdder();
    private String closedReason; // guarded by lock; null while open
    private int pendingError = -1; // guarded by lock
    private Thread soleWaiter; // guarded by lock: the receiver parked without a condition node

    UdpReceiveQueue(int capacity, ErrorReport report) {
        this.capacity = capacity;
        this.report = report;
        this.queue = new ArrayDeque<>(Math.min(capacity, 16));
    }

    /** A receive timeout in nanoseconds for {@link #take}: -1 (no limit) for null, never negative otherwise. */
    static long nanos(java.time.Duration timeout) {
        if (timeout == null) {
            return -1;
        }
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE; // centuries: as good as no limit
        }
    }

    /** Adds a datagram, or drops (releases and counts) it when full or closed; called on a shard. */
    boolean offer(PacketBuffer datagram) {
        lock.lock();
        try {
            if (closedReason == null && queue.size() < capacity) {
                queue.addLast(datagram);
                wakeOne();
                return true;
            }
        } finally {
            lock.unlock();
        }
        dropped.increment();
        datagram.release();
        return false;
    }

    /**
     * Waits for the next datagram; the caller releases it.
     *
     * <p>The first receiver to wait parks itself as the sole waiter (no allocation); receivers waiting
     * alongside it wait on the condition, whose wait nodes are allocated per wait.
     *
     * @param timeoutNanos how long to wait, negative for no limit
     * @throws SocketTimeoutException when none came in time
     * @throws SocketException        when closed, or for a pending error
     */
    PacketBuffer take(long timeoutNanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
        Thread me = Thread.currentThread();
        lock.lockInterruptibly();
        try {
            while (true) {
                if (closedReason != null) {
                    throw new SocketException(closedReason);
                }
                raisePendingLocked();
                PacketBuffer p = queue.pollFirst();
                if (p != null) {
                    return p;
                }
                long nanos = -1;
                if (timeoutNanos >= 0) {
                    nanos = deadline - System.nanoTime();
                    if (nanos <= 0) {
                        throw new SocketTimeoutException("no datagram within " + timeoutNanos / 1_000_000 + " ms");
                    }
                }
                if (soleWaiter == null) {
                    soleWaiter = me;
                    lock.unlock();
                    try {
                        if (nanos < 0) {
                            LockSupport.park(this);
                        } else {
                            LockSupport.parkNanos(this, nanos);
                        }
                    } finally {
                        lock.lock();
                        if (soleWaiter == me) {
                            soleWaiter = null;
                        }
                    }
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                } else if (nanos < 0) {
                    readable.await();
                } else {
                    readable.awaitNanos(nanos);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a receiver for one new datagram: the sole waiter and one on the condition, if any. */
    private void wakeOne() {
        Thread w = soleWaiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        readable.signal();
    }

    private void wakeAll() {
        Thread w = soleWaiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        readable.signalAll();
    }

    /** Records an error for the next receive (or send) and wakes the receivers. */
    void error(int error) {
        lock.lock();
        try {
            pendingError = error;
            wakeAll();
        } finally {
            lock.unlock();
        }
    }

    /** Throws the pending error, once. */
    void raisePending() throws SocketException {
        lock.lock();
        try {
            raisePendingLocked();
        } finally {
            lock.unlock();
        }
    }

    void clearError() {
        lock.lock();
        try {
            pendingError = -1;
        } finally {
            lock.unlock();
        }
    }

    private void raisePendingLocked() throws SocketException {
        int e = pendingError;
        if (e >= 0) {
            pendingError = -1;
            report.raise(e);
        }
    }

    /**
     * Closes: releases what is queued and wakes every receiver with a {@link SocketException} carrying
     * {@code reason}. False when already closed.
     */
    boolean close(String reason) {
        lock.lock();
        try {
            if (closedReason != null) {
                return false;
            }
            closedReason = reason;
            PacketBuffer p;
            while ((p = queue.pollFirst()) != null) {
                p.release();
            }
            wakeAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Datagrams dropped because the queue was full (or closed). */
    long dropped() {
        return dropped.sum();
    }
}
