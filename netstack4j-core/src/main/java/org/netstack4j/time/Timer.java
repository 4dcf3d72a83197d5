package org.netstack4j.time;

/**
 * A reusable timer for a {@link TimerWheel}: the object itself is the wheel's list node, so
 * scheduling, rescheduling and cancelling never allocate. Create one per purpose (a retransmission
 * timer, a neighbour entry's state timer) and keep it for the owner's lifetime.
 *
 * <p>Not thread-safe: a timer belongs to the single thread that drives its wheel.
 */
public final class Timer {
    /** {@link #slot} of a timer that is not scheduled. */
    static final int IDLE = -1;
    /** {@link #slot} of a due timer waiting in the wheel's firing list. */
    static final int EXPIRING = -2;
    /** {@link #slot} of a timer beyond the wheel's current revolution, held in its overflow heap. */
    static final int OVERFLOW = -3;

    final TimerHandler handler;
    TimerWheel wheel;
    long deadline;
    /** The wheel tick whose slot holds this timer. */
    long tick;
    /** Slot index, {@link #IDLE}, {@link #EXPIRING} or {@link #OVERFLOW}. */
    int slot = IDLE;
    /** Position in the overflow heap while {@link #slot} is {@link #OVERFLOW}. */
    int heapIndex;
    /** Non-zero when armed during a wheel's advance: the pass number, so that pass does not fire it. */
    long armedInPass;
    Timer prev;
    Timer next;

    /** A timer that calls {@code handler} when it expires. */
    public Timer(TimerHandler handler) {
        if (handler == null) {
            throw new NullPointerException("handler");
        }
        this.handler = handler;
    }

    /** The handler given at construction. */
    public TimerHandler handler() {
        return handler;
    }

    /** True while scheduled (between {@link TimerWheel#schedule} and firing or cancellation). */
    public boolean isScheduled() {
        return slot != IDLE;
    }

    /** The deadline of the last schedule, in the wheel's clock nanoseconds (meaningful while scheduled). */
    public long deadline() {
        return deadline;
    }

    /**
     * Cancels the timer if it is scheduled.
     *
     * @return true if it was scheduled
     */
    public boolean cancel() {
        return slot != IDLE && wheel.cancel(this);
    }

    @Override
    public String toString() {
        return isScheduled() ? "Timer[deadline=" + deadline + "]" : "Timer[idle]";
    }
}
