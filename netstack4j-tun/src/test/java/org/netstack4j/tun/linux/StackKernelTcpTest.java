package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.socket.Tcp;
import org.netstack4j.socket.TcpListener;
import org.netstack4j.socket.TcpSocket;
import org.netstack4j.stack.Stack;
import org.netstack4j.transport.tcp.TcpCounter;

/**
 * TCP between the kernel's sockets and a userspace stack on a TUN, inside the test JVM's private network
 * namespace: a kernel client ({@link Socket}) talks to a netstack4j listener, and a netstack4j client to a
 * kernel {@link ServerSocket}; 1 B and 1 MiB each way over IPv4 and IPv6, checked by SHA-256, closed in order.
 */
@RequiresNetAdmin
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StackKernelTcpTest {
    private static final int TIMEOUT_MS = 20_000;

    @Test
    void kernelClientToStackListener() throws Exception {
        withStack((stack, tcp) -> {
            for (String peer : new String[] {"10.91.0.2", "fd91::2"}) {
                for (int size : new int[] {1, 1 << 20}) {
                    byte[] up = pattern(size, size);
                    byte[] down = pattern(size, ~size);
                    try (TcpListener l = tcp.listen(new InetSocketAddress(
                            InetAddress.getByName(peer.contains(":") ? "::" : "0.0.0.0"), 5001), 8)) {
                        CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> {
                            try (TcpSocket s = l.accept(Duration.ofMillis(TIMEOUT_MS))) {
                                s.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                                byte[] got = readAll(s.inputStream());
                                s.outputStream().write(down);
                                s.shutdownOutput();
                                return got;
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        });
                        try (Socket k = new Socket()) {
                            k.setSoTimeout(TIMEOUT_MS);
                            k.connect(new InetSocketAddress(InetAddress.getByName(peer), 5001), TIMEOUT_MS);
                            k.getOutputStream().write(up);
                            k.shutdownOutput();
                            byte[] got = readAll(k.getInputStream());
                            assertThat(sha256(got)).as("%s %d bytes stack -> kernel", peer, size)
                                    .isEqualTo(sha256(down));
                        }
                        byte[] atStack = served.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                        assertThat(sha256(atStack)).as("%s %d bytes kernel -> stack", peer, size)
                                .isEqualTo(sha256(up));
                    }
                }
            }
            System.out.println("TCP counters after kernel client: " + tcp.protocol().counters());
            assertThat(tcp.protocol().counters().get(TcpCounter.DROP_BAD_CHECKSUM)).isZero();
            assertThat(tcp.protocol().counters().get(TcpCounter.DROP_MALFORMED)).isZero();
        });
    }

    @Test
    void stackClientToKernelServer() throws Exception {
        withStack((stack, tcp) -> {
            for (String kernelAddress : new String[] {"10.91.0.1", "fd91::1"}) {
                for (int size : new int[] {1, 1 << 20}) {
                    byte[] up = pattern(size, size * 3L);
                    byte[] down = pattern(size, size * 5L);
                    try (ServerSocket server = new ServerSocket()) {
                        server.bind(new InetSocketAddress(InetAddress.getByName(kernelAddress), 0));
                        server.setSoTimeout(TIMEOUT_MS);
                        CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> {
                            try (Socket s = server.accept()) {
                                s.setSoTimeout(TIMEOUT_MS);
                                byte[] got = readAll(s.getInputStream());
                                s.getOutputStream().write(down);
                                s.shutdownOutput();
                                return got;
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        });
                        try (TcpSocket c = tcp.connect(new InetSocketAddress(InetAddress.getByName(kernelAddress),
                                server.getLocalPort()), Duration.ofMillis(TIMEOUT_MS))) {
                            c.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                            c.outputStream().write(up);
                            c.shutdownOutput();
                            byte[] got = readAll(c.inputStream());
                            assertThat(sha256(got)).as("%s %d bytes kernel -> stack", kernelAddress, size)
                                    .isEqualTo(sha256(down));
                        }
                        byte[] atKernel = served.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                        assertThat(sha256(atKernel)).as("%s %d bytes stack -> kernel", kernelAddress, size)
                                .isEqualTo(sha256(up));
                    }
                }
            }
            System.out.println("TCP counters after kernel server: " + tcp.protocol().counters());
        });
    }

    /**
     * A large transfer each way over IPv4 (kernel client to stack listener, then stack client to kernel server),
     * streamed and hashed on the fly; prints the rate (not asserted: the machine is shared).
     */
    @Test
    void largeTransfersBothWays() throws Exception {
        largeTransfers(false);
    }

    /**
     * The same over a TUN with the virtio-net header and TCP offloads: the kernel hands the stack coalesced
     * super-packets with partial checksums, and the stack sends GSO super-segments (checksums left partial).
     */
    @Test
    void largeTransfersBothWaysWithOffloads() throws Exception {
        largeTransfers(true);
    }

    private static void largeTransfers(boolean offloads) throws Exception {
        long size = Long.getLong("netstack4j.tcp.bigTransfer", 256L << 20);
        withOffloads = offloads;
        try {
            largeTransfersBody(size);
        } finally {
            withOffloads = false;
        }
    }

    private static volatile boolean withOffloads;

    private static void largeTransfersBody(long size) throws Exception {
        withStack((stack, tcp) -> {
            try (TcpListener l = tcp.listen(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 5002), 8)) {
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
                    k.connect(new InetSocketAddress(InetAddress.getByName("10.91.0.2"), 5002), TIMEOUT_MS);
                    sent = KernelTcpRig.sendHashing(k.getOutputStream(), size, 11);
                    k.shutdownOutput();
                    assertThat(k.getInputStream().read()).isEqualTo(-1);
                }
                assertThat(served.get(120, TimeUnit.SECONDS)).as("kernel -> stack %d bytes", size).isEqualTo(sent);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf((withOffloads ? "offloads " : "") + "kernel -> stack: %d MiB in %.2f s = %.2f Gbit/s%n", size >> 20, s, size * 8 / s / 1e9);
            }
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(InetAddress.getByName("10.91.0.1"), 0));
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
                try (TcpSocket c = tcp.connect(new InetSocketAddress(InetAddress.getByName("10.91.0.1"),
                        server.getLocalPort()), Duration.ofMillis(TIMEOUT_MS))) {
                    sent = KernelTcpRig.sendHashing(c.outputStream(), size, 12);
                    c.shutdownOutput();
                    c.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                    assertThat(c.inputStream().read()).isEqualTo(-1);
                }
                assertThat(served.get(120, TimeUnit.SECONDS)).as("stack -> kernel %d bytes", size).isEqualTo(sent);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf((withOffloads ? "offloads " : "") + "stack -> kernel: %d MiB in %.2f s = %.2f Gbit/s%n", size >> 20, s, size * 8 / s / 1e9);
            }
            System.out.println("TCP counters after large transfers: " + tcp.protocol().counters());
        });
    }

    /**
     * The kernel has no netem here, so the loss is made on the stack's side of the TUN: a channel wrapper drops
     * 3 % of the packets each way and holds back 5 % of the outbound ones behind the next (reordering), seeded.
     * The kernel's loss recovery and ours both work: 8 MiB each way arrive intact.
     */
    @Test
    void transfersSurviveLossAndReorderingBetweenKernelAndStack() throws Exception {
        long size = 8L << 20;
        lossy = new java.util.SplittableRandom(5);
        try {
            withStack((stack, tcp) -> {
                try (TcpListener l = tcp.listen(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 5003), 8)) {
                    CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> {
                        try (TcpSocket s = l.accept(Duration.ofMillis(TIMEOUT_MS))) {
                            s.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                            byte[] got = KernelTcpRig.drainHashing(s.inputStream());
                            KernelTcpRig.sendHashing(s.outputStream(), size, 22);
                            s.shutdownOutput();
                            return got;
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    byte[] sent;
                    byte[] received;
                    try (Socket k = new Socket()) {
                        k.setSoTimeout(TIMEOUT_MS);
                        k.connect(new InetSocketAddress(InetAddress.getByName("10.91.0.2"), 5003), TIMEOUT_MS);
                        sent = KernelTcpRig.sendHashing(k.getOutputStream(), size, 21);
                        k.shutdownOutput();
                        received = KernelTcpRig.drainHashing(k.getInputStream());
                    }
                    assertThat(served.get(120, TimeUnit.SECONDS)).as("kernel -> stack under loss").isEqualTo(sent);
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    byte[] chunk = new byte[256 * 1024];
                    Random r = new Random(22);
                    for (long done = 0; done < size; done += chunk.length) {
                        r.nextBytes(chunk);
                        md.update(chunk, 0, (int) Math.min(chunk.length, size - done));
                    }
                    assertThat(received).as("stack -> kernel under loss").isEqualTo(md.digest());
                }
                System.out.println("TCP counters under loss: " + tcp.protocol().counters());
                assertThat(tcp.protocol().counters().get(TcpCounter.RETRANSMITS)).isPositive();
                assertThat(tcp.protocol().counters().get(TcpCounter.OUT_OF_ORDER)).isPositive();
            });
        } finally {
            lossy = null;
        }
    }

    /** When set, the stack's TUN channels drop and reorder packets with this random. */
    private static volatile java.util.SplittableRandom lossy;

    /** Drops 3 % each way and delays 5 % of outbound packets behind the next one. */
    private static final class LossyChannel implements org.netstack4j.link.PacketChannel {
        private final org.netstack4j.link.PacketChannel inner;
        private final java.util.SplittableRandom random;
        private org.netstack4j.buffer.PacketBuffer held;

        LossyChannel(org.netstack4j.link.PacketChannel inner, java.util.SplittableRandom random) {
            this.inner = inner;
            this.random = random;
        }

        @Override
        public int read(org.netstack4j.buffer.PacketBuffer buffer) throws java.io.IOException {
            while (true) {
                int start = buffer.start();
                int n = inner.read(buffer);
                if (n < 0 || !chance(0.03)) {
                    return n;
                }
                buffer.setBounds(start, start);
            }
        }

        @Override
        public void write(org.netstack4j.buffer.PacketBuffer packet) throws java.io.IOException {
            if (chance(0.03)) {
                return;
            }
            if (held == null && chance(0.05)) {
                held = org.netstack4j.buffer.PacketBuffer.copyOf(packet.array(), packet.start(), packet.length(), 64);
                return;
            }
            inner.write(packet);
            if (held != null) {
                org.netstack4j.buffer.PacketBuffer h = held;
                held = null;
                try {
                    inner.write(h);
                } catch (org.netstack4j.link.ChannelFullException e) {
                    // dropped: the device is full
                }
            }
        }

        private boolean chance(double p) {
            synchronized (random) {
                return random.nextDouble() < p;
            }
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public void close() throws java.io.IOException {
            inner.close();
        }
    }

    private static String deviceName;

    private interface StackBody {
        void run(Stack stack, Tcp tcp) throws Exception;
    }

    private static void withStack(StackBody body) throws Exception {
        String name = TestSupport.uniqueName("st");
        deviceName = name;
        TunOptions options = TunOptions.tun(name);
        if (withOffloads) {
            options = options.withOffloads(TunOffload.tcp()).withDeliverSuperPackets(true);
        }
        try (TunDevice dev = TunDevice.open(options)) {
            TestSupport.run(10, "ip", "link", "set", dev.name(), "mtu", "1500", "up");
            TestSupport.run(10, "ip", "addr", "add", "10.91.0.1/24", "dev", dev.name());
            TestSupport.run(10, "ip", "-6", "addr", "add", "fd91::1/64", "dev", dev.name(), "nodad");
            Stack stack = Stack.builder().shards(2).build();
            try {
                java.util.List<org.netstack4j.link.PacketChannel> channels = new java.util.ArrayList<>(dev.queues());
                java.util.SplittableRandom r = lossy;
                if (r != null) {
                    channels.replaceAll(ch -> new LossyChannel(ch, r));
                }
                var nic = stack.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder().channels(channels)
                        .mtu(1500).softwareGso(withOffloads).txChecksumOffload(withOffloads).build()));
                nic.addAddress("10.91.0.2/24");
                nic.addAddress("fd91::2/64");
                body.run(stack, Tcp.attach(stack));
            } finally {
                stack.close();
                assertThat(stack.awaitTermination(Duration.ofSeconds(10))).isTrue();
            }
        }
    }

    static byte[] pattern(int length, long seed) {
        byte[] d = new byte[length];
        new Random(seed).nextBytes(d);
        return d;
    }

    static byte[] sha256(byte[] d) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(d);
    }

    static byte[] readAll(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        for (int i = 0; i < 1_000_000; i++) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
