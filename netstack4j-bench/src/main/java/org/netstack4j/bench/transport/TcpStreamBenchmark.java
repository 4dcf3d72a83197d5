package org.netstack4j.bench.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.socket.TcpListener;
import org.netstack4j.socket.TcpSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One bulk TCP stream between two stacks over an in-memory pipe ({@link TcpPipeStacks}): the benchmark thread
 * writes {@value #CHUNK}-byte chunks to a {@link TcpSocket} on the client stack, a platform thread on the
 * server reads and drops them (discard). One operation is one chunk written, so bytes/s = ops/s × 64 KiB; with
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is the allocation of every thread per 64 KiB, about 45 full
 * segments (and as many ACKs the other way, fewer with delayed ACKs). The split between the writing thread,
 * the stacks' threads (shards, dispatch loops) and the reader, and what the reader got, are printed after
 * each iteration. {@code gso}: the endpoints offer software GSO, so TCP sends super-segments that the link
 * cuts into MSS-sized packets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpStreamBenchmark {
    private static final int CHUNK = 64 * 1024;
    private static final int PORT = 9;

    /** Whether the links offer GSO (TCP super-segments cut by the link). */
    @Param({"false", "true"})
    boolean gso;

    private TcpPipeStacks stacks;
    private TcpListener listener;
    private TcpSocket socket;
    private Thread reader;
    private final AtomicLong received = new AtomicLong();
    private final byte[] chunk = new byte[CHUNK];

    private long operations;
    private long opsAtStart;
    private long receivedAtStart;
    private AllocationSplit allocation;
    private long benchThreadId;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        stacks = new TcpPipeStacks(gso);
        listener = stacks.serverTcp.listen(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), PORT), 16);
        reader = Thread.ofPlatform().daemon().name("bench-tcp-discard").start(this::discard);
        socket = stacks.clientTcp.connect(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), PORT),
                Duration.ofSeconds(5));
        for (int i = 0; i < CHUNK; i++) {
            chunk[i] = (byte) i;
        }
    }

    private void discard() {
        byte[] buf = new byte[CHUNK];
        try (TcpSocket s = listener.accept()) {
            int n;
            while ((n = s.read(buf, 0, buf.length)) >= 0) {
                received.addAndGet(n);
            }
        } catch (IOException e) {
            // The stream ends when the benchmark closes the stacks.
        }
    }

    @Setup(Level.Iteration)
    public void mark() {
        opsAtStart = operations;
        receivedAtStart = received.get();
        if (allocation == null) {
            allocation = new AllocationSplit(stacks.stackThreads);
        }
        allocation.mark(benchThreadId, reader.threadId());
    }

    @TearDown(Level.Iteration)
    public void report() {
        long n = Math.max(1, operations - opsAtStart);
        double[] perOp = allocation.perOperation(benchThreadId, reader.threadId(), n);
        double bench = perOp[0];
        double stack = perOp[1];
        double read = perOp[2];
        System.out.printf("%n  %d chunks written, %d MiB read; bytes per 64 KiB: writer %.1f, stack threads %.1f,"
                + " reader %.1f%n", operations - opsAtStart, (received.get() - receivedAtStart) >> 20, bench, stack, read);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        socket.linger(0);
        socket.close();
        listener.close();
        stacks.close();
        reader.join(2000);
    }

    /** One 64 KiB chunk written (blocks while the send buffer is full). */
    @Benchmark
    public void write() throws IOException {
        if (benchThreadId == 0) {
            benchThreadId = Thread.currentThread().threadId();
        }
        operations++;
        socket.write(chunk, 0, CHUNK);
    }
}
