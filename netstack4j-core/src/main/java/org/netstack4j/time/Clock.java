package org.netstack4j.time;

/**
 * The stack's only source of time, injected everywhere so that protocol cores are deterministic
 * under test ({@link ManualClock}) and real in production ({@link #system()}).
 */
public interface Clock {
    /** Monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Monotonic time in milliseconds (derived from {@link #nanoTime()}). */
    default long millis() {
        return nanoTime() / 1_000_000L;
    }

    /** The JVM's monotonic clock ({@link System#nanoTime()}). */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
