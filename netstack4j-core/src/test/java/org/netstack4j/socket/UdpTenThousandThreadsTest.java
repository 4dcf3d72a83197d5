package org.netstack4j.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.socket.UdpPair.WAIT;
import static org.netstack4j.socket.UdpPair.at;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.netstack4j.stack.Stack;
import org.netstack4j.stack.StackCounter;
import org.netstack4j.stack.Stats;
import org.netstack4j.wire.Bytes;

/**
 * 10,000 virtual threads, each with its own socket, doing round trips through echo sockets on a second
 * stack over the in-memory link. Every reply must match its request; a request that gets no reply in time
 * is sent again, and every such retry must be explained by a counted drop somewhere (a full queue) or by a
 * reply that came late.
 */
class UdpTenThousandThreadsTest {
    private static final int CLIENTS = 10_000;
    private static final int ROUND_TRIPS = 3;
    private static final int ECHO_SOCKETS = 4;
    private static final int MAX_ATTEMPTS = 30;
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void tenThousandVirtualThreadsDoRoundTripsAndEveryLossIsCounted() throws Exception {
        AtomicLong completed = new AtomicLong();
        AtomicLong retries = new AtomicLong();
        AtomicLong late = new AtomicLong();
        AtomicLong mismatched = new AtomicLong();
        AtomicLong failedClients = new AtomicLong();
        try (UdpPair pair = new UdpPair(Stack.builder().shards(2).seed(1), Stack.builder().shards(2).seed(2), 4096)) {
            List<UdpSocket> servers = new ArrayList<>();
            List<Thread> echoers = new ArrayList<>();
            for (int i = 0; i < ECHO_SOCKETS; i++) {
                UdpSocket server = pair.udpB.bind(at("10.0.0.2", 7000 + i), 4096);
                servers.add(server);
                for (int t = 0; t < 2; t++) {
                    echoers.add(Thread.ofVirtual().start(() -> echo(server)));
                }
            }
            // One round trip resolves ARP both ways first: its pending queue is small by design.
            try (UdpSocket warm = pair.udpA.bind(at("10.0.0.1", 0))) {
                warm.connect(at("10.0.0.2", 7000));
                warm.send(new byte[12]);
                warm.receive(WAIT);
            }
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < CLIENTS; c++) {
                    int id = c;
                    pool.submit(() -> {
                        try {
                            client(pair.udpA, id, completed, retries, late, mismatched);
                        } catch (Exception e) {
                            failedClients.incrementAndGet();
                        }
                        return null;
                    });
                }
                pool.shutdown();
                assertThat(pool.awaitTermination(50, TimeUnit.SECONDS)).as("bounded in time").isTrue();
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            long counted = countedDrops(pair, servers);
            System.out.printf("%d virtual threads: %d round trips in %d ms, %d retries, %d late replies, "
                    + "%d counted drops, %d sender waits for a full hand-off%n", CLIENTS, completed.get(), millis,
                    retries.get(), late.get(), counted, pair.udpA.sendHandOffWaits() + pair.udpB.sendHandOffWaits());
            assertThat(failedClients.get()).isZero();
            assertThat(mismatched.get()).as("replies that match no request of their socket").isZero();
            assertThat(completed.get()).isEqualTo((long) CLIENTS * ROUND_TRIPS);
            // A retry means a request or its reply was lost or late: each loss was counted where it happened.
            assertThat(retries.get()).as("retries explained by counted drops and late replies")
                    .isLessThanOrEqualTo(counted + late.get());
            servers.forEach(UdpSocket::close);
            for (Thread t : echoers) {
                assertThat(t.join(WAIT)).isTrue();
            }
        }
    }

    private static void echo(UdpSocket server) {
        byte[] buf = new byte[64];
        UdpPeer from = new UdpPeer();
        try {
            while (true) {
                int n = server.receive(buf, 0, buf.length, from, null);
                server.send(from, buf, 0, n);
            }
        } catch (Exception closed) {
            // the socket closed at the end of the test
        }
    }

    private static void client(Udp udp, int id, AtomicLong completed, AtomicLong retries, AtomicLong late,
                               AtomicLong mismatched) throws Exception {
        byte[] msg = new byte[12];
        byte[] reply = new byte[64];
        UdpPeer from = new UdpPeer();
        try (UdpSocket u = udp.bind(at("10.0.0.1", 0), 16)) {
            u.connect(at("10.0.0.2", 7000 + id % ECHO_SOCKETS));
            for (int r = 0; r < ROUND_TRIPS; r++) {
                boolean done = false;
                for (int attempt = 0; attempt < MAX_ATTEMPTS && !done; attempt++) {
                    Bytes.put32(msg, 0, id);
                    Bytes.put32(msg, 4, r);
                    Bytes.put32(msg, 8, attempt);
                    u.send(msg);
                    long deadline = System.nanoTime() + ATTEMPT_TIMEOUT.toNanos();
                    while (!done) {
                        long left = deadline - System.nanoTime();
                        int n;
                        try {
                            n = left <= 0 ? -1 : u.receive(reply, 0, reply.length, from, Duration.ofNanos(left));
                        } catch (SocketTimeoutException e) {
                            n = -1;
                        }
                        if (n < 0) {
                            retries.incrementAndGet();
                            break;
                        }
                        if (n == 12 && Bytes.i32(reply, 0) == id && Bytes.i32(reply, 4) == r
                                && Bytes.i32(reply, 8) == attempt) {
                            done = true;
                            completed.incrementAndGet();
                        } else if (n == 12 && Bytes.i32(reply, 0) == id && (Bytes.i32(reply, 4) < r
                                || Bytes.i32(reply, 4) == r && Bytes.i32(reply, 8) < attempt)) {
                            late.incrementAndGet(); // the echo of an earlier attempt
                        } else {
                            mismatched.incrementAndGet();
                        }
                    }
                }
            }
        }
    }

    /** Every datagram dropped anywhere on the way, by whoever dropped it. */
    private static long countedDrops(UdpPair pair, List<UdpSocket> servers) {
        long n = 0;
        for (Stack s : List.of(pair.a, pair.b)) {
            Stats stats = s.stats();
            for (StackCounter.Layer layer : StackCounter.Layer.values()) {
                n += stats.drops(layer);
            }
        }
        n += pair.nicA.endpoint().statistics().totalDrops() + pair.nicB.endpoint().statistics().totalDrops();
        // Socket queues (clients' and servers'): counted by the protocol for every socket.
        n += pair.udpA.protocol().queueFull() + pair.udpB.protocol().queueFull();
        n += pair.udpA.protocol().noPort() + pair.udpB.protocol().noPort();
        return n;
    }
}
