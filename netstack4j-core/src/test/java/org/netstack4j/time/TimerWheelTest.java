package org.netstack4j.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
    private static final long MS = 1_000_000L;

    private final ManualClock clock = new ManualClock(5 * MS);
    private final TimerWheel wheel = new TimerWheel(MS, 8, clock.nanoTime());
    private final List<String> log = new ArrayList<>();

    private Timer named(String name) {
        return new Timer((t, now) -> log.add(name + "@" + now / MS));
    }

    private int advance(long ms) {
        clock.advanceMillis(ms);
        return wheel.advanceTo(clock.nanoTime());
    }

    @Test
    void firesAtTheFirstAdvanceAtOrAfterTheDeadlineNeverBefore() {
        Timer t = named("a");
        wheel.schedule(t, clock.nanoTime() + 3 * MS + 500_000);
        assertThat(advance(3)).isZero();
        assertThat(t.isScheduled()).isTrue();
        clock.advanceNanos(499_999);
        assertThat(wheel.advanceTo(clock.nanoTime())).isZero();
        clock.advanceNanos(1);
        assertThat(wheel.advanceTo(clock.nanoTime())).isEqualTo(1);
        assertThat(log).containsExactly("a@8");
        assertThat(t.isScheduled()).isFalse();
        assertThat(wheel.size()).isZero();
    }

    @Test
    void timersInTheSameTickFireInDeadlineOrderAndTiesInScheduleOrder() {
        long base = clock.nanoTime();
        wheel.schedule(named("c"), base + 2 * MS + 900_000);
        wheel.schedule(named("a"), base + 2 * MS + 100_000);
        wheel.schedule(named("b1"), base + 2 * MS + 500_000);
        wheel.schedule(named("b2"), base + 2 * MS + 500_000);
        wheel.schedule(named("early"), base + MS);
        assertThat(advance(10)).isEqualTo(5);
        assertThat(log).containsExactly("early@15", "a@15", "b1@15", "b2@15", "c@15");
    }

    @Test
    void delaysLongerThanOneRevolutionWaitForTheirRound() {
        // 8 slots of 1 ms: a revolution is 8 ms; these share slots with nearer timers.
        long base = clock.nanoTime();
        wheel.schedule(named("far"), base + 8 * MS + 1);
        wheel.schedule(named("farther"), base + 16 * MS + 1);
        wheel.schedule(named("near"), base + 1);
        assertThat(wheel.nextDeadline()).isEqualTo(base + 1);
        assertThat(advance(1)).isEqualTo(1);
        assertThat(wheel.nextDeadline()).isEqualTo(base + 8 * MS + 1);
        assertThat(advance(7)).isZero();
        assertThat(advance(1)).isEqualTo(1);
        assertThat(wheel.nextDeadline()).isEqualTo(base + 16 * MS + 1);
        assertThat(advance(100)).isEqualTo(1);
        assertThat(log).containsExactly("near@6", "far@14", "farther@114");
        assertThat(wheel.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void farTimersCanBeCancelledAndRescheduledBeforeTheirRevolution() {
        long base = clock.nanoTime();
        Timer[] far = new Timer[20];
        for (int i = 0; i < far.length; i++) {
            far[i] = named("far" + i);
            wheel.schedule(far[i], base + (100 + 7 * i) * MS); // all beyond the 8-tick revolution
        }
        for (int i = 0; i < far.length; i += 2) {
            assertThat(far[i].cancel()).isTrue();
        }
        assertThat(wheel.size()).isEqualTo(10);
        wheel.schedule(far[1], base + 3 * MS); // from the overflow into the current revolution
        wheel.schedule(far[3], base + 500 * MS); // and further out
        assertThat(wheel.nextDeadline()).isEqualTo(base + 3 * MS);
        assertThat(advance(3)).isEqualTo(1);
        assertThat(wheel.nextDeadline()).isEqualTo(base + (100 + 7 * 5) * MS);
        for (int i = 0; i < 600; i++) {
            advance(1);
        }
        assertThat(log).containsExactly("far1@8", "far5@140", "far7@154", "far9@168", "far11@182", "far13@196",
                "far15@210", "far17@224", "far19@238", "far3@505");
        assertThat(wheel.size()).isZero();
    }

    @Test
    void aHugeJumpFiresEverythingInDeadlineOrder() {
        long base = clock.nanoTime();
        long[] delays = {50, 3, 1000, 9, 17, 4, 70_000, 8};
        for (long d : delays) {
            wheel.schedule(named("t" + d), base + d * MS);
        }
        assertThat(advance(1_000_000)).isEqualTo(delays.length);
        assertThat(log).containsExactly("t3@1000005", "t4@1000005", "t8@1000005", "t9@1000005", "t17@1000005",
                "t50@1000005", "t1000@1000005", "t70000@1000005");
    }

    @Test
    void aPastDeadlineFiresAtTheNextAdvance() {
        wheel.schedule(named("late"), clock.nanoTime() - 3 * MS);
        assertThat(wheel.nextDeadline()).isLessThanOrEqualTo(wheel.now());
        assertThat(wheel.advanceTo(clock.nanoTime())).isEqualTo(1);
        assertThat(log).containsExactly("late@5");
    }

    @Test
    void rescheduleMovesATimerAndCancelRemovesIt() {
        long base = clock.nanoTime();
        Timer a = named("a");
        Timer b = named("b");
        wheel.schedule(a, base + 2 * MS);
        wheel.schedule(b, base + 3 * MS);
        wheel.schedule(a, base + 5 * MS);
        assertThat(wheel.size()).isEqualTo(2);
        assertThat(wheel.nextDeadline()).isEqualTo(base + 3 * MS);
        assertThat(b.cancel()).isTrue();
        assertThat(b.cancel()).isFalse();
        assertThat(wheel.cancel(b)).isFalse();
        assertThat(wheel.nextDeadline()).isEqualTo(base + 5 * MS);
        assertThat(advance(4)).isZero();
        assertThat(advance(1)).isEqualTo(1);
        assertThat(log).containsExactly("a@10");
    }

    @Test
    void aHandlerCanCancelATimerDueInTheSameAdvance() {
        long base = clock.nanoTime();
        Timer victim = named("victim");
        Timer killer = new Timer((t, now) -> {
            log.add("killer");
            assertThat(victim.cancel()).isTrue();
        });
        wheel.schedule(killer, base + MS);
        wheel.schedule(victim, base + 2 * MS);
        assertThat(advance(5)).isEqualTo(1);
        assertThat(log).containsExactly("killer");
        assertThat(wheel.size()).isZero();
        assertThat(advance(50)).isZero();
    }

    @Test
    void aHandlerCanCancelATimerDueInTheSameTick() {
        long base = clock.nanoTime();
        Timer victim = named("victim");
        Timer killer = new Timer((t, now) -> {
            log.add("killer");
            victim.cancel();
        });
        wheel.schedule(victim, base + MS + 2);
        wheel.schedule(killer, base + MS + 1);
        assertThat(advance(2)).isEqualTo(1);
        assertThat(log).containsExactly("killer");
    }

    @Test
    void aHandlerCanRescheduleItselfPeriodically() {
        long base = clock.nanoTime();
        int[] runs = {0};
        Timer periodic = new Timer((t, now) -> {
            runs[0]++;
            log.add("tick@" + now / MS);
            wheel.schedule(t, t.deadline() + 3 * MS);
        });
        wheel.schedule(periodic, base + 3 * MS);
        for (int i = 0; i < 12; i++) {
            advance(1);
        }
        assertThat(log).containsExactly("tick@8", "tick@11", "tick@14", "tick@17");
        assertThat(periodic.isScheduled()).isTrue();
        assertThat(periodic.deadline()).isEqualTo(base + 15 * MS);
    }

    @Test
    void aHandlerThatReArmsForNowFiresOnceMorePerAdvanceInsteadOfLooping() {
        int[] runs = {0};
        Timer eager = new Timer((t, now) -> {
            runs[0]++;
            wheel.schedule(t, now);
        });
        wheel.schedule(eager, clock.nanoTime());
        assertThat(wheel.advanceTo(clock.nanoTime())).isEqualTo(1);
        assertThat(wheel.advanceTo(clock.nanoTime())).isEqualTo(1);
        assertThat(advance(100)).isEqualTo(1);
        assertThat(runs[0]).isEqualTo(3);
        assertThat(eager.isScheduled()).isTrue();
    }

    @Test
    void aHandlerCanRescheduleAnotherDueTimerLater() {
        long base = clock.nanoTime();
        Timer postponed = named("postponed");
        Timer first = new Timer((t, now) -> {
            log.add("first");
            wheel.schedule(postponed, now + 10 * MS);
        });
        wheel.schedule(first, base + MS);
        wheel.schedule(postponed, base + 2 * MS);
        assertThat(advance(3)).isEqualTo(1);
        assertThat(advance(9)).isZero();
        assertThat(advance(1)).isEqualTo(1);
        assertThat(log).containsExactly("first", "postponed@18");
    }

    @Test
    void aHandlerArmingAnotherTimerForAPassedDeadlineGetsItOnTheNextAdvance() {
        long base = clock.nanoTime();
        Timer follower = named("follower");
        wheel.schedule(new Timer((t, now) -> wheel.schedule(follower, base + 2 * MS)), base + MS);
        assertThat(advance(4)).isEqualTo(1);
        assertThat(log).isEmpty();
        assertThat(wheel.nextDeadline()).isEqualTo(base + 2 * MS);
        assertThat(wheel.advanceTo(clock.nanoTime())).isEqualTo(1);
        assertThat(log).containsExactly("follower@9");
    }

    @Test
    void aThrowingHandlerLeavesTheOtherDueTimersForTheNextAdvance() {
        long base = clock.nanoTime();
        wheel.schedule(new Timer((t, now) -> {
            throw new IllegalStateException("boom");
        }), base + MS);
        wheel.schedule(named("after"), base + MS + 1);
        clock.advanceMillis(2);
        assertThatThrownBy(() -> wheel.advanceTo(clock.nanoTime())).hasMessage("boom");
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(wheel.advanceTo(clock.nanoTime())).isEqualTo(1);
        assertThat(log).containsExactly("after@7");
    }

    @Test
    void advanceFromAHandlerIsRefused() {
        RuntimeException[] seen = new RuntimeException[1];
        wheel.schedule(new Timer((t, now) -> {
            try {
                wheel.advanceTo(now);
            } catch (IllegalStateException e) {
                seen[0] = e;
            }
        }), clock.nanoTime());
        wheel.advanceTo(clock.nanoTime());
        assertThat(seen[0]).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTimerCannotBeScheduledOnTwoWheelsAtOnce() {
        TimerWheel other = new TimerWheel(MS, 4, 0);
        Timer t = named("t");
        wheel.schedule(t, clock.nanoTime() + MS);
        assertThatThrownBy(() -> other.schedule(t, MS)).isInstanceOf(IllegalStateException.class);
        assertThat(other.cancel(t)).isFalse();
        t.cancel();
        other.schedule(t, MS);
        assertThat(other.size()).isEqualTo(1);
    }

    @Test
    void timeNeverGoesBack() {
        clock.advanceMillis(10);
        wheel.advanceTo(clock.nanoTime());
        Timer t = named("t");
        wheel.schedule(t, clock.nanoTime() + MS);
        assertThat(wheel.advanceTo(0)).isZero();
        assertThat(wheel.now()).isEqualTo(clock.nanoTime());
    }

    @Test
    void rejectsBadConfiguration() {
        assertThatThrownBy(() -> new TimerWheel(0, 8, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TimerWheel(MS, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new TimerWheel(MS, 1000, 0).slots()).isEqualTo(1024);
        assertThat(new TimerWheel(MS, 1, 0).slots()).isEqualTo(1);
    }

    @Test
    void aOneSlotWheelStillOrdersEverything() {
        TimerWheel single = new TimerWheel(MS, 1, 0);
        List<Long> fired = new ArrayList<>();
        for (long d : new long[] {9, 2, 5, 1, 7}) {
            single.schedule(new Timer((t, now) -> fired.add(t.deadline() / MS)), d * MS);
        }
        single.advanceTo(6 * MS);
        assertThat(fired).containsExactly(1L, 2L, 5L);
        assertThat(single.nextDeadline()).isEqualTo(7 * MS);
        single.advanceTo(100 * MS);
        assertThat(fired).containsExactly(1L, 2L, 5L, 7L, 9L);
    }

    /**
     * Against a reference model: many timers with random deadlines (some past one revolution), random
     * cancels and reschedules from outside and inside handlers, random advance steps. Every timer must
     * fire exactly at the first advance whose time reaches its deadline, in global deadline order.
     */
    @Test
    void manyTimersMatchAReferenceModel() {
        SplittableRandom random = new SplittableRandom(42);
        TimerWheel w = new TimerWheel(MS, 64, 0);
        int n = 5_000;
        Timer[] timers = new Timer[n];
        long[] expected = new long[n]; // deadline, or -1 when not scheduled
        int[] rearms = new int[n];
        List<long[]> fired = new ArrayList<>(); // {index, deadline, now}
        for (int i = 0; i < n; i++) {
            int index = i;
            timers[i] = new Timer((t, now) -> {
                assertThat(expected[index]).isEqualTo(t.deadline());
                fired.add(new long[] {index, t.deadline(), now});
                expected[index] = -1;
                // One in ten re-arms itself in the future (three times at most); one in ten cancels a
                // random other timer.
                int action = index % 10;
                if (action == 0 && rearms[index]++ < 3) {
                    long d = now + 1 + (index % 5000) * 1000L;
                    w.schedule(t, d);
                    expected[index] = d;
                } else if (action == 1) {
                    int victim = (index * 31) % n;
                    boolean wasScheduled = expected[victim] >= 0;
                    assertThat(timers[victim].cancel()).isEqualTo(wasScheduled);
                    expected[victim] = -1;
                }
            });
            expected[i] = -1;
        }
        for (int i = 0; i < n; i++) {
            long d = random.nextLong(0, 500 * MS);
            w.schedule(timers[i], d);
            expected[i] = d;
        }
        long now = 0;
        int steps = 0;
        while (w.size() > 0) {
            steps++;
            assertThat(steps).as("wheel drains").isLessThan(1_000_000);
            if (steps < 3_000 && random.nextInt(4) == 0) {
                int k = random.nextInt(n);
                if (random.nextBoolean()) {
                    long d = now + random.nextLong(0, 200 * MS);
                    w.schedule(timers[k], d);
                    expected[k] = d;
                } else {
                    assertThat(timers[k].cancel()).isEqualTo(expected[k] >= 0);
                    expected[k] = -1;
                }
            }
            long earliest = Long.MAX_VALUE;
            for (long e : expected) {
                if (e >= 0 && e < earliest) {
                    earliest = e;
                }
            }
            assertThat(w.nextDeadline()).isEqualTo(earliest);
            now += random.nextLong(0, 3 * MS);
            int before = fired.size();
            w.advanceTo(now);
            List<long[]> batch = fired.subList(before, fired.size());
            assertThat(batch).isSortedAccordingTo(Comparator.comparingLong(f -> f[1]));
            for (long[] f : batch) {
                assertThat(f[1]).isLessThanOrEqualTo(now);
                assertThat(f[2]).isEqualTo(now);
            }
            for (int i = 0; i < n; i++) {
                // Handlers here only arm future deadlines, so nothing due may be left behind.
                assertThat(timers[i].isScheduled()).isEqualTo(expected[i] >= 0);
                if (expected[i] >= 0) {
                    assertThat(expected[i]).isGreaterThan(now);
                }
            }
        }
        assertThat(w.size()).isZero();
        assertThat(fired.size()).isGreaterThan(n / 2);
    }
}
