package org.netstack4j.time;

/**
 * A hashed timing wheel for one shard: many timers, cheap to arm and cancel, fired in deadline order
 * when the shard's loop calls {@link #advanceTo(long)}. Single-threaded, sans-I/O: it never reads a
 * clock itself; the loop passes the time in and waits until {@link #nextDeadline()}.
 *
 * <p>Time is cut into ticks of {@code tickNanos}; a timer lives in slot {@code tick mod slots} of the
 * tick its deadline falls in. A slot holds timers of several revolutions (long delays simply carry a
 * later tick and are skipped until their revolution comes), so there is no upper bound on a delay.
 * The tick is only the hashing granularity: a timer fires at the first {@code advanceTo(now)} with
 * {@code now >= deadline}, never earlier, and timers due in the same call fire in deadline order
 * (ties in the order they were scheduled).
 *
 * <p>Timers are intrusive ({@link Timer} is the list node), so {@link #schedule}, {@link #cancel} and
 * firing allocate nothing. Handlers may schedule, reschedule or cancel any timer, including ones due
 * in the same call; a timer armed from a handler for a deadline that has already passed fires in the
 * <em>next</em> {@code advanceTo}, so a handler that re-arms itself "now" cannot loop forever.
 *
 * <p>Cost: schedule and cancel are O(1); {@code advanceTo} visits only ticks that hold due timers;
 * finding the next due tick after the earliest timer fired or was cancelled scans forward at most one
 * revolution of slots (and, when nothing is due within a revolution, every pending timer once).
 */
public final class TimerWheel {
    private final long tickNanos;
    private final long origin;
    private final int mask;
    private final Timer[] heads;
    private final Timer[] tails;
    private final int[] counts;

    /** Timers scheduled, due ones waiting to fire included. */
    private int size;
    /** Timers in slots (not in the firing list). */
    private int slotted;
    /** The latest time passed to {@link #advanceTo} (or the start time). */
    private long now;
    /** No slotted timer has a tick below this. */
    private long floorTick;
    /** Smallest tick of any slotted timer, when {@link #minTickValid}. */
    private long minTick;
    private boolean minTickValid;

    private Timer expiringHead;
    private Timer expiringTail;
    private boolean advancing;
    private long pass;

