package org.netstack4j.transport.tcp;

import java.util.ArrayDeque;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.ManualClock;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.transport.ShardPoller;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.TransportShard;

/**
 * A fake stack with one IPv4 address and one shard on a manual clock, run on the test's own thread: tasks
 * queue until {@link #runTasks()}, timers fire when the test advances the wheel. Subclasses decide where sent
 * packets go.
 */
abstract class OneShardHost implements TransportHost, TransportShard {
    final int address;
    final ManualClock clock;
    final TimerWheel wheel;
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    OneShardHost(int address, ManualClock clock) {
        this.address = address;
        this.clock = clock;
        this.wheel = new TimerWheel(1_000_000L, 1024, clock.nanoTime());
    }

    /** Runs queued tasks (and those they queue), at most {@code limit}. */
    final void runTasks(int limit) {
        for (int i = 0; i < limit && !tasks.isEmpty(); i++) {
            tasks.poll().run();
        }
    }

    @Override
    public int shardCount() {
        return 1;
    }

    @Override
    public TransportShard shard(int index) {
        return this;
    }

    @Override
    public TransportShard currentShard() {
        return this;
    }

    @Override
    public TransportShard shardOfIpv4Flow(int protocol, int addressA, int portA, int addressB, int portB) {
        return this;
    }

    @Override
    public TransportShard shardOfIpv6Flow(int protocol, long ah, long al, int pa, long bh, long bl, int pb) {
        return this;
    }

    @Override
    public Path pathToIpv4(int destination) {
        return new Path(1, 4, 0, address & 0xffff_ffffL, 1500, 0, false);
    }

    @Override
    public Path pathToIpv6(long destinationHigh, long destinationLow) {
        return null;
    }

    @Override
    public boolean isLocalIpv4(int a) {
        return a == address;
    }

    @Override
    public boolean isLocalIpv6(long high, long low) {
        return false;
    }

    @Override
    public int index() {
        return 0;
    }

    @Override
    public boolean inShard() {
        return true;
    }

    @Override
    public long now() {
        return clock.nanoTime();
    }

    @Override
    public TimerWheel timers() {
        return wheel;
    }

    @Override
    public PacketBuffer acquire(int length) {
        PacketBuffer p = new PacketBuffer(length + 64, 64);
        p.append(length);
        return p;
    }

    @Override
    public void submit(Runnable task) {
        tasks.add(task);
    }

    @Override
    public void addPoller(ShardPoller poller) {
        throw new UnsupportedOperationException("this harness runs no pollers");
    }

    @Override
    public void wake() {
    }
}
