package org.netstack4j.bench.stack;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.socket.Udp;
import org.netstack4j.socket.UdpDatagram;
import org.netstack4j.socket.UdpSocket;
import org.netstack4j.stack.Stack;
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
 * {@link UdpSocket} through two stacks joined by an in-memory {@link PacketPipe} (IP packets, one shard
 * each): a client socket on 10.0.0.2 and, on 10.0.0.1, an echo socket on port 7 and a sink socket on port 9,
 * each served by its own thread (platform threads, so that their allocation can be read per thread; the host
 * serves its echo the same way from a virtual thread).
 * <ul>
 *   <li>{@link #roundTrip}: one datagram sent and its echo received; one operation is one round trip
 *   (socket send, both stacks both ways, the echo thread's receive and send, the client's receive).</li>
 *   <li>{@link #send}: datagrams sent to the sink as fast as the sending socket takes them; one operation is
 *   one datagram handed to the stack. What the sink received is printed after each iteration (the pipe may
 *   drop when the receiving side falls behind, and counts it).</li>
 * </ul>
 * With {@code -prof gc}, {@code gc.alloc.rate.norm} is the allocation of every thread per operation; the
 * split between the benchmark thread, the stacks' shard threads and the serving threads is printed after
 * each iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UdpSocketBenchmark {
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final int ECHO_PORT = 7;
    private static final int SINK_PORT = 9;

    /** UDP payload bytes. */
    @Param({"64", "1400"})
    int size;

    private Stack server;
    private Stack client;
    private UdpSocket echo;
    private UdpSocket sink;
    private UdpSocket socket;
    private InetSocketAddress sinkAddress;
    private final List<Thread> servers = new ArrayList<>();
    private final AtomicLong sunk = new AtomicLong();
    private byte[] payload;
    private long lost;
    private long refused;

    private long operations;
    private long opsAtStart;
    private long sunkAtStart;
    private long benchAllocAtStart;
    private long shardAllocAtStart;
    private long serverAllocAtStart;
    private long benchThreadId;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        PacketPipe pipe = PacketPipe.open(1024, 2048);
        server = Stack.builder().shards(1).seed(1).build();
        client = Stack.builder().shards(1).seed(2).build();
        server.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.a()).build()))
                .addAddress("10.0.0.1/24");
        client.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.b()).build()))
                .addAddress("10.0.0.2/24");
        Udp serverUdp = Udp.attach(server);
        Udp clientUdp = Udp.attach(client);
        InetAddress any = InetAddress.getByName("0.0.0.0");
        InetAddress serverIp = InetAddress.getByName("10.0.0.1");
        echo = serverUdp.bind(new InetSocketAddress(any, ECHO_PORT));
        sink = serverUdp.bind(new InetSocketAddress(any, SINK_PORT), 1024);
        servers.add(Thread.ofPlatform().daemon().name("bench-udp-echo").start(() -> serveEcho(echo)));
        servers.add(Thread.ofPlatform().daemon().name("bench-udp-sink").start(() -> serveSink(sink, sunk)));
        socket = clientUdp.bind(new InetSocketAddress(any, 0));
        socket.connect(new InetSocketAddress(serverIp, ECHO_PORT));
        sinkAddress = new InetSocketAddress(serverIp, SINK_PORT);
        payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) i;
        }
    }

    private static void serveEcho(UdpSocket s) {
        while (!s.isClosed()) {
            try {
                UdpDatagram d = s.receive();
                s.send(d.source(), d.data(), 0, d.data().length);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // A failed send loses one echo (the client counts it); a closed socket ends the loop.
            }
        }
    }

    private static void serveSink(UdpSocket s, AtomicLong count) {
        while (!s.isClosed()) {
            try {
                s.receive();
                count.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // closed: the loop condition ends it
            }
        }
    }

    @Setup(Level.Iteration)
    public void mark() {
        opsAtStart = operations;
        sunkAtStart = sunk.get();
        shardAllocAtStart = allocated(shardThreads());
        serverAllocAtStart = allocated(servers);
        benchAllocAtStart = benchThreadId == 0 ? 0 : allocated(benchThreadId);
    }

    @TearDown(Level.Iteration)
    public void report() {
        long n = Math.max(1, operations - opsAtStart);
        double bench = benchThreadId == 0 ? 0 : (double) (allocated(benchThreadId) - benchAllocAtStart) / n;
        double shards = (double) (allocated(shardThreads()) - shardAllocAtStart) / n;
        double serving = (double) (allocated(servers) - serverAllocAtStart) / n;
        System.out.printf("%n  %d ops, sink received %d; bytes/op: benchmark thread %.1f, shards %.1f, serving threads"
                + " %.1f; lost echoes %d, refused sends %d%n", operations - opsAtStart, sunk.get() - sunkAtStart, bench,
                shards, serving, lost, refused);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        socket.close();
        echo.close();
        sink.close();
        for (Thread t : servers) {
            t.join(1000);
        }
        client.close();
        server.close();
        client.awaitTermination(Duration.ofSeconds(10));
        server.awaitTermination(Duration.ofSeconds(10));
    }

    /** One datagram to the echo service and its echo back. */
    @Benchmark
    public UdpDatagram roundTrip() throws IOException, InterruptedException {
        noteThread();
        operations++;
        socket.send(payload);
        try {
            return socket.receive(WAIT);
        } catch (SocketTimeoutException e) {
            lost++; // a datagram lost on the way; counted and printed, the next round trip goes on
            return null;
        }
    }

    /** One datagram to the sink. */
    @Benchmark
    public void send() throws InterruptedException {
        noteThread();
        operations++;
        try {
            socket.send(sinkAddress, payload, 0, size);
        } catch (SocketException e) {
            refused++; // the stack did not take it (e.g. link full); counted and printed
        }
    }

    private void noteThread() {
        if (benchThreadId == 0) {
            benchThreadId = Thread.currentThread().threadId();
        }
    }

    private List<Thread> shardThreads() {
        List<Thread> all = new ArrayList<>(server.shardThreads());
        all.addAll(client.shardThreads());
        return all;
    }

    private static long allocated(List<Thread> threads) {
        long sum = 0;
        for (Thread t : threads) {
            sum += allocated(t.threadId());
        }
        return sum;
    }

    private static long allocated(long threadId) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Math.max(0, mx.getThreadAllocatedBytes(threadId));
    }
}