    /**
     * @param tickNanos  length of a tick (e.g. one millisecond); the hashing granularity
     * @param slots      number of slots, rounded up to a power of two; one revolution is
     *                   {@code slots * tickNanos}
     * @param startNanos the current time of the clock that will drive the wheel
     */
    public TimerWheel(long tickNanos, int slots, long startNanos) {
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tick must be positive: " + tickNanos);
        }
        if (slots <= 0 || slots > (1 << 24)) {
            throw new IllegalArgumentException("slots outside 1.." + (1 << 24) + ": " + slots);
        }
        int n = slots == 1 ? 1 : Integer.highestOneBit(slots - 1) << 1;
        this.tickNanos = tickNanos;
        this.origin = startNanos;
        this.mask = n - 1;
        this.heads = new Timer[n];
        this.tails = new Timer[n];
        this.counts = new int[n];
        this.now = startNanos;
    }

    /** A wheel of 1 ms ticks and 1024 slots (about one second per revolution). */
    public static TimerWheel withDefaults(long startNanos) {
        return new TimerWheel(1_000_000L, 1024, startNanos);
    }

    /** Length of a tick in nanoseconds. */
    public long tickNanos() {
        return tickNanos;
    }

    /** Number of slots (a power of two). */
    public int slots() {
        return mask + 1;
    }

    /** Number of scheduled timers. */
    public int size() {
        return size;
    }

    /** The latest time the wheel was advanced to (or its start time). */
    public long now() {
        return now;
    }

    /**
     * Schedules {@code timer} to fire at {@code deadlineNanos}, moving it if it is already scheduled.
     * A deadline at or before {@link #now()} fires at the next {@link #advanceTo}.
     *
     * @throws IllegalStateException if the timer is scheduled on another wheel
     */
    public void schedule(Timer timer, long deadlineNanos) {
        if (timer.slot != Timer.IDLE) {
            if (timer.wheel != this) {
                throw new IllegalStateException("timer is scheduled on another wheel");
            }
            remove(timer);
        }
        timer.wheel = this;
        timer.deadline = deadlineNanos;
        timer.armedInPass = advancing ? pass : 0;
        long tick = Math.max(tickOf(deadlineNanos), tickOf(now));
        timer.tick = tick;
        link(timer, (int) (tick & mask));
        size++;
        if (slotted == 1) {
            minTick = tick;
            minTickValid = true;
        } else if (minTickValid && tick < minTick) {
            minTick = tick;
        }
    }

    /**
     * Cancels {@code timer} if it is scheduled on this wheel.
     *
     * @return true if it was scheduled (and now is not)
     */
    public boolean cancel(Timer timer) {
        if (timer.slot == Timer.IDLE || timer.wheel != this) {
            return false;
        }
        remove(timer);
        return true;
    }

    /**
     * Moves the wheel's time to {@code nowNanos} and fires, in deadline order, every timer whose
     * deadline is at or before it. A time before {@link #now()} is treated as {@link #now()}.
     *
     * @return number of timers fired
     * @throws IllegalStateException if called from a timer handler
     */
    public int advanceTo(long nowNanos) {
        if (advancing) {
            throw new IllegalStateException("advanceTo called from a timer handler");
        }
        if (nowNanos > now) {
            now = nowNanos;
        }
        long target = tickOf(now);
        int fired = 0;
        advancing = true;
        pass++;
        try {
            while (slotted > 0) {
                long tick = nextDueTick();
                if (tick > target) {
                    break;
                }
                collectDue(tick);
                fired += fireExpiring();
                if (tick == target) {
                    break;
                }
                floorTick = tick + 1;
            }
            floorTick = Math.max(floorTick, target);
        } finally {
            advancing = false;
            if (expiringHead != null) {
                requeueExpiring(); // a handler threw: keep the rest for the next call
            }
        }
        return fired;
    }

    /**
     * The earliest deadline of any scheduled timer, for the loop's wait; {@link Long#MAX_VALUE} when
     * none is scheduled. A value at or before {@link #now()} means "advance now".
     */
    public long nextDeadline() {
        if (expiringHead != null) {
            return now;
        }
        long tick = nextDueTick();
        if (tick == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long earliest = Long.MAX_VALUE;
        for (Timer t = heads[(int) (tick & mask)]; t != null; t = t.next) {
            if (t.tick == tick && t.deadline < earliest) {
                earliest = t.deadline;
            }
        }
        return earliest;
    }

    private long tickOf(long time) {
        long d = time - origin;
        if (((time ^ origin) & (time ^ d)) < 0) { // overflow: saturate
            d = time > origin ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return d < 0 ? 0 : d / tickNanos;
    }

    /** Smallest tick of any slotted timer, or {@link Long#MAX_VALUE} when none. */
    private long nextDueTick() {
        if (slotted == 0) {
            return Long.MAX_VALUE;
        }
        if (minTickValid) {
            return minTick;
        }
        // Walk one revolution from the floor: the first tick that finds a timer of its own is the
        // minimum. Passing every slot also visits every timer, so the fallback minimum comes free.
        long fallback = Long.MAX_VALUE;
        for (int i = 0; i <= mask; i++) {
            long tick = floorTick + i;
            int s = (int) (tick & mask);
            if (counts[s] == 0) {
                continue;
            }
            for (Timer t = heads[s]; t != null; t = t.next) {
                if (t.tick == tick) {
                    minTick = tick;
                    minTickValid = true;
                    return tick;
                }
                if (t.tick < fallback) {
                    fallback = t.tick;
                }
            }
        }
        minTick = fallback;
        minTickValid = true;
        return fallback;
    }

    /** Moves the due timers of {@code tick} from its slot to the firing list, sorted by deadline. */
    private void collectDue(long tick) {
        int s = (int) (tick & mask);
        Timer t = heads[s];
        while (t != null) {
            Timer next = t.next;
            if (t.tick == tick && t.deadline <= now && t.armedInPass != pass) {
                unlinkFromSlot(t);
                t.slot = Timer.EXPIRING;
                t.prev = expiringTail;
                t.next = null;
                if (expiringTail == null) {
                    expiringHead = t;
                } else {
                    expiringTail.next = t;
                }
                expiringTail = t;
            }
            t = next;
        }
        if (tick == minTick) {
            minTickValid = false;
        }
        if (expiringHead != null && expiringHead.next != null) {
            expiringHead = sortByDeadline(expiringHead);
            Timer prev = null;
            for (Timer e = expiringHead; e != null; e = e.next) {
                e.prev = prev;
                prev = e;
            }
            expiringTail = prev;
        }
    }

    private int fireExpiring() {
        int fired = 0;
        while (expiringHead != null) {
            Timer t = expiringHead;
            unlinkExpiring(t);
            t.slot = Timer.IDLE;
            size--;
            fired++;
            t.handler.onTimer(t, now);
        }
        return fired;
    }

    private void requeueExpiring() {
        while (expiringHead != null) {
            Timer t = expiringHead;
            unlinkExpiring(t);
            link(t, (int) (t.tick & mask));
        }
        minTickValid = false;
    }

    private void remove(Timer t) {
        if (t.slot == Timer.EXPIRING) {
            unlinkExpiring(t);
        } else {
            unlinkFromSlot(t);
            if (t.tick == minTick) {
                minTickValid = false;
            }
        }
        t.slot = Timer.IDLE;
        size--;
    }

    private void link(Timer t, int s) {
        t.slot = s;
        t.next = null;
        t.prev = tails[s];
        if (tails[s] == null) {
            heads[s] = t;
        } else {
            tails[s].next = t;
        }
        tails[s] = t;
        counts[s]++;
        slotted++;
    }

    private void unlinkFromSlot(Timer t) {
        int s = t.slot;
        if (t.prev == null) {
            heads[s] = t.next;
        } else {
            t.prev.next = t.next;
        }
        if (t.next == null) {
            tails[s] = t.prev;
        } else {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
        counts[s]--;
        slotted--;
    }

    private void unlinkExpiring(Timer t) {
        if (t.prev == null) {
            expiringHead = t.next;
        } else {
            t.prev.next = t.next;
        }
        if (t.next == null) {
            expiringTail = t.prev;
        } else {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
    }

    /** Stable merge sort of a singly linked (via {@code next}) list; recursion depth is log n. */
    private static Timer sortByDeadline(Timer head) {
        if (head == null || head.next == null) {
            return head;
        }
        Timer slow = head;
        Timer fast = head.next;
        while (fast != null && fast.next != null) {
            slow = slow.next;
            fast = fast.next.next;
        }
        Timer second = slow.next;
        slow.next = null;
        Timer a = sortByDeadline(head);
        Timer b = sortByDeadline(second);
        Timer first = null;
        Timer last = null;
        while (a != null && b != null) {
            Timer take;
            if (b.deadline < a.deadline) {
                take = b;
                b = b.next;
            } else {
                take = a;
                a = a.next;
            }
            if (last == null) {
                first = take;
            } else {
                last.next = take;
            }
            last = take;
        }
        last.next = a != null ? a : b;
        return first;
    }

    @Override
    public String toString() {
        return "TimerWheel[tick=" + tickNanos + "ns, slots=" + (mask + 1) + ", timers=" + size + ", now=" + now + "]";
    }
}
