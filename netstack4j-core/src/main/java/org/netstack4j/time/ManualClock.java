package org.netstack4j.time;

import java.time.Duration;

/** A {@link Clock} that moves only when told to: for segment-by-segment tests and simulations. */
public final class ManualClock implements Clock {
    private volatile long now;

    /** A clock at time zero. */
    public ManualClock() {
        this(0);
    }

    /** A clock at {@code startNanos}. */
    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves the clock forward by {@code nanos} (not backward: a monotonic clock never does). */
    public synchronized void advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a monotonic clock cannot go back: " + nanos);
        }
        now += nanos;
    }

    /** Moves the clock forward by {@code d}. */
    public void advance(Duration d) {
        advanceNanos(d.toNanos());
    }

    /** Moves the clock forward by {@code ms} milliseconds. */
    public void advanceMillis(long ms) {
        advanceNanos(ms * 1_000_000L);
    }
}
