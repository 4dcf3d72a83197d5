package org.netstack4j.bench.stack;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.stack.Stack;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
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
 * Echo requests per second answered by a stack: the benchmark thread writes ICMP echo requests into an
 * in-memory pipe (from 64 sources, so the flow hash spreads them over the shards), the stack validates
 * them, answers in place and writes the replies back, where a peer endpoint counts them. One operation is
 * one request answered. The shard threads' allocation per packet is printed after each iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StackEchoBenchmark {
    private static final int BATCH = 256;
    private static final int IN_FLIGHT = 512;
    private static final int SOURCES = 64;

    @Param({"1", "2"})
    int shards;

    @Param({"64", "1400"})
    int size;

    private PacketPipe pipe;
    private Stack stack;
    private PacketEndpoint peer;
    private final AtomicLong replies = new AtomicLong();
    private PacketBuffer[] requests;
    private long sent;
    private long repliesAtStart;
    private long allocatedAtStart;

    @Setup(Level.Trial)
    public void setup() {
        pipe = PacketPipe.open(1024, 2048);
        stack = Stack.builder().shards(shards).seed(1).build();
        stack.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.a()).build()))
                .addAddress("10.0.0.1/16");
        peer = PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.b()).build());
        peer.attach((ep, remote, local, protocol, packet) -> {
            replies.incrementAndGet();
            packet.release();
        });
        requests = new PacketBuffer[SOURCES];
        int data = size - Ipv4Header.MIN_LENGTH - Icmpv4Message.HEADER_LENGTH;
        for (int i = 0; i < SOURCES; i++) {
            byte[] b = new byte[size];
            Icmpv4Message.writeEcho(b, Ipv4Header.MIN_LENGTH, Icmpv4Message.TYPE_ECHO_REQUEST, i, 1, data);
            Ipv4Header.write(b, 0, 0, size, i, 0, 0, 64, Ipv4Header.PROTOCOL_ICMP,
                    Ipv4Address.parse("10.0.1." + (i + 1)).value(), Ipv4Address.parse("10.0.0.1").value());
            requests[i] = PacketBuffer.copyOf(b, 64);
        }
    }

    @Setup(Level.Iteration)
    public void mark() {
        repliesAtStart = replies.get();
        allocatedAtStart = shardAllocation();
    }

    @TearDown(Level.Iteration)
    public void report() {
        long n = replies.get() - repliesAtStart;
        long bytes = shardAllocation() - allocatedAtStart;
        System.out.printf("%n  shards: %d replies, %d bytes allocated, %.4f bytes/packet%n", n, bytes,
                n == 0 ? 0.0 : (double) bytes / n);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        stack.close();
        peer.close();
        stack.awaitTermination(java.time.Duration.ofSeconds(10));
    }

    /** Writes {@link #BATCH} requests, keeping at most {@link #IN_FLIGHT} unanswered. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long echo() {
        for (int i = 0; i < BATCH; i++) {
            long waitStart = 0;
            while (sent - replies.get() >= IN_FLIGHT) {
                // A lost packet would otherwise stall the window forever: after a second, forget it.
                if (waitStart == 0) {
                    waitStart = System.nanoTime();
                } else if (System.nanoTime() - waitStart > 1_000_000_000L) {
                    sent = replies.get();
                    break;
                }
                Thread.onSpinWait();
            }
            if (peer.writePacket(requests[(int) (sent % SOURCES)])) {
                sent++;
            } else {
                i--; // pipe full: try again
            }
        }
        return sent;
    }

    private long shardAllocation() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        List<Thread> threads = stack.shardThreads();
        for (Thread t : threads) {
            sum += mx.getThreadAllocatedBytes(t.threadId());
        }
        return sum;
    }
}
