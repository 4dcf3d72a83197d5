package org.netstack4j.tun.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the threads inside native calls on a resource and lets {@link #close()} wait until they
 * have all left, so the resource is freed only when nobody can touch it any more. One atomic
 * integer: the top bit is "closed", the rest the number of callers inside.
 *
 * <p>Internal to netstack4j's device channels; not a supported API.
 */
public final class CallGuard {
    private static final int CLOSED = 1 << 31;
    private final AtomicInteger state = new AtomicInteger();
    private volatile Thread closer;

    /** An open guard with nobody inside. */
    public CallGuard() {}

    /** Enters; false (and nothing to exit) once closed. */
    public boolean enter() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Leaves after a successful {@link #enter()}. */
    public void exit() {
        if (state.decrementAndGet() == CLOSED) {
            Thread t = closer;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /** Marks closed; true for the first caller only, who must then {@link #awaitEmpty()}. */
    public boolean close() {
        closer = Thread.currentThread();
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                return true;
            }
        }
    }

    /** Waits until every caller has left; the callers must have been woken first. */
    public void awaitEmpty() {
        while ((state.get() & ~CLOSED) != 0) {
            // Bounded park: an unpark that raced ahead of this park is not lost for long.
            LockSupport.parkNanos(this, 1_000_000L);
        }
    }

    /** Number of callers inside (for tests and diagnostics). */
    public int inside() {
        return state.get() & ~CLOSED;
    }
}
