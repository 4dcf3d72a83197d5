package org.netstack4j.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.stack.Stack;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.IpProtocol;

class UdpSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private PacketPipe pipe;
    private StackPair stacks;
    private Stack a;
    private Stack b;
    private Udp udpA;
    private Udp udpB;

    @BeforeEach
    void twoStacks() {
        stacks = new StackPair(512);
        a = stacks.a;
        b = stacks.b;
        pipe = stacks.pipe;
        udpA = Udp.attach(a);
        udpB = Udp.attach(b);
    }

    @AfterEach
    void close() throws InterruptedException {
        stacks.close(WAIT);
    }

    private static InetSocketAddress at(String address, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    private static byte[] pattern(int length, long seed) {
        byte[] d = new byte[length];
        new Random(seed).nextBytes(d);
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1 10.0.0.2 0.0.0.0", "fd00::1 fd00::2 ::"})
    void datagramsKeepTheirBoundariesBothWaysUpToTheLargestFragmented(String addresses) throws Exception {
        String[] s = addresses.split(" ");
        try (UdpSocket server = udpB.bind(at(s[1], 7000));
             UdpSocket client = udpA.bind(at(s[2], 0))) {
            int[] sizes = {1, 1472, 8000, s[0].contains(":") ? 65527 : 65507, 0};
            // One at a time: UDP does not keep order, and fragmented and whole datagrams of one flow
            // may be handled on different shards.
            for (int size : sizes) {
                byte[] data = pattern(size, size);
                client.send(at(s[1], 7000), data, 0, data.length);
                UdpDatagram d = server.receive(WAIT);
                assertThat(d.data().length).isEqualTo(size);
                assertThat(Arrays.equals(d.data(), data)).as("datagram of %d bytes intact", size).isTrue();
                assertThat(d.source()).isEqualTo(at(s[0], client.localPort()));
                // Echo it back: the other direction, fragmented as well.
                server.send(d.source(), d.data(), 0, d.data().length);
                byte[] echo = client.receive(WAIT).data();
                assertThat(echo.length).isEqualTo(size);
                assertThat(Arrays.equals(echo, data)).as("echo of %d bytes intact", size).isTrue();
            }
        }
        assertThat(udpB.protocol().badChecksum()).isZero();
    }

    @Test
    void ephemeralPortsAreUniqueAndInTheDynamicRange() throws Exception {
        Set<Integer> ports = new HashSet<>();
        List<UdpSocket> open = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            UdpSocket u = udpA.bind(at("0.0.0.0", 0));
            open.add(u);
            assertThat(u.localPort()).isBetween(49152, 65535);
            assertThat(ports.add(u.localPort())).as("port %d handed out twice", u.localPort()).isTrue();
        }
        open.forEach(UdpSocket::close);
        assertThat(udpA.protocol().demux().size()).isZero();
    }

    @Test
    void aBoundPortIsInUseUntilClosedAndIpv4AndIpv6AreSeparate() throws Exception {
        UdpSocket first = udpA.bind(at("0.0.0.0", 5353));
        assertThatThrownBy(() -> udpA.bind(at("10.0.0.1", 5353))).isInstanceOf(BindException.class)
                .hasMessageContaining("in use");
        try (UdpSocket v6 = udpA.bind(at("::", 5353))) {
            assertThat(v6.localPort()).isEqualTo(5353);
        }
        first.close();
        try (UdpSocket again = udpA.bind(at("0.0.0.0", 5353))) {
            assertThat(again.localPort()).isEqualTo(5353);
        }
    }

    @Test
    void aSocketBoundToOneAddressIgnoresDatagramsToAnother() throws Exception {
        b.nic(1).addAddress("10.0.0.3/24");
        try (UdpSocket server = udpB.bind(at("10.0.0.2", 7004));
             UdpSocket client = udpA.bind(at("10.0.0.1", 0))) {
            client.send(at("10.0.0.3", 7004), new byte[] {3}, 0, 1);
            client.send(at("10.0.0.2", 7004), new byte[] {2}, 0, 1);
            assertThat(server.receive(WAIT).data()).containsExactly(2);
            assertThatThrownBy(() -> server.receive(Duration.ofMillis(200)))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(udpB.protocol().noPort()).isEqualTo(1);
        }
    }

    @Test
    void sendingOnAClosedStackFailsInsteadOfHanging() throws Exception {
        UdpSocket u = udpA.bind(at("10.0.0.1", 0));
        a.close();
        assertThatThrownBy(() -> u.send(at("10.0.0.2", 9), new byte[1], 0, 1))
                .isInstanceOf(SocketException.class).hasMessageContaining("not sent");
    }

    @Test
    void misuseGetsClearExceptions() throws Exception {
        UdpSocket u = udpA.bind(at("0.0.0.0", 0));
        assertThatThrownBy(() -> u.send(at("10.0.0.2", 9), new byte[65508], 0, 65508))
                .isInstanceOf(SocketException.class).hasMessageContaining("message too long");
        assertThatThrownBy(() -> u.send(new byte[1])).hasMessageContaining("not connected");
        u.close();
        assertThatThrownBy(() -> u.send(at("10.0.0.2", 9), new byte[1], 0, 1)).hasMessageContaining("closed");
        assertThatThrownBy(() -> u.receive(WAIT)).hasMessageContaining("closed");
    }

    @Test
    void aConnectedSocketOnlyHearsItsPeer() throws Exception {
        try (UdpSocket server = udpB.bind(at("10.0.0.2", 7001));
             UdpSocket stranger = udpA.bind(at("10.0.0.1", 0));
             UdpSocket peer = udpA.bind(at("10.0.0.1", 0))) {
            server.connect(at("10.0.0.1", peer.localPort()));
            stranger.send(at("10.0.0.2", 7001), new byte[] {1}, 0, 1);
            peer.send(at("10.0.0.2", 7001), new byte[] {2}, 0, 1);
            UdpDatagram d = server.receive(WAIT);
            assertThat(d.data()).as("the stranger's datagram is filtered").containsExactly(2);
            assertThatThrownBy(() -> server.receive(Duration.ofMillis(200)))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(udpB.protocol().noPort()).isEqualTo(1);
        }
    }

    @Test
    void aClosedPortAnswersPortUnreachableAndTheConnectedSenderHearsIt() throws Exception {
        for (String[] s : new String[][] {{"10.0.0.1", "10.0.0.2"}, {"fd00::1", "fd00::2"}}) {
            try (UdpSocket client = udpA.bind(at(s[0], 0))) {
                client.connect(at(s[1], 9999));
                client.send(new byte[] {42});
                assertThatThrownBy(() -> client.receive(WAIT)).isInstanceOf(PortUnreachableException.class);
                // Reported once: the next call waits normally.
                assertThatThrownBy(() -> client.receive(Duration.ofMillis(50)))
                        .isInstanceOf(SocketTimeoutException.class);
                // A send reports a later one just the same.
                client.send(new byte[] {43});
                long deadline = System.nanoTime() + WAIT.toNanos();
                boolean reportedBySend = false;
                while (!reportedBySend && System.nanoTime() < deadline) {
                    try {
                        client.send(new byte[] {44});
                        Thread.sleep(5);
                    } catch (PortUnreachableException e) {
                        reportedBySend = true;
                    }
                }
                assertThat(reportedBySend).isTrue();
            }
        }
        assertThat(udpA.protocol().errorsReported()).isGreaterThanOrEqualTo(4);
        assertThat(udpB.protocol().noPort()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void ipv6ZeroChecksumIsDroppedIpv4ZeroChecksumIsAccepted() throws Exception {
        try (UdpSocket v4 = udpB.bind(at("10.0.0.2", 7002)); UdpSocket v6 = udpB.bind(at("fd00::2", 7002))) {
            // IPv6 datagram without checksum: dropped and counted.
            byte[] p6 = new byte[40 + 8 + 3];
            Bytes.put32(p6, 0, 0x6000_0000);
            Bytes.put16(p6, 4, 11);
            Bytes.put8(p6, 6, IpProtocol.UDP);
            Bytes.put8(p6, 7, 64);
            System.arraycopy(InetAddress.getByName("fd00::1").getAddress(), 0, p6, 8, 16);
            System.arraycopy(InetAddress.getByName("fd00::2").getAddress(), 0, p6, 24, 16);
            Bytes.put16(p6, 40, 1234);
            Bytes.put16(p6, 42, 7002);
            Bytes.put16(p6, 44, 11);
            assertThat(a.writePacket(p6).get(10, TimeUnit.SECONDS)).isTrue();
            // IPv4 datagram without checksum: delivered.
            byte[] p4 = new byte[20 + 8 + 3];
            Bytes.put8(p4, 0, 0x45);
            Bytes.put16(p4, 2, p4.length);
            Bytes.put8(p4, 8, 64);
            Bytes.put8(p4, 9, IpProtocol.UDP);
            System.arraycopy(InetAddress.getByName("10.0.0.1").getAddress(), 0, p4, 12, 4);
            System.arraycopy(InetAddress.getByName("10.0.0.2").getAddress(), 0, p4, 16, 4);
            Bytes.put16(p4, 10, Checksum.compute(p4, 0, 20));
            Bytes.put16(p4, 20, 1234);
            Bytes.put16(p4, 22, 7002);
            Bytes.put16(p4, 24, 11);
            p4[28] = 7;
            assertThat(a.writePacket(p4).get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(v4.receive(WAIT).data()).containsExactly(7, 0, 0);
            assertThatThrownBy(() -> v6.receive(Duration.ofMillis(200))).isInstanceOf(SocketTimeoutException.class);
            assertThat(udpB.protocol().badChecksum()).isEqualTo(1);
        }
    }

    @Test
    void receiveTimesOutAndCloseWakesABlockedReceiver() throws Exception {
        UdpSocket u = udpB.bind(at("0.0.0.0", 0));
        assertThatThrownBy(() -> u.receive(Duration.ofMillis(20))).isInstanceOf(SocketTimeoutException.class);
        // A negative timeout is no wait at all, not an endless one.
        assertThatThrownBy(() -> u.receive(new byte[8], 0, 8, new UdpPeer(), Duration.ofMillis(-5)))
                .isInstanceOf(SocketTimeoutException.class);
        CompletableFuture<Throwable> blocked = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                u.receive();
                blocked.complete(null);
            } catch (Throwable e) {
                blocked.complete(e);
            }
        });
        // Wait until the receiver is parked inside receive, then close.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        u.close();
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void manyBlockedReceiversEachGetADatagramAndCloseWakesTheRest() throws Exception {
        try (UdpSocket server = udpB.bind(at("10.0.0.2", 7005));
             UdpSocket client = udpA.bind(at("10.0.0.1", 0))) {
            // First one datagram through, so that ARP has resolved and nothing waits in its small queue.
            client.send(at("10.0.0.2", 7005), new byte[] {-1}, 0, 1);
            assertThat(server.receive(WAIT).data()).containsExactly(-1);
            int receivers = 8;
            List<CompletableFuture<Object>> got = new java.util.ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                CompletableFuture<Object> f = new CompletableFuture<>();
                got.add(f);
                Thread.ofVirtual().start(() -> {
                    try {
                        f.complete(server.receive(WAIT).data()[0]);
                    } catch (Throwable e) {
                        f.complete(e);
                    }
                });
            }
            // Six datagrams for eight waiting receivers: six get one each, the other two are woken by close.
            for (int i = 0; i < 6; i++) {
                client.send(at("10.0.0.2", 7005), new byte[] {(byte) i}, 0, 1);
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (got.stream().filter(CompletableFuture::isDone).count() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            server.close();
            Set<Object> values = new HashSet<>();
            int closed = 0;
            for (CompletableFuture<Object> f : got) {
                Object v = f.get(10, TimeUnit.SECONDS);
                if (v instanceof SocketException) {
                    closed++;
                } else {
                    values.add(v);
                }
            }
            assertThat(values).containsExactlyInAnyOrder((byte) 0, (byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5);
            assertThat(closed).isEqualTo(2);
        }
    }

    @Test
    void aFullReceiveQueueDropsAndCounts() throws Exception {
        try (UdpSocket server = udpB.bind(at("10.0.0.2", 7003), 4);
             UdpSocket client = udpA.bind(at("10.0.0.1", 0))) {
            // First one datagram through, so that ARP has resolved and nothing waits in its small queue.
            client.send(at("10.0.0.2", 7003), new byte[] {-1}, 0, 1);
            assertThat(server.receive(WAIT).data()).containsExactly(-1);
            for (int i = 0; i < 10; i++) {
                client.send(at("10.0.0.2", 7003), new byte[] {(byte) i}, 0, 1);
            }
            // Wait until all ten reached the protocol (delivered or dropped), then look.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (udpB.protocol().delivered() + udpB.protocol().queueFull() < 11 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(server.droppedDatagrams()).isEqualTo(6);
            assertThat(udpB.protocol().queueFull()).isEqualTo(6);
            for (int i = 0; i < 4; i++) {
                assertThat(server.receive(WAIT).data()).containsExactly(i);
            }
        }
    }
    @Test
    void thousandsOfVirtualThreadsDoRoundTrips() throws Exception {
        int clients = 2000;
        int roundTrips = 3;
        try (UdpSocket server = udpB.bind(at("10.0.0.2", 7), 8192)) {
            List<Thread> echoers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                echoers.add(Thread.ofVirtual().start(() -> {
                    try {
                        while (true) {
                            UdpDatagram d = server.receive();
                            server.send(d.source(), d.data(), 0, d.data().length);
                        }
                    } catch (Exception closed) {
                        // the socket closed at the end of the test
                    }
                }));
            }
            java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger retries = new java.util.concurrent.atomic.AtomicInteger();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < clients; c++) {
                    int id = c;
                    pool.submit(() -> {
                        try (UdpSocket u = udpA.bind(at("10.0.0.1", 0), 16)) {
                            u.connect(at("10.0.0.2", 7));
                            for (int r = 0; r < roundTrips; r++) {
                                byte[] msg = new byte[8];
                                Bytes.put32(msg, 0, id);
                                Bytes.put32(msg, 4, r);
                                // UDP may lose a datagram when a queue is full: retry a bounded number of times.
                                for (int attempt = 0; attempt < 10; attempt++) {
                                    u.send(msg);
                                    if (awaitEcho(u, msg)) {
                                        completed.incrementAndGet();
                                        break;
                                    }
                                    retries.incrementAndGet();
                                }
                            }
                        }
                        return null;
                    });
                }
                pool.shutdown();
                assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).as("bounded in time").isTrue();
            }
            System.out.printf("%d virtual threads: %d round trips, %d retries%n", clients, completed.get(),
                    retries.get());
            assertThat(completed.get()).isEqualTo(clients * roundTrips);
            server.close();
            for (Thread t : echoers) {
                assertThat(t.join(WAIT)).isTrue();
            }
        }
    }

    /** Waits up to a second for the echo of {@code msg}, skipping late echoes of earlier attempts. */
    private static boolean awaitEcho(UdpSocket u, byte[] msg) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                if (Arrays.equals(u.receive(Duration.ofNanos(left)).data(), msg)) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            }
        }
    }
}
