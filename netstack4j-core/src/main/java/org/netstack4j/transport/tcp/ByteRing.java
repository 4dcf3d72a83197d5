package org.netstack4j.transport.tcp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The storage of a send or receive buffer: bytes addressed by a 64-bit stream offset in a power-of-two array
 * that grows on demand up to a logical capacity (an idle connection holds little memory), charged to a shared
 * memory budget. Not thread-safe: {@link SendBuffer} and {@link ReceiveBuffer} guard it with their locks.
 */
final class ByteRing {
    private static final int INITIAL = 4096;
    /** Logical capacity; raised by receive-buffer auto-tuning (written under the owner's lock, read on the shard). */
    private volatile int capacity;
    private final AtomicLong budget;
    private final long budgetLimit;
    private byte[] buf = EMPTY;
    private static final byte[] EMPTY = new byte[0];

    ByteRing(int capacity, AtomicLong budget, long budgetLimit) {
        this.capacity = capacity;
        this.budget = budget;
        this.budgetLimit = budgetLimit;
    }

    int capacity() {
        return capacity;
    }

    /** Raises or sets the logical capacity; the array still grows only when bytes arrive. */
    void capacity(int capacity) {
        this.capacity = capacity;
    }

    /** Bytes the array would grow by to hold {@code bytes} (arrays are powers of two, at least 4 KiB). */
    long growthFor(int bytes) {
        long size = Math.max(INITIAL, buf.length);
        while (size < bytes) {
            size <<= 1;
        }
        return size - buf.length;
    }

    int allocated() {
        return buf.length;
    }

    /**
     * Makes room for the bytes {@code [head, end)}, growing the array (keeping {@code [head, keepEnd)}) when it
     * is too small. False when the budget refuses.
     */
    boolean ensure(long head, long keepEnd, long end) {
        long need = end - head;
        if (need <= buf.length) {
            return true;
        }
        int size = Math.max(INITIAL, buf.length);
        while (size < need) {
            size <<= 1;
        }
        long extra = size - buf.length;
        if (budget.addAndGet(extra) > budgetLimit) {
            budget.addAndGet(-extra);
            return false;
        }
        byte[] grown = new byte[size];
        for (long p = head; p < keepEnd; ) {
            int from = index(p, buf.length);
            int to = index(p, size);
            int n = (int) Math.min(keepEnd - p, Math.min(buf.length - from, size - to));
            System.arraycopy(buf, from, grown, to, n);
            p += n;
        }
        buf = grown;
        return true;
    }

    /** Copies {@code length} bytes from {@code src} to stream offset {@code at} (room ensured by the caller). */
    void put(long at, byte[] src, int offset, int length) {
        if (buf.length == 0) {
            return; // freed: nothing to keep (the caller ensured room before, so only after a free)
        }
        int mask = buf.length - 1;
        while (length > 0) {
            int i = (int) (at & mask);
            int n = Math.min(length, buf.length - i);
            System.arraycopy(src, offset, buf, i, n);
            at += n;
            offset += n;
            length -= n;
        }
    }

    /** Copies {@code length} bytes at stream offset {@code at} into {@code dst}. */
    void get(long at, byte[] dst, int offset, int length) {
        if (buf.length == 0) {
            throw new IllegalStateException("ring freed with bytes still addressed");
        }
        int mask = buf.length - 1;
        while (length > 0) {
            int i = (int) (at & mask);
            int n = Math.min(length, buf.length - i);
            System.arraycopy(buf, i, dst, offset, n);
            at += n;
            offset += n;
            length -= n;
        }
    }

    /** Gives the array back to the budget (connection gone). */
    void free() {
        if (buf.length > 0) {
            budget.addAndGet(-buf.length);
            buf = EMPTY;
        }
    }

    private static int index(long p, int size) {
        return (int) (p & (size - 1));
    }
}
