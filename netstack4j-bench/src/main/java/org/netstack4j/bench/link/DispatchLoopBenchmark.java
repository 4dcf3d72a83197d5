package org.netstack4j.bench.link;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.LinkEndpoint;
import org.netstack4j.link.NetworkDispatcher;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packets per second through one dispatch loop: the benchmark thread writes IPv4 packets into an
 * in-memory pipe, the endpoint's loop reads them into pooled buffers, checks and delivers them to a
 * dispatcher that only releases them. One operation is one packet through the loop.
 *
 * <p>JMH's {@code -prof gc} counts the benchmark thread; the dispatch thread's own allocation per
 * packet is measured with {@code ThreadMXBean} and printed at the end of each iteration, because that
 * is the thread whose steady state must not allocate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatchLoopBenchmark {
    private static final int BATCH = 256;

    @Param({"64", "1500"})
    int size;

    private PacketPipe pipe;
    private PacketEndpoint endpoint;
    private final AtomicLong delivered = new AtomicLong();
    private final PacketBuffer[] burst = new PacketBuffer[32];
    private long sent;
    private volatile Thread loopThread;
    private long loopAllocatedAtStart;
    private long deliveredAtStart;

    @Setup(Level.Trial)
    public void setup() {
        pipe = PacketPipe.open(1024, 2048);
        endpoint = PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.a()).mtu(1500)
                .threadFactory(r -> {
                    Thread t = new Thread(r, "bench-dispatch");
                    t.setDaemon(true);
                    loopThread = t;
                    return t;
                }).build());
        endpoint.attach(new CountingDispatcher(delivered));
        byte[] p = new byte[size];
        p[0] = 0x45;
        Bytes.put16(p, 2, size);
        p[8] = 64;
        p[9] = 17;
        Bytes.put32(p, 12, 0x0a000001);
        Bytes.put32(p, 16, 0x0a000002);
        Bytes.put16(p, 10, Checksum.compute(p, 0, 20));
        PacketBuffer packet = PacketBuffer.copyOf(p, 0);
        java.util.Arrays.fill(burst, packet);
    }

    @Setup(Level.Iteration)
    public void markAllocation() {
        loopAllocatedAtStart = threadAllocated(loopThread);
        deliveredAtStart = delivered.get();
    }

    @TearDown(Level.Iteration)
    public void reportAllocation() {
        long packets = delivered.get() - deliveredAtStart;
        long bytes = threadAllocated(loopThread) - loopAllocatedAtStart;
        System.out.printf("%n  dispatch thread: %d packets, %d bytes allocated, %.4f bytes/packet%n",
                packets, bytes, packets == 0 ? 0.0 : (double) bytes / packets);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        endpoint.close();
        endpoint.awaitTermination();
        pipe.close();
    }

    /**
     * Keeps the pipe's ring topped up; the writer is much faster than the loop, so the ring stays
     * full and the rate at which it accepts packets is the rate at which the loop drains them. (At
     * most one ring's worth, 1024 packets, is in flight when an iteration ends.)
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long dispatch() {
        PacketPipe.End peer = pipe.b();
        PacketBuffer[] burst = this.burst;
        int left = BATCH;
        try {
            while (left > 0) {
                int n = peer.writeBatch(burst, Math.min(left, burst.length));
                left -= n;
                if (n == 0) {
                    Thread.yield(); // ring full: let the loop run (the machine may have fewer cores than threads)
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        sent += BATCH;
        return sent;
    }

    private static long threadAllocated(Thread t) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return mx.getThreadAllocatedBytes(t.threadId());
    }

    /** Releases every packet and counts it. */
    static final class CountingDispatcher implements NetworkDispatcher {
        private final AtomicLong count;

        CountingDispatcher(AtomicLong count) {
            this.count = count;
        }

        @Override
        public void deliverNetworkPacket(LinkEndpoint endpoint, long remoteLinkAddress, long localLinkAddress,
                                         int protocol, PacketBuffer packet) {
            packet.release();
            count.lazySet(count.get() + 1); // single writer: the dispatch thread
        }
    }
}
