package org.netstack4j.transport.tcp;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.wire.TcpOptions;

/**
 * What a connection needs of its shard: configuration, counters, the segment sink, the timer wheel and clock,
 * a way to run work on the shard from another thread, the memory budget, and the table it lives in. The
 * protocol handler makes one per shard; tests make one over a manual clock and a capturing sink.
 */
public final class TcpShardContext {
    final TcpConfig config;
    final TcpCounters counters;
    final SegmentSink sink;
    final TimerWheel wheel;
    final LongSupplier clock;
    final Consumer<Runnable> submit;
    final AtomicLong memory;
    /** Reused for every emitted segment's options (single-threaded). */
    final TcpOptions txOptions = new TcpOptions();
    final ConnectionTable table = new ConnectionTable();
    final TimeWaitList timeWait;
    /** Called when a connection is gone for good (after CLOSED or TIME-WAIT): frees its port. */
    Consumer<TcpConnection> onGone = c -> { };

    public TcpShardContext(TcpConfig config, TcpCounters counters, SegmentSink sink, TimerWheel wheel,
                           LongSupplier clock, Consumer<Runnable> submit, AtomicLong memory) {
        this.config = config;
        this.counters = counters;
        this.sink = sink;
        this.wheel = wheel;
        this.clock = clock;
        this.submit = submit;
        this.memory = memory;
        this.timeWait = new TimeWaitList(config.timeWaitCap());
    }

    /** The connections of this shard. */
    public ConnectionTable table() {
        return table;
    }

    /** RFC 5961 §7: challenge ACKs a shard sends per second at most (a blind attacker learns little). */
    static final int CHALLENGE_ACKS_PER_SECOND = 1000;
    private long challengeSecond = Long.MIN_VALUE;
    private int challengeCount;

    boolean challengeAllowed(long now) {
        long second = now / 1_000_000_000L;
        if (second != challengeSecond) {
            challengeSecond = second;
            challengeCount = 0;
        }
        return ++challengeCount <= CHALLENGE_ACKS_PER_SECOND;
    }

    long now() {
        return clock.getAsLong();
    }

    void count(TcpCounter c) {
        counters.increment(c);
    }

    void add(TcpCounter c, long n) {
        counters.add(c, n);
    }
}
