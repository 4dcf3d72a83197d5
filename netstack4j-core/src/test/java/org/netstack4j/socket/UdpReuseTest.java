package org.netstack4j.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.socket.UdpPair.WAIT;
import static org.netstack4j.socket.UdpPair.at;

import java.net.BindException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which sockets may share a port, which one a datagram reaches, dual-stack sockets, ephemeral ports. */
class UdpReuseTest {
    private static final UdpBindOptions REUSE_ADDRESS = UdpBindOptions.defaults().withReuseAddress(true);
    private static final UdpBindOptions REUSE_PORT = UdpBindOptions.defaults().withReusePort(true);

    private UdpPair pair;

    @BeforeEach
    void open() {
        pair = new UdpPair();
        pair.nicB.addAddress("10.0.0.3/24");
        pair.nicB.addAddress("10.0.0.4/24");
    }

    @AfterEach
    void close() throws InterruptedException {
        pair.close();
    }

    private static byte[] receive(UdpSocket s) throws Exception {
        return s.receive(WAIT).data();
    }

    private static void assertNothing(UdpSocket s) {
        assertThatThrownBy(() -> s.receive(Duration.ofMillis(100))).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void differentSpecificAddressesShareAPortAndEachGetsItsOwnDatagrams() throws Exception {
        try (UdpSocket two = pair.udpB.bind(at("10.0.0.2", 5000));
             UdpSocket three = pair.udpB.bind(at("10.0.0.3", 5000));
             UdpSocket client = pair.udpA.bind(at("10.0.0.1", 0))) {
            client.send(at("10.0.0.2", 5000), new byte[] {2}, 0, 1);
            client.send(at("10.0.0.3", 5000), new byte[] {3}, 0, 1);
            assertThat(receive(two)).containsExactly(2);
            assertThat(receive(three)).containsExactly(3);
            assertThatThrownBy(() -> pair.udpB.bind(at("10.0.0.2", 5000))).isInstanceOf(BindException.class);
            // Without SO_REUSEADDR the wildcard overlaps both.
            assertThatThrownBy(() -> pair.udpB.bind(at("0.0.0.0", 5000))).isInstanceOf(BindException.class)
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void withReuseAddressASpecificBindingBeatsTheWildcard() throws Exception {
        try (UdpSocket any = pair.udpB.bind(at("0.0.0.0", 5001), REUSE_ADDRESS);
             UdpSocket three = pair.udpB.bind(at("10.0.0.3", 5001), REUSE_ADDRESS);
             UdpSocket client = pair.udpA.bind(at("10.0.0.1", 0))) {
            // Both must ask for it: a specific binding without it is refused.
            assertThatThrownBy(() -> pair.udpB.bind(at("10.0.0.4", 5001))).isInstanceOf(BindException.class);
            client.send(at("10.0.0.3", 5001), new byte[] {3}, 0, 1);
            client.send(at("10.0.0.2", 5001), new byte[] {2}, 0, 1);
            client.send(at("10.0.0.4", 5001), new byte[] {4}, 0, 1);
            assertThat(receive(three)).containsExactly(3);
            Set<Byte> rest = new HashSet<>();
            rest.add(receive(any)[0]);
            rest.add(receive(any)[0]);
            assertThat(rest).containsExactlyInAnyOrder((byte) 2, (byte) 4);
            assertNothing(three);
            // Once the specific one is gone, the wildcard takes its address too.
            three.close();
            client.send(at("10.0.0.3", 5001), new byte[] {5}, 0, 1);
            assertThat(receive(any)).containsExactly(5);
        }
    }

    @Test
    void sameAddressNeedsReusePortOnAllAndEachSenderSticksToOneSocket() throws Exception {
        try (UdpSocket first = pair.udpB.bind(at("10.0.0.2", 5002), REUSE_PORT)) {
            assertThatThrownBy(() -> pair.udpB.bind(at("10.0.0.2", 5002))).isInstanceOf(BindException.class);
            assertThatThrownBy(() -> pair.udpB.bind(at("10.0.0.2", 5002), REUSE_ADDRESS))
                    .isInstanceOf(BindException.class);
            List<UdpSocket> group = new ArrayList<>(List.of(first));
            for (int i = 0; i < 3; i++) {
                group.add(pair.udpB.bind(at("10.0.0.2", 5002), REUSE_PORT));
            }
            // One datagram first resolves ARP, so that nothing waits in its small queue.
            try (UdpSocket warm = pair.udpA.bind(at("10.0.0.1", 0));
                 UdpSocket sink = pair.udpB.bind(at("10.0.0.2", 0))) {
                warm.send(at("10.0.0.2", sink.localPort()), new byte[1], 0, 1);
                receive(sink);
            }
            List<UdpSocket> clients = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                clients.add(pair.udpA.bind(at("10.0.0.1", 0)));
            }
            // Each of 32 senders sends three datagrams; all three reach the same socket of the group.
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).send(at("10.0.0.2", 5002), new byte[] {(byte) i}, 0, 1);
                }
            }
            Map<Integer, Integer> socketOfSender = new HashMap<>();
            Set<Integer> used = new HashSet<>();
            int received = 0;
            while (received < 96) {
                boolean any = false;
                for (int g = 0; g < group.size(); g++) {
                    try {
                        byte[] d = group.get(g).receive(Duration.ofMillis(50)).data();
                        Integer before = socketOfSender.putIfAbsent((int) d[0], g);
                        assertThat(before == null ? g : before).as("sender %d sticks to one socket", d[0])
                                .isEqualTo(g);
                        used.add(g);
                        received++;
                        any = true;
                    } catch (SocketTimeoutException e) {
                        // try the next one
                    }
                }
                assertThat(any).as("datagrams still arriving (%d of 96 so far)", received).isTrue();
            }
            assertThat(used.size()).as("32 senders spread over the group").isGreaterThan(1);
            clients.forEach(UdpSocket::close);
            group.forEach(UdpSocket::close);
        }
        assertThat(pair.udpB.protocol().demux().size()).isZero();
    }

    @Test
    void aDualStackSocketGetsIpv4FromMappedAddressesAndAnswersThem() throws Exception {
        UdpBindOptions dual = UdpBindOptions.defaults().withIpv6Only(false);
        try (UdpSocket server = pair.udpB.bind(at("::", 5003), dual);
             UdpSocket v4 = pair.udpA.bind(at("10.0.0.1", 0));
             UdpSocket v6 = pair.udpA.bind(at("fd00::1", 0))) {
            // It holds the IPv4 wildcard of its port as well.
            assertThatThrownBy(() -> pair.udpB.bind(at("0.0.0.0", 5003))).isInstanceOf(BindException.class);
            v4.send(at("10.0.0.2", 5003), new byte[] {4}, 0, 1);
            v6.send(at("fd00::2", 5003), new byte[] {6}, 0, 1);
            UdpPeer from = new UdpPeer();
            byte[] buf = new byte[16];
            for (int i = 0; i < 2; i++) {
                int n = server.receive(buf, 0, buf.length, from, WAIT);
                assertThat(n).isEqualTo(1);
                assertThat(from.ipVersion()).isEqualTo(6);
                if (buf[0] == 4) {
                    assertThat(from.isIpv4Mapped()).isTrue();
                    assertThat(from.toSocketAddress()).isEqualTo(at("10.0.0.1", v4.localPort()));
                } else {
                    assertThat(from.isIpv4Mapped()).isFalse();
                    assertThat(from.toSocketAddress()).isEqualTo(at("fd00::1", v6.localPort()));
                }
                buf[0] += 10;
                server.send(from, buf, 0, 1); // back over IPv4 to a mapped address
            }
            assertThat(receive(v4)).containsExactly(14);
            assertThat(receive(v6)).containsExactly(16);
            // The allocating API takes a plain IPv4 address too.
            server.send(at("10.0.0.1", v4.localPort()), new byte[] {40}, 0, 1);
            assertThat(receive(v4)).containsExactly(40);
        }
    }

    @Test
    void anIpv6OnlySocketGetsNoIpv4() throws Exception {
        try (UdpSocket only6 = pair.udpB.bind(at("::", 5004));
             UdpSocket v4 = pair.udpA.bind(at("10.0.0.1", 0))) {
            // The IPv4 wildcard of the port is free.
            pair.udpB.bind(at("0.0.0.0", 5004)).close();
            v4.send(at("10.0.0.2", 5004), new byte[] {4}, 0, 1);
            assertNothing(only6);
            assertThatThrownBy(() -> only6.send(at("10.0.0.1", v4.localPort()), new byte[1], 0, 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (pair.udpB.protocol().noPort() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(pair.udpB.protocol().noPort()).isEqualTo(1);
    }

    @Test
    void concurrentEphemeralBindsNeverCollide() throws Exception {
        int threads = 16;
        int perThread = 500;
        Set<Integer> ports = ConcurrentHashMap.newKeySet();
        List<UdpSocket> open = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            boolean v6 = t % 2 == 1;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        UdpSocket s = pair.udpA.bind(at(v6 ? "::" : "0.0.0.0", 0));
                        open.add(s);
                        if (!ports.add(s.localPort())) {
                            failures.add(new AssertionError("port " + s.localPort() + " handed out twice"));
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) {
            assertThat(w.join(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(failures).isEmpty();
        assertThat(ports).hasSize(threads * perThread).allMatch(p -> p >= 49152 && p <= 65535);
        open.forEach(UdpSocket::close);
        assertThat(pair.udpA.protocol().demux().size()).isZero();
    }
}
