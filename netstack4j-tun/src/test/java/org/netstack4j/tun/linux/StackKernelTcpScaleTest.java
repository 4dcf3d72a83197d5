package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.tun.linux.KernelTcpRig.at;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.socket.TcpListener;
import org.netstack4j.socket.TcpSocket;
import org.netstack4j.transport.tcp.TcpConfig;
import org.netstack4j.transport.tcp.TcpCounter;

/**
 * The kernel as the TCP peer at scale, through a TUN in the test JVM's private namespace: 1 GiB each way over
 * IPv4 and IPv6 with the TUN's offloads on, and 2,000 concurrent echo connections each way (kernel clients on
 * virtual threads to a stack listener; stack clients to a kernel server), every byte checked by SHA-256 and
 * every connection gone from the stack afterwards. Rates are printed, never asserted.
 */
@RequiresNetAdmin
class StackKernelTcpScaleTest {
    private static final int TIMEOUT_MS = 30_000;
    private static final int CONNECTIONS = Integer.getInteger("netstack4j.tcp.connections", 2000);
    private static final int ECHO_BYTES = 4096;

    /** 1 GiB kernel → stack and stack → kernel, over IPv4 then IPv6, offloads on (super-packets both ways). */
    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void gibibyteEachWayWithOffloads() throws Exception {
        long size = Long.getLong("netstack4j.tcp.gibTransfer", 1L << 30);
        try (KernelTcpRig rig = KernelTcpRig.open(true, TcpConfig.defaults())) {
            for (String[] pair : new String[][] {{KernelTcpRig.KERNEL4, KernelTcpRig.STACK4},
                    {KernelTcpRig.KERNEL6, KernelTcpRig.STACK6}}) {
                kernelToStack(rig, pair[1], size);
                stackToKernel(rig, pair[0], size);
            }
            System.out.println("TCP counters after 1 GiB transfers: " + rig.tcp.protocol().counters());
            assertThat(rig.tcp.protocol().counters().get(TcpCounter.DROP_BAD_CHECKSUM)).isZero();
        }
    }

