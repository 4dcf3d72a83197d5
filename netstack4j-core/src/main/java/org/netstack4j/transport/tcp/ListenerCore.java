package org.netstack4j.transport.tcp;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A listening endpoint: its address (wildcard when zero), port, the count of its half-open connections (the
 * SYN queue, shared by every shard because SYNs for one listener arrive on all of them), and the accept queue
 * of established connections waiting for the application.
 */
public final class ListenerCore {
    final int version;
    final long high;
    final long low;
    final int port;
    final int backlog;
    final AtomicInteger synQueue = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<TcpConnection> queue = new ArrayDeque<>();
    private boolean closed;
    /** Receive buffer of the connections it accepts; 0: the configuration's, auto-tuned. */
    private volatile int receiveBufferSize;
    /** Run after a connection was queued (outside the lock): lets one waiter serve several listeners. */
    private volatile Runnable onQueued;

    ListenerCore(int version, long high, long low, int port, int backlog) {
        this.version = version;
        this.high = high;
        this.low = low;
        this.port = port;
        this.backlog = backlog;
    }

    /**
     * Sets the receive buffer size of the connections accepted from now on (SO_RCVBUF inherited from the
     * listening socket): it also decides the window scale of their SYN-ACK, and such connections are never
     * auto-tuned. 0 or less returns to the configuration's, auto-tuned, size.
     */
    public void receiveBufferSize(int bytes) {
        receiveBufferSize = Math.max(0, bytes);
    }

    /** The receive buffer size set for accepted connections, 0 when none was set. */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** IP version 4 or 6. */
    public int version() {
        return version;
    }

    /** Upper address half (0 for IPv4 and for the wildcard). */
    public long high() {
        return high;
    }

    /** Lower address half (0 for the wildcard). */
    public long low() {
        return low;
    }

    boolean accepts(long destinationHigh, long destinationLow) {
        return (high == 0 && low == 0) || (high == destinationHigh && low == destinationLow);
    }

    boolean isWildcard() {
        return high == 0 && low == 0;
    }

    boolean acceptQueueFull() {
        lock.lock();
        try {
            return closed || queue.size() >= backlog;
        } finally {
            lock.unlock();
        }
    }

    /** Queues an established connection; false when the listener is closed. */
    boolean offer(TcpConnection c) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            queue.add(c);
            ready.signal();
        } finally {
            lock.unlock();
        }
        Runnable hook = onQueued;
        if (hook != null) {
            hook.run();
        }
        return true;
    }

    /**
     * Sets what runs (on the shard, outside this listener's lock) each time a connection is queued: a caller
     * that waits on several listeners at once, with {@link #poll()}, wakes up on it. Null removes it.
     */
    public void onQueued(Runnable hook) {
        this.onQueued = hook;
    }

    /** The next established connection, waiting until {@code deadline} ({@code System.nanoTime()}). */
    public TcpConnection take(long deadline) throws IOException {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new SocketException("listener closed");
                }
                TcpConnection c = queue.poll();
                if (c != null) {
                    return c;
                }
                if (deadline == Long.MAX_VALUE) {
                    ready.await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("accept timed out");
                    }
                    ready.await(left, TimeUnit.NANOSECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketException("interrupted");
        } finally {
            lock.unlock();
        }
    }

    /** The next established connection if one is queued, else null (never blocks). */
    public TcpConnection poll() {
        lock.lock();
        try {
            return queue.poll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes: wakes waiting accepts and returns the queued connections (to be reset). */
    List<TcpConnection> close() {
        lock.lock();
        try {
            closed = true;
            ready.signalAll();
            List<TcpConnection> left = new ArrayList<>(queue);
            queue.clear();
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** Whether closed. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
