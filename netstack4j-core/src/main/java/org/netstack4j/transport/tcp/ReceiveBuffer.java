package org.netstack4j.transport.tcp;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receive buffer between the connection's shard and an application thread. The shard writes segment
 * payloads at their stream offset (stream offset 0 is the sequence number IRS + 1), also beyond the in-order
 * end for out-of-order data, and moves the readable end when the gap fills; the application reads from the
 * head. The window offered to the peer is the capacity minus what is held between head and readable end.
 */
public final class ReceiveBuffer {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ByteRing ring;
    /** Stream offset of the next byte the application reads. */
    private volatile long head;
    /** Stream offset after the last in-order byte. */
    private volatile long readable;
    private boolean eof;
    private boolean inputShut;
    private boolean closedByApp;
    private boolean freeWhenDrained;
    private IOException error;
    /** Set by the shard when it offered a small window: the reader should wake it when it frees room. */
    private volatile boolean windowUpdateWanted;
    private final Runnable onRoom;

    ReceiveBuffer(int capacity, AtomicLong budget, long budgetLimit, Runnable onRoom) {
        this.ring = new ByteRing(capacity, budget, budgetLimit);
        this.onRoom = onRoom;
    }

    /** The capacity (largest window); grows when the connection's receive buffer is auto-tuned. */
    public int capacity() {
        return ring.capacity();
    }

    /** Bytes the ring's array would have to grow by to hold a window of {@code capacity}. */
    long arrayGrowth(int capacity) {
        lock.lock();
        try {
            return ring.growthFor(capacity);
        } finally {
            lock.unlock();
        }
    }

    /** Sets the capacity; the caller never lowers it below the window already offered. */
    void capacity(int bytes) {
        lock.lock();
        try {
            ring.capacity(bytes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads up to {@code length} bytes, blocking until one is there, end of stream, or the deadline.
     *
     * @return bytes read, -1 at end of stream
     */
    public int read(byte[] b, int offset, int length, long deadline) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n;
        lock.lock();
        try {
            while (true) {
                if (closedByApp) {
                    throw new SocketException("socket closed");
                }
                if (inputShut) {
                    return -1;
                }
                long avail = readable - head;
                if (avail > 0) {
                    // At most 64 KiB per lock hold: the shard writes segments in under the same lock.
                    n = (int) Math.min(Math.min(avail, length), 64 * 1024);
                    ring.get(head, b, offset, n);
                    head += n;
                    if (freeWhenDrained && head == readable) {
                        ring.free();
                    }
                    break;
                }
                if (error != null) {
                    throw error;
                }
                if (eof) {
                    return -1;
                }
                try {
                    if (deadline == Long.MAX_VALUE) {
                        changed.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new SocketTimeoutException("read timed out");
                        }
                        changed.await(left, TimeUnit.NANOSECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SocketException("interrupted");
                }
            }
        } finally {
            lock.unlock();
        }
        if (windowUpdateWanted) {
            windowUpdateWanted = false;
            onRoom.run();
        }
        return n;
    }

    /** Bytes readable now. */
    public int available() {
        return (int) (readable - head);
    }

    /** Stream offset of the next byte the application reads. */
    long head() {
        return head;
    }

    /** Stream offset after the last in-order byte. */
    long readable() {
        return readable;
    }

    /** Free room: capacity minus bytes held below the readable end. */
    long room() {
        return ring.capacity() - (readable - head);
    }

    void windowUpdateWanted(boolean on) {
        windowUpdateWanted = on;
    }

    /**
     * Stores a payload at stream offset {@code at}; the caller trimmed it to {@code [readable, head + capacity)}.
     * False when memory could not be had.
     */
    boolean put(long at, byte[] src, int offset, int length, long heldEnd) {
        lock.lock();
        try {
            if (inputShut) {
                return true; // discarded as asked, but still acknowledged
            }
            if (!ring.ensure(head, Math.max(heldEnd, readable), at + length)) {
                return false;
            }
            ring.put(at, src, offset, length);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Makes everything before {@code end} readable. */
    void advance(long end) {
        lock.lock();
        try {
            if (end > readable) {
                readable = end;
                if (inputShut) {
                    head = readable;
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The peer sent FIN: readers get -1 after the data. */
    void endOfStream() {
        lock.lock();
        try {
            eof = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether FIN was received. */
    boolean isEndOfStream() {
        lock.lock();
        try {
            return eof;
        } finally {
            lock.unlock();
        }
    }

    /** Fails readers with {@code e} once the data held is read (a reset discards it: see {@link #failNow}). */
    void fail(IOException e) {
        lock.lock();
        try {
            if (error == null) {
                error = e;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Fails readers with {@code e} now, discarding the data held (connection reset). */
    void failNow(IOException e) {
        lock.lock();
        try {
            if (error == null) {
                error = e;
            }
            head = readable;
            ring.free();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the application closed the socket (nobody will read). */
    boolean isClosedByApp() {
        lock.lock();
        try {
            return closedByApp;
        } finally {
            lock.unlock();
        }
    }

    /** The application closed the socket: discards data, blocked and later reads throw. */
    public void closeByApp() {
        lock.lock();
        try {
            closedByApp = true;
            discardHeld();
        } finally {
            lock.unlock();
        }
    }

    /** Discards held and further data; reads return -1. */
    public void shutInput() {
        lock.lock();
        try {
            discardHeld();
        } finally {
            lock.unlock();
        }
        onRoom.run();
    }

    /** Shuts input: drops what is held, frees the ring when allowed, wakes readers. Under the lock. */
    private void discardHeld() {
        inputShut = true;
        head = readable;
        if (freeWhenDrained) {
            ring.free();
        }
        changed.signalAll();
    }

    /**
     * Frees the memory (the connection is gone). In-order data the application has not read yet stays until
     * it is read: a connection can end (TIME-WAIT over, LAST-ACK acknowledged) before its reader caught up.
     */
    void free() {
        lock.lock();
        try {
            if (readable > head && !inputShut) {
                freeWhenDrained = true;
            } else {
                ring.free();
            }
        } finally {
            lock.unlock();
        }
    }
}
