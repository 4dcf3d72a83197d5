package org.netstack4j.bench.transport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.socket.Tcp;
import org.netstack4j.stack.Stack;

/**
 * Two stacks (one shard each) joined by an in-memory {@link PacketPipe} of IP packets: a server on 10.0.0.1
 * and a client on 10.0.0.2, TCP attached to both. Records every thread the stacks and their endpoints start,
 * and the threads a benchmark adds, so the allocation can be split per thread.
 */
final class TcpPipeStacks implements AutoCloseable {
    final Stack server;
    final Stack client;
    final Tcp serverTcp;
    final Tcp clientTcp;
    /** Dispatch loops of both endpoints, shard threads of both stacks and any serving thread added. */
    final List<Thread> stackThreads = new CopyOnWriteArrayList<>();

    /**
     * @param gso whether the endpoints offer (software) GSO, so TCP sends super-segments that the link cuts
     */
    TcpPipeStacks(boolean gso) throws IOException {
        PacketPipe pipe = PacketPipe.open(4096, 65535 + 256);
        ThreadFactory recording = r -> {
            Thread t = Thread.ofPlatform().daemon().unstarted(r);
            stackThreads.add(t);
            return t;
        };
        server = Stack.builder().shards(1).seed(1).build();
        client = Stack.builder().shards(1).seed(2).build();
        server.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.a())
                .threadFactory(recording).softwareGso(gso).build())).addAddress("10.0.0.1/24");
        client.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.b())
                .threadFactory(recording).softwareGso(gso).build())).addAddress("10.0.0.2/24");
        stackThreads.addAll(server.shardThreads());
        stackThreads.addAll(client.shardThreads());
        serverTcp = Tcp.attach(server);
        clientTcp = Tcp.attach(client);
    }

    /** Bytes allocated so far by {@code threads}. */
    static long allocated(List<Thread> threads) {
        long sum = 0;
        for (Thread t : threads) {
            sum += allocated(t.threadId());
        }
        return sum;
    }

    /** Bytes allocated so far by the thread {@code threadId}. */
    static long allocated(long threadId) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return Math.max(0, mx.getThreadAllocatedBytes(threadId));
    }

    @Override
    public void close() throws InterruptedException {
        client.close();
        server.close();
        client.awaitTermination(Duration.ofSeconds(10));
        server.awaitTermination(Duration.ofSeconds(10));
    }
}
