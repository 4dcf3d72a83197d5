package org.netstack4j.time;

/**
 * What a {@link Timer} does when it expires. Called on the thread that drives the
 * {@link TimerWheel}, from inside {@link TimerWheel#advanceTo(long)}.
 *
 * <p>One handler may serve many timers (it receives the timer that fired), so protocol objects can
 * implement it once instead of allocating a capturing lambda per timer.
 */
@FunctionalInterface
public interface TimerHandler {
    /**
     * The timer expired.
     *
     * @param timer     the timer that fired; it is no longer scheduled and may be rescheduled here
     * @param nowNanos  the time given to {@link TimerWheel#advanceTo(long)} (at or after the deadline)
     */
    void onTimer(Timer timer, long nowNanos);
}
