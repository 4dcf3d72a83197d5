package org.netstack4j.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.stack.Stack;
import org.netstack4j.transport.tcp.TcpConfig;
import org.netstack4j.transport.tcp.TcpCounter;

class TcpSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final TcpConfig CONFIG = TcpConfig.builder().timeWait(Duration.ofMillis(200)).build();

    private PacketPipe pipe;
    private StackPair stacks;
    private Stack a;
    private Stack b;
    private Tcp tcpA;
    private Tcp tcpB;

    @BeforeEach
    void twoStacks() {
        stacks = new StackPair(1024);
        a = stacks.a;
        b = stacks.b;
        pipe = stacks.pipe;
        tcpA = Tcp.attach(a, CONFIG);
        tcpB = Tcp.attach(b, CONFIG);
    }

    @AfterEach
    void close() throws InterruptedException {
        stacks.close(WAIT);
    }

    private static InetSocketAddress at(String address, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    static byte[] pattern(int length, long seed) {
        byte[] d = new byte[length];
        new Random(seed).nextBytes(d);
        return d;
    }

    static byte[] sha256(byte[] d) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(d);
    }

    /** Reads to end of stream, at most {@code max} bytes. */
    static byte[] readAll(InputStream in, int max) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        while (out.size() <= max) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.2", "fd00::2"})
    void transfersBothWaysIntactAndClosesInOrder(String server) throws Exception {
        for (int size : new int[] {1, 1 << 20}) {
            byte[] up = pattern(size, size);
            byte[] down = pattern(size, size + 1);
            try (TcpListener l = tcpB.listen(at(server.contains(":") ? "::" : "0.0.0.0", 8080), 16)) {
                CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> {
                    try (TcpSocket s = l.accept(WAIT)) {
                        s.readTimeout(WAIT);
                        byte[] got = readAll(s.inputStream(), size);
                        s.outputStream().write(down);
                        s.shutdownOutput();
                        assertThat(s.inputStream().read()).isEqualTo(-1);
                        return got;
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                try (TcpSocket c = tcpA.connect(at(server, 8080), WAIT)) {
                    c.readTimeout(WAIT);
                    assertThat(c.remoteAddress()).isEqualTo(at(server, 8080));
                    OutputStream out = c.outputStream();
                    out.write(up);
                    c.shutdownOutput();
                    byte[] got = readAll(c.inputStream(), size);
                    assertThat(sha256(got)).as("%d bytes down", size).isEqualTo(sha256(down));
                }
                byte[] atServer = served.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(atServer.length).isEqualTo(size);
                assertThat(sha256(atServer)).as("%d bytes up", size).isEqualTo(sha256(up));
            }
        }
        // Every connection ends (TIME-WAIT is 200 ms here) and frees its memory.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while ((tcpA.protocol().connectionCount() + tcpB.protocol().connectionCount() > 0
                || tcpA.protocol().memoryInUse() + tcpB.protocol().memoryInUse() > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(tcpA.protocol().connectionCount()).isZero();
        assertThat(tcpB.protocol().connectionCount()).isZero();
        assertThat(tcpA.protocol().memoryInUse()).isZero();
        assertThat(tcpB.protocol().memoryInUse()).isZero();
        assertThat(tcpA.protocol().counters().get(TcpCounter.CONNECTIONS_CLOSED)).isEqualTo(2);
        assertThat(tcpB.protocol().counters().get(TcpCounter.DROP_BAD_CHECKSUM)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.2", "fd00::2"})
    void connectToAClosedPortIsRefused(String server) {
        assertThatThrownBy(() -> tcpA.connect(at(server, 9), WAIT)).isInstanceOf(ConnectException.class);
        assertThat(tcpB.protocol().counters().get(TcpCounter.RESETS_OUT)).isEqualTo(1);
    }

    @Test
    void readTimesOutAndCloseWakesABlockedReader() throws Exception {
        try (TcpListener l = tcpB.listen(at("0.0.0.0", 8081), 4);
             TcpSocket c = tcpA.connect(at("10.0.0.2", 8081), WAIT);
             TcpSocket s = l.accept(WAIT)) {
            c.readTimeout(Duration.ofMillis(100));
            assertThatThrownBy(() -> c.read(new byte[1], 0, 1)).isInstanceOf(SocketTimeoutException.class);
            s.readTimeout(null);
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    s.read(new byte[1], 0, 1);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            Thread.sleep(100);
            s.close();
            assertThat(reader.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
            // The peer sees the FIN.
            c.readTimeout(WAIT);
            assertThat(c.read(new byte[1], 0, 1)).isEqualTo(-1);
        }
    }

    @Test
    void acceptTimesOutAndListenerCloseWakesAccept() throws Exception {
        TcpListener l = tcpB.listen(at("0.0.0.0", 0), 4);
        assertThat(l.localAddress().getPort()).isBetween(49152, 65535);
        assertThatThrownBy(() -> l.accept(Duration.ofMillis(50))).isInstanceOf(SocketTimeoutException.class);
        CompletableFuture<Throwable> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                l.accept();
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        Thread.sleep(100);
        l.close();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> tcpA.connect(at("10.0.0.2", l.localAddress().getPort()), WAIT))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void closingTheStackFailsBlockedReadsAndAccepts() throws Exception {
        TcpListener l = tcpB.listen(at("0.0.0.0", 8083), 4);
        TcpSocket c = tcpA.connect(at("10.0.0.2", 8083), WAIT);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                c.read(new byte[1], 0, 1);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        l.accept(WAIT);
        CompletableFuture<Throwable> acceptor = CompletableFuture.supplyAsync(() -> {
            try {
                l.accept();
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        Thread.sleep(100);
        a.close();
        b.close();
        assertThat(reader.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
        assertThat(acceptor.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> tcpA.connect(at("10.0.0.2", 8083), WAIT)).isInstanceOf(SocketException.class);
    }

    @Test
    void twoThousandConcurrentConnectionsFromVirtualThreadsEchoAndClose() throws Exception {
        int n = 2000;
        try (TcpListener l = tcpB.listen(at("0.0.0.0", 7), 4096);
             var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            executor.submit(() -> {
                for (int i = 0; i < n; i++) {
                    TcpSocket s = l.accept(WAIT);
                    executor.submit(() -> {
                        try (s) {
                            s.readTimeout(WAIT);
                            byte[] buf = new byte[4096];
                            for (int k = 0; k < 1000; k++) {
                                int r = s.read(buf, 0, buf.length);
                                if (r < 0) {
                                    break;
                                }
                                s.write(buf, 0, r);
                            }
                        }
                        return null;
                    });
                }
                return null;
            });
            java.util.List<java.util.concurrent.Future<Boolean>> clients = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                clients.add(executor.submit(() -> {
                    byte[] msg = pattern(1000 + id % 3000, id);
                    try (TcpSocket c = tcpA.connect(at("10.0.0.2", 7), WAIT)) {
                        c.readTimeout(WAIT);
                        c.write(msg, 0, msg.length);
                        c.shutdownOutput();
                        byte[] back = readAll(c.inputStream(), msg.length);
                        return java.util.Arrays.equals(back, msg);
                    }
                }));
            }
            for (var f : clients) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isTrue();
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (tcpA.protocol().connectionCount() + tcpB.protocol().connectionCount() > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(tcpA.protocol().connectionCount() + tcpB.protocol().connectionCount()).isZero();
        assertThat(tcpA.protocol().counters().get(TcpCounter.ESTABLISHED)).isEqualTo(n);
        assertThat(tcpA.protocol().counters().get(TcpCounter.CONNECTIONS_RESET)).isZero();
    }

    /** Heap per idle established connection (both ends counted: each end is one connection), printed and bounded. */
    @Test
    void tenThousandIdleConnectionsFitInLittleHeap() throws Exception {
        int n = 10_000;
        java.lang.management.MemoryMXBean mem = java.lang.management.ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = mem.getHeapMemoryUsage().getUsed();
        java.util.List<TcpSocket> open = new java.util.ArrayList<>();
        try (TcpListener l = tcpB.listen(at("0.0.0.0", 9000), 16384)) {
            for (int i = 0; i < n; i++) {
                open.add(tcpA.connect(at("10.0.0.2", 9000), WAIT));
                open.add(l.accept(WAIT));
            }
            System.gc();
            long after = mem.getHeapMemoryUsage().getUsed();
            long perConnection = (after - before) / (2L * n);
            System.out.printf("%d idle connections (both ends): %d bytes of heap per connection%n", 2 * n,
                    perConnection);
            assertThat(perConnection).isLessThan(8192);
            for (TcpSocket s : open) {
                s.close();
            }
        }
    }

    @Test
    void oneEphemeralPortServesConnectionsToDifferentPeersAndTimeWaitHoldsOnlyItsTuple() throws Exception {
        try (TcpListener l1 = tcpB.listen(at("0.0.0.0", 8084), 4);
             TcpListener l2 = tcpB.listen(at("0.0.0.0", 8085), 4)) {
            TcpSocket c1 = tcpA.connect(at("0.0.0.0", 50000), at("10.0.0.2", 8084), WAIT);
            TcpSocket c2 = tcpA.connect(at("0.0.0.0", 50000), at("10.0.0.2", 8085), WAIT);
            assertThatThrownBy(() -> tcpA.connect(at("0.0.0.0", 50000), at("10.0.0.2", 8084), WAIT))
                    .isInstanceOf(java.net.BindException.class);
            l1.accept(WAIT).close();
            l2.accept(WAIT).close();
            c1.close();
            c2.close();
        }
    }

    @Test
    void lingerWaitsUntilTheDataIsAcknowledged() throws Exception {
        try (TcpListener l = tcpB.listen(at("0.0.0.0", 8086), 4)) {
            // The reader reads only after the close: its buffer must hold all of it (auto-tuning grows only
            // for an application that reads).
            l.receiveBufferSize(256 * 1024);
            TcpSocket c = tcpA.connect(at("10.0.0.2", 8086), WAIT);
            TcpSocket s = l.accept(WAIT);
            byte[] data = pattern(200_000, 5);
            c.write(data, 0, data.length);
            c.linger(10);
            c.close(); // returns once the peer acknowledged all of it
            assertThat(c.connection().sendBuffer().head()).isEqualTo(data.length);
            s.readTimeout(WAIT);
            assertThat(sha256(readAll(s.inputStream(), data.length))).isEqualTo(sha256(data));
            s.close();
        }
    }

    @Test
    void lingerZeroResetsThePeer() throws Exception {
        try (TcpListener l = tcpB.listen(at("0.0.0.0", 8082), 4);
             TcpSocket c = tcpA.connect(at("10.0.0.2", 8082), WAIT);
             TcpSocket s = l.accept(WAIT)) {
            c.linger(0);
            c.close();
            s.readTimeout(WAIT);
            assertThatThrownBy(() -> s.read(new byte[1], 0, 1)).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
    }
}
