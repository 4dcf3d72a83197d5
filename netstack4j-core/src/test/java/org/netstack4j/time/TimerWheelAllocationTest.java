package org.netstack4j.time;

import static org.assertj.core.api.Assertions.assertThat;

import org.netstack4j.testutil.AllocationMeter;
import org.junit.jupiter.api.Test;

/** Scheduling, rescheduling, cancelling and firing timers allocates nothing. */
class TimerWheelAllocationTest {
    private static final long MS = 1_000_000L;
    private static final int ROUNDS = 20_000;

    private long fired;

    @Test
    void steadyStateTimerTrafficAllocatesNothing() {
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        TimerWheel wheel = new TimerWheel(MS, 256, 0);
        TimerHandler handler = (t, now) -> {
            fired++;
            if ((fired & 3) == 0) {
                wheel.schedule(t, now + 7 * MS); // periodic re-arm from the handler
            }
        };
        Timer[] timers = new Timer[512];
        for (int i = 0; i < timers.length; i++) {
            timers[i] = new Timer(handler);
        }
        long[] now = {0};
        Runnable round = () -> {
            for (int i = 0; i < ROUNDS; i++) {
                Timer t = timers[i & 511];
                wheel.schedule(t, now[0] + (i % 300) * MS + i % 1000);
                if ((i & 7) == 0) {
                    timers[(i * 13) & 511].cancel();
                }
                if ((i & 15) == 0) {
                    now[0] += MS;
                    wheel.advanceTo(now[0]);
                    wheel.nextDeadline();
                }
            }
        };
        round.run(); // warm up
        long allocated = meter.measure(round);
        assertThat(fired).isPositive();
        assertThat(allocated).as("bytes allocated for %d timer operations", ROUNDS).isLessThan(ROUNDS / 10);
    }
}
