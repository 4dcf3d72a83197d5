package org.netstack4j.transport.tcp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * TCP counters of one stack, incremented from every shard, read as a snapshot. Each counter is one slot of an
 * {@link AtomicLongArray} (spaced a cache line apart so shards do not share lines).
 */
public final class TcpCounters {
    private static final int SPACING = 8;
    private static final TcpCounter[] ALL = TcpCounter.values();
    private final AtomicLongArray values = new AtomicLongArray(ALL.length * SPACING);

    /** Adds one to {@code c}. */
    public void increment(TcpCounter c) {
        values.getAndIncrement(c.ordinal() * SPACING);
    }

    /** Adds {@code n} to {@code c}. */
    public void add(TcpCounter c, long n) {
        values.getAndAdd(c.ordinal() * SPACING, n);
    }

    /** The current value of {@code c}. */
    public long get(TcpCounter c) {
        return values.get(c.ordinal() * SPACING);
    }

    /** Every counter's value now. */
    public Map<TcpCounter, Long> snapshot() {
        Map<TcpCounter, Long> m = new EnumMap<>(TcpCounter.class);
        for (TcpCounter c : ALL) {
            m.put(c, get(c));
        }
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TcpCounters{");
        for (TcpCounter c : ALL) {
            long v = get(c);
            if (v != 0) {
                sb.append(c.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(v).append(' ');
            }
        }
        return sb.append('}').toString();
    }
}
