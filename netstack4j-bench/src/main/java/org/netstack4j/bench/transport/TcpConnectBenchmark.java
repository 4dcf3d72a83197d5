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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * TCP connection rate between two stacks over an in-memory pipe ({@link TcpPipeStacks}): one operation is a
 * {@code connect} from the client stack (three-way handshake) and an abortive close (RST, as the harness's
 * {@code conn} test does), while a platform thread on the server accepts and closes each connection. With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is what one connection costs in allocation on every thread;
 * the split and the connections accepted are printed after each iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpConnectBenchmark {
    private static final int PORT = 9;

    private TcpPipeStacks stacks;
    private TcpListener listener;
    private Thread acceptor;
    private InetSocketAddress remote;
    private final AtomicLong accepted = new AtomicLong();

    private long operations;
    private long opsAtStart;
    private long acceptedAtStart;
    private AllocationSplit allocation;
    private long benchThreadId;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        stacks = new TcpPipeStacks(false);
        listener = stacks.serverTcp.listen(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), PORT), 128);
        acceptor = Thread.ofPlatform().daemon().name("bench-tcp-accept").start(this::acceptLoop);
        remote = new InetSocketAddress(InetAddress.getByName("10.0.0.1"), PORT);
    }

    private void acceptLoop() {
        while (true) {
            try {
                TcpSocket s = listener.accept();
                accepted.incrementAndGet();
                s.linger(0);
                s.close();
            } catch (IOException e) {
                return; // listener closed
            }
        }
    }

    @Setup(Level.Iteration)
    public void mark() {
        opsAtStart = operations;
        acceptedAtStart = accepted.get();
        if (allocation == null) {
            allocation = new AllocationSplit(stacks.stackThreads);
        }
        allocation.mark(benchThreadId, acceptor.threadId());
    }

    @TearDown(Level.Iteration)
    public void report() {
        long n = Math.max(1, operations - opsAtStart);
        double[] perOp = allocation.perOperation(benchThreadId, acceptor.threadId(), n);
        double bench = perOp[0];
        double stack = perOp[1];
        double acc = perOp[2];
        System.out.printf("%n  %d connections, %d accepted, %d connections left in the tables; bytes per"
                + " connection: connecting thread %.1f, stack threads %.1f, acceptor %.1f%n", operations - opsAtStart,
                accepted.get() - acceptedAtStart, stacks.serverTcp.protocol().connectionCount()
                        + stacks.clientTcp.protocol().connectionCount(), bench, stack, acc);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        listener.close();
        acceptor.join(2000);
        stacks.close();
    }

    /** One connect and abortive close. */
    @Benchmark
    public void connectAndReset() throws IOException {
        if (benchThreadId == 0) {
            benchThreadId = Thread.currentThread().threadId();
        }
        operations++;
        TcpSocket s = stacks.clientTcp.connect(remote, Duration.ofSeconds(5));
        s.linger(0);
        s.close();
    }
}
