package org.netstack4j.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.socket.UdpPair.WAIT;
import static org.netstack4j.socket.UdpPair.at;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.stack.Stack;
import org.netstack4j.time.ManualClock;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

/**
 * Stack A sends to arbitrary addresses through B (its default gateway); B's NIC is promiscuous and a
 * {@link UdpForwarder} hands each flow to a handler that answers as the original destination. B runs on a
 * manual clock so that idle timeouts pass on command.
 */
class UdpForwarderTest {
    private static final int FLOWS = 220;

    private final ManualClock clock = new ManualClock();
    private UdpPair pair;
    /** Per flow (by its destination): what its handler received, in order. */
    private final Map<InetSocketAddress, List<String>> seen = new ConcurrentHashMap<>();
    private final List<UdpFlow> flows = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        pair = new UdpPair(Stack.builder().shards(2).seed(1), Stack.builder().shards(2).seed(2).clock(clock), 1024);
        pair.a.addDefaultRoute(Ipv4Address.parse("10.0.0.2"), 1);
        pair.a.addDefaultRoute(Ipv6Address.parse("fd00::2"), 1);
        pair.nicB.setPromiscuous(true);
        pair.nicB.setSpoofing(true);
    }

    @AfterEach
    void close() throws InterruptedException {
        pair.close();
    }

    /** A handler that answers every datagram with "re:" and its text, from a virtual thread per flow. */
    private UdpForwarder install(UdpForwarderOptions options) {
        return UdpForwarder.install(pair.udpB, options, flow -> {
            flows.add(flow);
            List<String> log = seen.computeIfAbsent(flow.destination(), k -> new CopyOnWriteArrayList<>());
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        String text = new String(flow.receive(null), StandardCharsets.UTF_8);
                        log.add(text);
                        byte[] reply = ("re:" + text).getBytes(StandardCharsets.UTF_8);
                        flow.send(reply, 0, reply.length);
                    }
                } catch (Exception ended) {
                    // closed or expired
                }
            });
        });
    }

    private static InetSocketAddress destination(int i) {
        return at("198.51." + (100 + i / 200) + "." + (i % 200 + 1), 1000 + i * 7);
    }

    private static void send(UdpSocket s, InetSocketAddress to, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.send(to, b, 0, b.length);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    /** Resolves ARP both ways through a plain socket on B, so that no datagram waits in its small queue. */
    private void warmUp() throws Exception {
        try (UdpSocket server = pair.udpB.bind(at("10.0.0.2", 9)); UdpSocket c = pair.udpA.bind(at("10.0.0.1", 0))) {
            send(c, at("10.0.0.2", 9), "warm");
            UdpDatagram d = server.receive(WAIT);
            server.send(d.source(), d.data(), 0, d.data().length);
            c.receive(WAIT);
        }
    }

    @Test
    void flowsToManyAddressesAreHandedOverRepliedToAndExpire() throws Exception {
        warmUp();
        UdpForwarder forwarder = install(new UdpForwarderOptions(1000, Duration.ofSeconds(30), 16));
        try (UdpSocket client = pair.udpA.bind(at("0.0.0.0", 0), 4 * FLOWS)) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < FLOWS; i++) {
                    send(client, destination(i), i + "/" + round);
                }
            }
            Map<InetSocketAddress, Integer> replies = new HashMap<>();
            for (int n = 0; n < 2 * FLOWS; n++) {
                UdpDatagram d = client.receive(WAIT);
                String text = new String(d.data(), StandardCharsets.UTF_8);
                int i = Integer.parseInt(text.substring(3, text.indexOf('/')));
                assertThat(text).startsWith("re:");
                assertThat(d.source()).as("the reply comes from where the request went").isEqualTo(destination(i));
                replies.merge(d.source(), 1, Integer::sum);
            }
            assertThat(replies).hasSize(FLOWS).allSatisfy((k, v) -> assertThat(v).isEqualTo(2));
            assertThat(forwarder.sessionsStarted()).isEqualTo(FLOWS);
            assertThat(forwarder.activeSessions()).isEqualTo(FLOWS);
            assertThat(flows).hasSize(FLOWS).allSatisfy(f -> assertThat(f.source())
                    .isEqualTo(at("10.0.0.1", client.localPort())));
            for (int i = 0; i < FLOWS; i++) {
                assertThat(seen.get(destination(i))).as("flow %d saw its own datagrams in order", i)
                        .containsExactly(i + "/0", i + "/1");
            }
            assertThat(pair.udpB.protocol().noPort()).isZero();

            // Idle for longer than the timeout: every flow expires on the shards' timer wheels.
            clock.advance(Duration.ofSeconds(31));
            await(() -> forwarder.sessionsExpired() == FLOWS, "all flows expired");
            assertThat(forwarder.activeSessions()).isZero();
            assertThat(flows).allMatch(UdpFlow::isClosed);

            // A later datagram of an expired flow starts a new session.
            send(client, destination(5), "5/2");
            UdpDatagram again = client.receive(WAIT);
            assertThat(new String(again.data(), StandardCharsets.UTF_8)).isEqualTo("re:5/2");
            assertThat(again.source()).isEqualTo(destination(5));
            assertThat(forwarder.sessionsStarted()).isEqualTo(FLOWS + 1);
            assertThat(flows).hasSize(FLOWS + 1);
        }
    }

    @Test
    void trafficKeepsAFlowAliveAndClosingFreesIt() throws Exception {
        warmUp();
        UdpForwarder forwarder = install(new UdpForwarderOptions(10, Duration.ofSeconds(30), 16));
        try (UdpSocket client = pair.udpA.bind(at("10.0.0.1", 0))) {
            send(client, destination(1), "1/0");
            assertThat(client.receive(WAIT).source()).isEqualTo(destination(1));
            clock.advance(Duration.ofSeconds(20));
            send(client, destination(1), "1/1"); // traffic within the timeout
            assertThat(client.receive(WAIT).source()).isEqualTo(destination(1));
            clock.advance(Duration.ofSeconds(20)); // 40 s after the start, 20 s after the last datagram
            Thread.sleep(50); // give the wheel a chance to (wrongly) fire
            assertThat(forwarder.sessionsExpired()).isZero();
            assertThat(forwarder.activeSessions()).isEqualTo(1);
            flows.get(0).close();
            await(() -> forwarder.activeSessions() == 0, "closed flow freed");
            assertThat(forwarder.sessionsClosed()).isEqualTo(1);
            assertThatThrownBy(() -> flows.get(0).receive(Duration.ofMillis(10))).hasMessageContaining("closed");
        }
    }

    @Test
    void sessionsBeyondTheLimitAreRefusedAndCounted() throws Exception {
        warmUp();
        UdpForwarder forwarder = install(new UdpForwarderOptions(5, Duration.ofSeconds(30), 16));
        try (UdpSocket client = pair.udpA.bind(at("10.0.0.1", 0))) {
            for (int i = 0; i < 8; i++) {
                send(client, destination(i), i + "/0");
            }
            for (int n = 0; n < 5; n++) {
                client.receive(WAIT);
            }
            await(() -> forwarder.sessionsRefused() == 3, "three refused");
            assertThatThrownBy(() -> client.receive(Duration.ofMillis(100))).isInstanceOf(SocketTimeoutException.class);
            assertThat(forwarder.sessionsStarted()).isEqualTo(5);
            assertThat(forwarder.activeSessions()).isEqualTo(5);
        }
    }

    @Test
    void socketsKeepTheirDatagramsAndAWildcardOnlyOwnsLocalAddresses() throws Exception {
        warmUp();
        UdpForwarder forwarder = install(new UdpForwarderOptions(10, Duration.ofSeconds(30), 16));
        try (UdpSocket dns = pair.udpB.bind(at("0.0.0.0", 53));
             UdpSocket client = pair.udpA.bind(at("10.0.0.1", 0))) {
            send(client, at("10.0.0.2", 53), "local");
            send(client, at("192.0.2.53", 53), "foreign");
            assertThat(new String(dns.receive(WAIT).data(), StandardCharsets.UTF_8)).isEqualTo("local");
            UdpDatagram d = client.receive(WAIT);
            assertThat(d.source()).isEqualTo(at("192.0.2.53", 53));
            assertThat(forwarder.sessionsStarted()).isEqualTo(1);
            assertThatThrownBy(() -> dns.receive(Duration.ofMillis(100))).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void fragmentedDatagramsJoinTheFlowOfTheirPorts() throws Exception {
        warmUp();
        UdpForwarder forwarder = install(new UdpForwarderOptions(100, Duration.ofSeconds(30), 16));
        try (UdpSocket client = pair.udpA.bind(at("10.0.0.1", 0))) {
            // Fragments are hashed by their addresses alone and may be reassembled on another shard than
            // the flow's: the forwarder must still find the flow, for many address pairs.
            for (int i = 0; i < 16; i++) {
                send(client, destination(i), i + "/small");
                String big = i + "/" + "x".repeat(4000);
                send(client, destination(i), big);
                // UDP keeps no order (the big one took the reassembly path): take both replies in any order.
                java.util.Set<String> got = new java.util.HashSet<>();
                for (int n = 0; n < 2; n++) {
                    UdpDatagram d = client.receive(WAIT);
                    assertThat(d.source()).isEqualTo(destination(i));
                    got.add(new String(d.data(), StandardCharsets.UTF_8));
                }
                assertThat(got).containsExactlyInAnyOrder("re:" + i + "/small", "re:" + big);
            }
            assertThat(forwarder.sessionsStarted()).isEqualTo(16);
        }
    }

    @Test
    void broadcastAndMulticastDestinationsStartNoFlow() {
        UdpForwarder forwarder = install(new UdpForwarderOptions(10, Duration.ofSeconds(30), 16));
        PacketBuffer p = new PacketBuffer(64, 0);
        assertThat(forwarder.unclaimed(1, 4, p, 0, 0x0a00_0001L, 5353, 0, 0xe000_00fbL, 5353)).isFalse();
        assertThat(forwarder.unclaimed(1, 4, p, 0, 0x0a00_0001L, 68, 0, 0xffff_ffffL, 67)).isFalse();
        assertThat(forwarder.unclaimed(1, 6, p, 0xfd00L << 48, 1, 5353, 0xff02L << 48, 0xfb, 5353)).isFalse();
        assertThat(forwarder.sessionsStarted()).isZero();
    }

    @Test
    void ipv6FlowsAreForwardedToo() throws Exception {
        UdpForwarder forwarder = install(new UdpForwarderOptions(10, Duration.ofSeconds(30), 16));
        try (UdpSocket client = pair.udpA.bind(at("fd00::1", 0))) {
            InetSocketAddress to = at("2001:db8::53", 53);
            // The first datagram may wait for neighbour discovery: retry a bounded number of times.
            UdpDatagram d = null;
            for (int attempt = 0; attempt < 5 && d == null; attempt++) {
                send(client, to, "v6");
                try {
                    d = client.receive(Duration.ofSeconds(2));
                } catch (SocketTimeoutException e) {
                    // again
                }
            }
            assertThat(d).isNotNull();
            assertThat(d.source()).isEqualTo(to);
            assertThat(new String(d.data(), StandardCharsets.UTF_8)).isEqualTo("re:v6");
            assertThat(flows.get(0).source()).isEqualTo(at("fd00::1", client.localPort()));
            assertThat(forwarder.sessionsStarted()).isEqualTo(1);
        }
    }
}