    private static void kernelToStack(KernelTcpRig rig, String stackAddress, long size) throws Exception {
        boolean v6 = stackAddress.contains(":");
        try (TcpListener l = rig.tcp.listen(at(v6 ? "::" : "0.0.0.0", 5101), 8)) {
            CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> {
                try (TcpSocket s = l.accept(Duration.ofMillis(TIMEOUT_MS))) {
                    s.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                    return KernelTcpRig.drainHashing(s.inputStream());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long t0 = System.nanoTime();
            byte[] sent;
            try (Socket k = new Socket()) {
                k.setSoTimeout(TIMEOUT_MS);
                k.connect(at(stackAddress, 5101), TIMEOUT_MS);
                sent = KernelTcpRig.sendHashing(k.getOutputStream(), size, 31);
                k.shutdownOutput();
                assertThat(k.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(served.get(300, TimeUnit.SECONDS)).as("kernel -> stack %s", stackAddress).isEqualTo(sent);
            printRate("kernel -> stack", stackAddress, size, t0);
        }
    }

    private static void stackToKernel(KernelTcpRig rig, String kernelAddress, long size) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(at(kernelAddress, 0));
            server.setSoTimeout(TIMEOUT_MS);
            CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> {
                try (Socket k = server.accept()) {
                    k.setSoTimeout(TIMEOUT_MS);
                    return KernelTcpRig.drainHashing(k.getInputStream());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long t0 = System.nanoTime();
            byte[] sent;
            try (TcpSocket c = rig.tcp.connect(at(kernelAddress, server.getLocalPort()),
                    Duration.ofMillis(TIMEOUT_MS))) {
                sent = KernelTcpRig.sendHashing(c.outputStream(), size, 32);
                c.shutdownOutput();
                c.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                assertThat(c.inputStream().read()).isEqualTo(-1);
            }
            assertThat(served.get(300, TimeUnit.SECONDS)).as("stack -> kernel %s", kernelAddress).isEqualTo(sent);
            printRate("stack -> kernel", kernelAddress, size, t0);
        }
    }

    private static void printRate(String direction, String address, long size, long t0) {
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("offloads %s (%s): %d MiB in %.2f s = %.2f Gbit/s%n", direction, address, size >> 20, s,
                size * 8 / s / 1e9);
    }

    /**
     * 2,000 kernel clients on virtual threads connect at once to one stack listener; each sends 4 KiB, the
     * stack echoes it, both close; every echo is hash-checked, and afterwards the stack holds no connection
     * (the kernel clients closed first, so the TIME-WAITs are the kernel's).
     */
    @Test
    @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void twoThousandKernelClientsToStackListener() throws Exception {
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try (AutoCloseable stopThreads = threads::shutdownNow; // never waits for a stuck thread
             KernelTcpRig rig = KernelTcpRig.open(false, TcpConfig.defaults());
             TcpListener l = rig.tcp.listen(at("0.0.0.0", 5102), CONNECTIONS)) {
            long t0 = System.nanoTime();
            AtomicInteger served = new AtomicInteger();
            Future<?> acceptor = threads.submit(() -> {
                for (int i = 0; i < CONNECTIONS; i++) {
                    TcpSocket s = l.accept(Duration.ofMillis(TIMEOUT_MS));
                    threads.submit(() -> {
                        try (s) {
                            s.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                            echo(s.inputStream(), s.outputStream());
                            s.shutdownOutput();
                            served.incrementAndGet();
                        }
                        return null;
                    });
                }
                return null;
            });
            List<Future<Boolean>> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = i;
                clients.add(threads.submit(() -> {
                    byte[] data = pattern(id);
                    try (Socket k = new Socket()) {
                        k.setSoTimeout(TIMEOUT_MS);
                        k.connect(at(KernelTcpRig.STACK4, 5102), TIMEOUT_MS);
                        return sendAndCheckEcho(k.getInputStream(), k.getOutputStream(), k::shutdownOutput, data);
                    }
                }));
            }
            assertThat(countOk(clients)).as("kernel clients whose echo matched").isEqualTo(CONNECTIONS);
            acceptor.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertThat(KernelTcpRig.await(Duration.ofSeconds(20), () -> served.get() == CONNECTIONS)).isTrue();
            System.out.printf("%d kernel clients echoed %d B each through the stack in %.2f s%n", CONNECTIONS,
                    ECHO_BYTES, (System.nanoTime() - t0) / 1e9);
            boolean empty = KernelTcpRig.await(Duration.ofSeconds(20),
                    () -> rig.tcp.protocol().connectionCount() == 0);
            System.out.println("TCP counters after 2000 kernel clients: " + rig.tcp.protocol().counters());
            assertThat(empty).as("stack connection table empty, %d left", rig.tcp.protocol().connectionCount())
                    .isTrue();
            assertThat(rig.tcp.protocol().counters().get(TcpCounter.PASSIVE_OPENS)
                    + rig.tcp.protocol().counters().get(TcpCounter.COOKIES_ACCEPTED))
                    .isGreaterThanOrEqualTo(CONNECTIONS);
        }
    }

    /**
     * 2,000 stack clients on virtual threads connect at once to a kernel server that echoes 4 KiB each; the
     * stack closes first, so its TIME-WAIT connections are bounded by the cap (here 100 per shard, the oldest
     * recycled beyond it) and gone after 2MSL (here 3 s): then its table is empty.
     */
    @Test
    @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void twoThousandStackClientsToKernelServer() throws Exception {
        int timeWaitCap = 100;
        TcpConfig config = TcpConfig.builder().timeWait(Duration.ofSeconds(3)).timeWaitCap(timeWaitCap).build();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try (AutoCloseable stopThreads = threads::shutdownNow; // never waits for a stuck thread
             KernelTcpRig rig = KernelTcpRig.open(false, config);
             ServerSocket server = new ServerSocket()) {
            server.bind(at(KernelTcpRig.KERNEL4, 0), CONNECTIONS);
            server.setSoTimeout(TIMEOUT_MS);
            long t0 = System.nanoTime();
            AtomicInteger served = new AtomicInteger();
            Future<?> acceptor = threads.submit(() -> {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket k = server.accept();
                    threads.submit(() -> {
                        try (k) {
                            k.setSoTimeout(TIMEOUT_MS);
                            echo(k.getInputStream(), k.getOutputStream());
                            k.shutdownOutput();
                            served.incrementAndGet();
                        }
                        return null;
                    });
                }
                return null;
            });
            List<Future<Boolean>> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = i;
                clients.add(threads.submit(() -> {
                    byte[] data = pattern(id);
                    try (TcpSocket c = rig.tcp.connect(at(KernelTcpRig.KERNEL4, server.getLocalPort()),
                            Duration.ofMillis(TIMEOUT_MS))) {
                        c.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                        return sendAndCheckEcho(c.inputStream(), c.outputStream(), c::shutdownOutput, data);
                    }
                }));
            }
            assertThat(countOk(clients)).as("stack clients whose echo matched").isEqualTo(CONNECTIONS);
            acceptor.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertThat(KernelTcpRig.await(Duration.ofSeconds(20), () -> served.get() == CONNECTIONS)).isTrue();
            System.out.printf("%d stack clients echoed %d B each through the kernel in %.2f s%n", CONNECTIONS,
                    ECHO_BYTES, (System.nanoTime() - t0) / 1e9);
            int right = rig.tcp.protocol().connectionCount();
            System.out.println("stack connections right after (TIME-WAIT): " + right);
            // At most the cap of both shards in TIME-WAIT, plus a few connections whose close is still finishing.
            assertThat(right).as("TIME-WAIT bounded by the cap of both shards").isLessThanOrEqualTo(2 * timeWaitCap + 50);
            boolean empty = KernelTcpRig.await(Duration.ofSeconds(20),
                    () -> rig.tcp.protocol().connectionCount() == 0);
            System.out.println("TCP counters after 2000 stack clients: " + rig.tcp.protocol().counters());
            assertThat(empty).as("stack connection table empty after 2MSL, %d left",
                    rig.tcp.protocol().connectionCount()).isTrue();
            assertThat(rig.tcp.protocol().counters().get(TcpCounter.ACTIVE_OPENS)).isEqualTo(CONNECTIONS);
            assertThat(rig.tcp.protocol().counters().get(TcpCounter.TIME_WAIT_RECYCLED))
                    .as("TIME-WAIT recycled at the cap").isPositive();
        }
    }

    private interface Shutdown {
        void run() throws Exception;
    }

    /** Sends {@code data}, half-closes, reads the echo to its end; true when it matches by SHA-256. */
    private static boolean sendAndCheckEcho(InputStream in, OutputStream out, Shutdown shutdownOutput, byte[] data)
            throws Exception {
        CompletableFuture<byte[]> reader = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                reader.complete(KernelTcpRig.drainHashing(in));
            } catch (Throwable t) {
                reader.completeExceptionally(t);
            }
        });
        out.write(data);
        out.flush();
        shutdownOutput.run();
        byte[] got = reader.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return MessageDigest.isEqual(got, MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Writes back whatever arrives until the end of the stream (bounded in reads). */
    private static void echo(InputStream in, OutputStream out) throws Exception {
        byte[] buf = new byte[8192];
        for (int i = 0; i < 100_000; i++) {
            int n = in.read(buf);
            if (n < 0) {
                return;
            }
            out.write(buf, 0, n);
        }
    }

    private static int countOk(List<Future<Boolean>> futures) throws Exception {
        int ok = 0;
        List<String> failures = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3L * TIMEOUT_MS);
        for (Future<Boolean> f : futures) {
            try {
                if (f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    ok++;
                } else {
                    failures.add("echo mismatch");
                }
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(String.valueOf(e.getCause()));
            } catch (java.util.concurrent.TimeoutException e) {
                failures.add("not done in time");
            }
        }
        if (!failures.isEmpty()) {
            System.out.println(failures.size() + " failed, first: " + failures.subList(0, Math.min(5,
                    failures.size())));
        }
        return ok;
    }

    private static byte[] pattern(int id) {
        byte[] d = new byte[ECHO_BYTES];
        new Random(id).nextBytes(d);
        return d;
    }
}
