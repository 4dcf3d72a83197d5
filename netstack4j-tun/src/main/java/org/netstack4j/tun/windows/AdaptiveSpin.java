package org.netstack4j.tun.windows;

/**
 * How long a reader that found the ring empty keeps polling it before blocking on the read event.
 * Blocking costs a kernel wait and a wake-up (microseconds); polling costs CPU. The budget grows
 * when packets keep arriving soon after the reader gave up (a high packet rate, where a little more
 * polling would have avoided the wait) and halves when a whole spin found nothing (a low rate, where
 * polling only burns CPU), so an idle channel stops spinning and a busy one stops sleeping.
 *
 * <p>Used by the single reader thread only; no synchronisation.
 */
final class AdaptiveSpin {
    /** A wait shorter than this means the packet came "just after" the spin gave up. */
    static final long SHORT_WAIT_NANOS = 50_000L;
    private static final int GROW_STEP = 8;

    private final int max;
    private int budget;

    AdaptiveSpin(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max " + max + " < 0");
        }
        this.max = max;
        this.budget = Math.min(max, GROW_STEP);
    }

    /** Polls to make before blocking. */
    int budget() {
        return budget;
    }

    /** A whole spin found nothing. */
    void missed() {
        budget >>>= 1;
    }

    /** The reader blocked for {@code nanos} before the event fired. */
    void waited(long nanos) {
        if (nanos < SHORT_WAIT_NANOS) {
            budget = Math.min(max, budget * 2 + GROW_STEP);
        }
    }
}
