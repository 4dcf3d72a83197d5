package org.netstack4j.time;

import java.util.Arrays;

/**
 * A hashed timing wheel for one shard: many timers, cheap to arm and cancel, fired in deadline order
 * when the shard's loop calls {@link #advanceTo(long)}. Single-threaded, sans-I/O: it never reads a
 * clock itself; the loop passes the time in and waits until {@link #nextDeadline()}.
 *
 * <p>Time is cut into ticks of {@code tickNanos}. Timers due within the current revolution of
 * {@code slots} ticks live in slot {@code tick mod slots}, so every slot holds a single tick's timers;
 * timers due later wait in an overflow heap ordered by deadline and move into the wheel as their
 * revolution comes, so a delay has no upper bound and never costs a scan of far timers. The tick is only
 * the hashing granularity: a timer fires at the first {@code advanceTo(now)} with {@code now >= deadline},
 * never earlier, and timers due in the same call fire in deadline order (ties in the order they were
 * scheduled).
 *
 * <p>Timers are intrusive ({@link Timer} is the list node), so {@link #schedule}, {@link #cancel} and
 * firing allocate nothing (the overflow heap's array grows, amortised, with the number of far timers).
 * Handlers may schedule, reschedule or cancel any timer, including ones due in the same call; a timer
 * armed from a handler for a deadline that has already passed fires in the <em>next</em>
 * {@code advanceTo}, so a handler that re-arms itself "now" cannot loop forever.
 *
 * <p>Cost: schedule and cancel are O(1) within the revolution, O(log far timers) beyond it; finding the
 * next due tick scans an occupancy bitmap (one bit per slot); {@code advanceTo} visits only ticks that
 * hold due timers.
 */
public final class TimerWheel {
    private final long tickNanos;
    private final long origin;
    private final int mask;
    private final Timer[] heads;
    private final Timer[] tails;
    private final int[] counts;
    /** One bit per slot: set while the slot holds timers. */
    private final long[] occupied;

    /** Timers scheduled: in slots, in the overflow heap and due ones waiting to fire. */
    private int size;
    /** Timers in slots. */
    private int slotted;
    /** Timers beyond the current revolution, a binary min-heap by deadline. */
    private Timer[] overflow = new Timer[16];
    private int overflowSize;
    /** The latest time passed to {@link #advanceTo} (or the start time). */
    private long now;
    /** Every slotted timer's tick lies in {@code [floorTick, floorTick + slots)}. */
    private long floorTick;

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
        this.occupied = new long[(n + 63) >>> 6];
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
        timer.tick = Math.max(tickOf(deadlineNanos), tickOf(now));
        place(timer);
        size++;
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
            while (size > 0) {
                long tick = nextDueTick();
                if (tick > target) {
                    break;
                }
                if (tick >= floorTick + mask + 1) {
                    // Nothing left in this revolution: jump to the far timer's, which brings it in.
                    floorTick = tick;
                    migrate();
                }
                collectDue(tick);
                fired += fireExpiring();
                if (tick == target) {
                    break;
                }
                floorTick = tick + 1;
                migrate();
            }
            if (target > floorTick) {
                floorTick = target;
                migrate();
            }
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
        if (slotted == 0) {
            return overflowSize == 0 ? Long.MAX_VALUE : overflow[0].deadline;
        }
        long earliest = Long.MAX_VALUE;
        for (Timer t = heads[(int) (nextSlottedTick() & mask)]; t != null; t = t.next) {
            earliest = Math.min(earliest, t.deadline);
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

    /** Puts a timer whose {@code tick} is set into its slot, or into the overflow heap when beyond the revolution. */
    private void place(Timer t) {
        if (t.tick - floorTick <= mask) {
            link(t, (int) (t.tick & mask));
        } else {
            heapAdd(t);
        }
    }

    /** Moves overflow timers that the current revolution now covers into their slots. */
    private void migrate() {
        while (overflowSize > 0 && overflow[0].tick - floorTick <= mask) {
            Timer t = heapRemoveAt(0);
            link(t, (int) (t.tick & mask));
        }
    }

    /** Smallest tick of any scheduled timer that is not firing, or {@link Long#MAX_VALUE}. */
    private long nextDueTick() {
        if (slotted > 0) {
            return nextSlottedTick(); // overflow timers all lie beyond the revolution
        }
        return overflowSize == 0 ? Long.MAX_VALUE : overflow[0].tick;
    }

    /** The tick of the first occupied slot at or after {@link #floorTick} (the wheel holds timers). */
    private long nextSlottedTick() {
        int start = (int) (floorTick & mask);
        int word = start >>> 6;
        long bits = occupied[word] & (-1L << (start & 63));
        int words = occupied.length;
        for (int i = 0; i <= words; i++) {
            if (bits != 0) {
                int slot = (word << 6) + Long.numberOfTrailingZeros(bits);
                return floorTick + ((slot - start) & mask);
            }
            word = word + 1 == words ? 0 : word + 1;
            bits = occupied[word];
        }
        throw new AssertionError("slotted timers but no occupied slot");
    }

    /** Moves the due timers of {@code tick} from its slot to the firing list, sorted by deadline. */
    private void collectDue(long tick) {
        int s = (int) (tick & mask);
        Timer t = heads[s];
        while (t != null) {
            Timer next = t.next;
            if (t.deadline <= now && t.armedInPass != pass) {
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
            place(t);
        }
    }

    private void remove(Timer t) {
        if (t.slot == Timer.EXPIRING) {
            unlinkExpiring(t);
        } else if (t.slot == Timer.OVERFLOW) {
            heapRemoveAt(t.heapIndex);
        } else {
            unlinkFromSlot(t);
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
            occupied[s >>> 6] |= 1L << s;
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
        if (--counts[s] == 0) {
            occupied[s >>> 6] &= ~(1L << s);
        }
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

    // --- overflow heap: binary min-heap by deadline, each timer knowing its index ------------------

    private void heapAdd(Timer t) {
        if (overflowSize == overflow.length) {
            overflow = Arrays.copyOf(overflow, overflowSize * 2);
        }
        t.slot = Timer.OVERFLOW;
        siftUp(overflowSize++, t);
    }

    private Timer heapRemoveAt(int i) {
        Timer removed = overflow[i];
        Timer last = overflow[--overflowSize];
        overflow[overflowSize] = null;
        if (i < overflowSize) {
            siftDown(i, last);
            if (overflow[i] == last) {
                siftUp(i, last);
            }
        }
        return removed;
    }

    private void siftUp(int i, Timer t) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = overflow[parent];
            if (p.deadline <= t.deadline) {
                break;
            }
            overflow[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        overflow[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i, Timer t) {
        int half = overflowSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Timer c = overflow[child];
            int right = child + 1;
            if (right < overflowSize && overflow[right].deadline < c.deadline) {
                child = right;
                c = overflow[right];
            }
            if (t.deadline <= c.deadline) {
                break;
            }
            overflow[i] = c;
            c.heapIndex = i;
            i = child;
        }
        overflow[i] = t;
        t.heapIndex = i;
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
