package org.netstack4j.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.stack.Nic;
import org.netstack4j.stack.Stack;
import org.netstack4j.time.ManualClock;
import org.netstack4j.transport.tcp.TcpConfig;
import org.netstack4j.transport.tcp.TcpCounter;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;
import org.netstack4j.wire.MacAddress;

/**
 * Stack A connects to arbitrary addresses through B (its default gateway); B's NIC is promiscuous and a
 * {@link TcpForwarder} offers each SYN to a handler. B runs on a manual clock so that decision timeouts and
 * SYN-ACK retries pass on command.
 */
class TcpForwarderTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final TcpConfig CONFIG = TcpConfig.builder().timeWait(Duration.ofMillis(200)).build();

    private final ManualClock clock = new ManualClock();
    private PacketPipe pipe;
    private Stack a;
    private Stack b;
    private Nic nicA;
    private Nic nicB;
    private Tcp tcpA;
    private Tcp tcpB;
    private TcpForwarder forwarder;

    @BeforeEach
    void twoStacks() {
        pipe = PacketPipe.open(1024, 2048);
        a = Stack.builder().shards(2).seed(1).build();
        b = Stack.builder().shards(2).seed(2).clock(clock).build();
        nicA = a.createNic(1, endpoint(pipe.a(), new MacAddress(0x02_00_00_00_00_01L)));
        nicB = b.createNic(1, endpoint(pipe.b(), new MacAddress(0x02_00_00_00_00_02L)));
        nicA.addAddress("10.0.0.1/24");
        nicB.addAddress("10.0.0.2/24");
        nicA.addAddress("fd00::1/64");
        nicB.addAddress("fd00::2/64");
        a.addDefaultRoute(Ipv4Address.parse("10.0.0.2"), 1);
        a.addDefaultRoute(Ipv6Address.parse("fd00::2"), 1);
        nicB.setPromiscuous(true);
        tcpA = Tcp.attach(a, CONFIG);
        tcpB = Tcp.attach(b, CONFIG);
    }

    private static PacketEndpoint endpoint(PacketPipe.End end, MacAddress mac) {
        return PacketEndpoint.create(PacketEndpointOptions.builder().channel(end).mtu(1500)
                .ethernetHeader(true).address(mac).build());
    }

    @AfterEach
    void close() throws InterruptedException {
        if (forwarder != null) {
            forwarder.close();
        }
        a.close();
        b.close();
        a.awaitTermination(WAIT);
        b.awaitTermination(WAIT);
    }

    static InetSocketAddress at(String address, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(address), port);
        } catch (IOException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    private static InetSocketAddress destination(int i) {
        if (i % 10 == 9) {
            return at("2001:db8::" + Integer.toHexString(i + 1), 2000 + i * 13);
        }
        return at("198.51." + (100 + i / 200) + "." + (i % 200 + 1), 1000 + i * 7);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private static byte[] readAll(TcpSocket s) throws IOException {
        s.readTimeout(WAIT);
        InputStream in = s.inputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** A handler that accepts on a virtual thread and tells the client where it connected, then closes. */
    private Consumer<TcpForwarderRequest> identifying(List<TcpForwarderRequest> log) {
        return r -> {
            log.add(r);
            Thread.ofVirtual().start(() -> {
                try (TcpSocket s = r.accept(WAIT)) {
                    byte[] text = ("to " + s.localAddress() + " from " + r.source())
                            .getBytes(StandardCharsets.UTF_8);
                    s.write(text, 0, text.length);
                } catch (IOException e) {
                    // the test sees it as a missing answer
                }
            });
        };
    }

    @Test
    void connectionsToManyAddressesAreHandedOverAndAnsweredFromTheirDestination() throws Exception {
        int n = 120;
        List<TcpForwarderRequest> offered = new CopyOnWriteArrayList<>();
        forwarder = TcpForwarder.install(tcpB, TcpForwarderOptions.defaults(), identifying(offered));
        List<TcpSocket> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(tcpA.connect(destination(i), WAIT));
        }
        for (int i = 0; i < n; i++) {
            TcpSocket c = clients.get(i);
            assertThat(c.remoteAddress()).isEqualTo(destination(i));
            String text = new String(readAll(c), StandardCharsets.UTF_8);
            assertThat(text).as("connection %d", i).isEqualTo("to " + destination(i) + " from " + c.localAddress());
            c.close();
        }
        assertThat(offered).hasSize(n);
        assertThat(forwarder.offered()).isEqualTo(n);
        await(() -> forwarder.established() == n, "every handshake ended");
        assertThat(forwarder.inFlight()).isZero();
        assertThat(forwarder.overLimit() + forwarder.refused() + forwarder.expired() + forwarder.handshakesFailed())
                .isZero();
        assertThat(tcpB.protocol().counters().get(TcpCounter.DROP_NO_CONNECTION)).isZero();
        // B's ends closed first and sit in TIME-WAIT (200 ms here) until B's clock moves on.
        await(() -> tcpB.protocol().connectionCount() == 0 || forwardedEndsInTimeWait(),
                "B's ends closed");
        clock.advance(Duration.ofSeconds(1));
        await(() -> tcpB.protocol().connectionCount() == 0, "B forgot the connections");
    }

    private boolean forwardedEndsInTimeWait() {
        return tcpB.protocol().counters().get(TcpCounter.CONNECTIONS_CLOSED) == 120;
    }

    @Test
    void refusedRequestsAreReset() throws Exception {
        forwarder = TcpForwarder.install(tcpB, TcpForwarderOptions.defaults(), r -> {
            if (r.destination().getPort() % 2 == 1) {
                r.refuse();
            } else {
                r.acceptAsync();
            }
        });
        for (int i = 0; i < 10; i++) {
            InetSocketAddress to = at("192.0.2." + (i + 1), 100 + i);
            if (i % 2 == 1) {
                assertThatThrownBy(() -> tcpA.connect(to, WAIT)).isInstanceOf(ConnectException.class);
            } else {
                tcpA.connect(to, WAIT).close();
            }
        }
        await(() -> forwarder.established() == 5, "five accepted");
        assertThat(forwarder.refused()).isEqualTo(5);
        assertThat(forwarder.inFlight()).isZero();
    }

    @Test
    void aHandlerThatThrowsRefusesAndReleases() throws Exception {
        forwarder = TcpForwarder.install(tcpB, TcpForwarderOptions.defaults(), r -> {
            throw new IllegalStateException("bug in the application");
        });
        assertThatThrownBy(() -> tcpA.connect(at("192.0.2.9", 80), WAIT)).isInstanceOf(ConnectException.class);
        assertThat(forwarder.handlerFailures()).isEqualTo(1);
        assertThat(forwarder.refused()).isEqualTo(1);
        assertThat(forwarder.inFlight()).isZero();
    }

    @Test
    void theInFlightBoundDropsExtraSynsAndAbandonedRequestsExpire() throws Exception {
        List<TcpForwarderRequest> held = new CopyOnWriteArrayList<>();
        forwarder = TcpForwarder.install(tcpB, new TcpForwarderOptions(4, Duration.ofSeconds(5), false), r -> {
            if (held.size() < 4) {
                held.add(r); // never answered
            } else {
                r.acceptAsync();
            }
        });
        List<CompletableFuture<Object>> connects = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            InetSocketAddress to = at("203.0.113." + (i + 1), 443);
            CompletableFuture<Object> f = new CompletableFuture<>();
            connects.add(f);
            Thread.ofVirtual().start(() -> {
                try {
                    f.complete(tcpA.connect(to, WAIT));
                } catch (IOException e) {
                    f.complete(e);
                }
            });
        }
        await(() -> held.size() == 4 && forwarder.overLimit() >= 2, "four held, the other SYNs over the bound");
        assertThat(forwarder.inFlight()).isEqualTo(4);
        assertThat(forwarder.offered()).isEqualTo(4);
        assertThat(connects).noneMatch(CompletableFuture::isDone);

        // Nobody decides: after the timeout the four are refused and their slots come back.
        clock.advance(Duration.ofSeconds(6));
        await(() -> forwarder.expired() == 4, "the abandoned requests expired");
        assertThat(held).allMatch(TcpForwarderRequest::isDecided);
        int refused = 0;
        for (int i = 0; i < 6; i++) {
            Object result = connects.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (result instanceof ConnectException) {
                refused++;
            } else {
                assertThat(result).isInstanceOf(TcpSocket.class);
                ((TcpSocket) result).close();
            }
        }
        // The dropped SYNs were retransmitted by A and accepted once slots were free.
        assertThat(refused).isEqualTo(4);
        await(() -> forwarder.established() == 2, "the two late ones established");
        assertThat(held.get(0).acceptAsync()).isCompletedExceptionally();
        await(() -> forwarder.inFlight() == 0, "every slot back");
    }

    @Test
    void overTheBoundSynsCanBeReset() throws Exception {
        List<TcpForwarderRequest> held = new CopyOnWriteArrayList<>();
        forwarder = TcpForwarder.install(tcpB, new TcpForwarderOptions(1, Duration.ofSeconds(5), true), held::add);
        Thread.ofVirtual().start(() -> {
            try {
                tcpA.connect(at("203.0.113.50", 25), WAIT);
            } catch (IOException expected) {
                // refused at the end of the test
            }
        });
        await(() -> held.size() == 1, "one held");
        assertThatThrownBy(() -> tcpA.connect(at("203.0.113.51", 25), WAIT)).isInstanceOf(ConnectException.class);
        assertThat(forwarder.overLimit()).isEqualTo(1);
        assertThat(held.get(0).refuse()).isTrue();
        await(() -> forwarder.inFlight() == 0, "slot back after the refusal");
    }

    @Test
    void anAcceptedHandshakeWhosePeerVanishedIsReleasedAfterTheSynAckRetries() throws Exception {
        List<TcpForwarderRequest> held = new CopyOnWriteArrayList<>();
        forwarder = TcpForwarder.install(tcpB, TcpForwarderOptions.defaults(), held::add);
        Thread.ofVirtual().start(() -> {
            try {
                tcpA.connect(at("203.0.113.99", 8080), Duration.ofSeconds(2));
            } catch (IOException expected) {
                // A gives up: its peer never answered in time
            }
        });
        await(() -> held.size() == 1, "offered");
        nicA.disable(); // the peer vanishes before the application decides
        CompletableFuture<TcpSocket> accepted = held.get(0).acceptAsync();
        assertThat(forwarder.inFlight()).isEqualTo(1);
        // SYN-ACK retries with backoff (1 s doubling, 6 retries): a few minutes of the manual clock.
        for (int step = 0; step < 40 && forwarder.inFlight() > 0; step++) {
            clock.advance(Duration.ofSeconds(10));
            Thread.sleep(20);
        }
        await(() -> forwarder.inFlight() == 0, "the failed handshake gave its slot back");
        assertThat(forwarder.handshakesFailed()).isEqualTo(1);
        assertThat(accepted).isCompletedExceptionally();
        assertThat(tcpB.protocol().connectionCount()).isZero();
    }

    /**
     * 200 concurrent connects against a bound of 32, the handler accepting, refusing, ignoring or throwing by
     * destination: every connect ends as its destination's behaviour says, and every slot comes back.
     */
    @Test
    void everySlotComesBackWhateverTheHandlerDoes() throws Exception {
        int n = 200;
        forwarder = TcpForwarder.install(tcpB, new TcpForwarderOptions(32, Duration.ofSeconds(5), false), r -> {
            switch (r.destination().getPort() % 4) {
                case 0 -> r.acceptAsync();
                case 1 -> r.refuse();
                case 2 -> { } // never answered: expires
                default -> throw new IllegalStateException("handler bug");
            }
        });
        List<CompletableFuture<Object>> connects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            InetSocketAddress to = at("198.18." + (i / 250) + "." + (i % 250 + 1), 4000 + i);
            CompletableFuture<Object> f = new CompletableFuture<>();
            connects.add(f);
            Thread.ofVirtual().start(() -> {
                try {
                    f.complete(tcpA.connect(to, Duration.ofSeconds(60)));
                } catch (IOException e) {
                    f.complete(e);
                }
            });
        }
        // B's clock runs fast so that ignored requests expire; A retransmits the dropped SYNs in real time.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!connects.stream().allMatch(CompletableFuture::isDone) && System.nanoTime() < deadline) {
            clock.advance(Duration.ofSeconds(1));
            Thread.sleep(50);
        }
        for (int i = 0; i < n; i++) {
            Object result = connects.get(i).getNow(null);
            if (i % 4 == 0) {
                assertThat(result).as("connect %d", i).isInstanceOf(TcpSocket.class);
                ((TcpSocket) result).close();
            } else {
                assertThat(result).as("connect %d", i).isInstanceOf(ConnectException.class);
            }
        }
        await(() -> forwarder.established() == n / 4, "the accepted ones established");
        assertThat(forwarder.inFlight()).isZero();
        assertThat(forwarder.offered()).isEqualTo(n);
        assertThat(forwarder.refused()).isEqualTo(n / 2); // refused by the handler, or because it threw
        assertThat(forwarder.handlerFailures()).isEqualTo(n / 4);
        assertThat(forwarder.expired()).isEqualTo(n / 4);
        assertThat(forwarder.overLimit()).as("the bound was reached").isPositive();
    }

    @Test
    void closingTheStackReleasesPendingRequests() throws Exception {
        List<TcpForwarderRequest> held = new CopyOnWriteArrayList<>();
        forwarder = TcpForwarder.install(tcpB, TcpForwarderOptions.defaults(), held::add);
        for (int i = 0; i < 3; i++) {
            InetSocketAddress to = at("203.0.113." + (10 + i), 22);
            Thread.ofVirtual().start(() -> {
                try {
                    tcpA.connect(to, Duration.ofSeconds(2));
                } catch (IOException expected) {
                    // B goes away
                }
            });
        }
        await(() -> held.size() == 3, "three held");
        assertThat(forwarder.inFlight()).isEqualTo(3);
        b.close();
        assertThat(forwarder.inFlight()).isZero();
        assertThat(held.get(0).acceptAsync()).isCompletedExceptionally();
    }

    @Test
    void aWildcardListenerKeepsOnlyTheStacksOwnAddresses() throws Exception {
        List<TcpForwarderRequest> offered = new CopyOnWriteArrayList<>();
        forwarder = TcpForwarder.install(tcpB, TcpForwarderOptions.defaults(), identifying(offered));
        try (TcpListener l = tcpB.listen(at("0.0.0.0", 7000), 4)) {
            try (TcpSocket own = tcpA.connect(at("10.0.0.2", 7000), WAIT); TcpSocket s = l.accept(WAIT)) {
                assertThat(s.localAddress()).isEqualTo(at("10.0.0.2", 7000));
            }
            try (TcpSocket foreign = tcpA.connect(at("198.51.100.7", 7000), WAIT)) {
                assertThat(new String(readAll(foreign), StandardCharsets.UTF_8)).startsWith("to /198.51.100.7:7000");
            }
        }
        assertThat(offered).hasSize(1);
    }

    /**
     * The example: a transparent relay. Every intercepted connection is accepted and spliced to one fixed
     * upstream (a JDK server on loopback), bytes copied both ways, each direction's end of stream passed on as a
     * half-close. The client sends 256 KB and shuts its output; the upstream reads to the end, sends all of it
     * back and closes; the client reads it back and sees the end of stream.
     */
    @Test
    void aTransparentRelaySplicesForwardedConnectionsToAnUpstreamWithHalfClose() throws Exception {
        Thread ticker = Thread.ofVirtual().start(() -> {
            // B's timers (delayed ACKs) run on its manual clock: let it follow real time for this transfer.
            while (!Thread.currentThread().isInterrupted()) {
                clock.advanceMillis(5);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (java.net.ServerSocket upstream = new java.net.ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 2; i++) {
                    try (java.net.Socket s = upstream.accept()) {
                        byte[] all = s.getInputStream().readAllBytes(); // until the relayed half-close
                        s.getOutputStream().write(all);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            InetSocketAddress target = new InetSocketAddress(upstream.getInetAddress(), upstream.getLocalPort());
            forwarder = TcpForwarder.install(tcpB, TcpForwarderOptions.defaults(),
                    r -> Thread.ofVirtual().start(() -> TransparentRelay.serve(r, target, WAIT)));
            for (InetSocketAddress to : List.of(at("93.184.216.34", 443), at("2001:db8::80", 80))) {
                byte[] data = TcpSocketTest.pattern(256 * 1024, to.getPort());
                try (TcpSocket c = tcpA.connect(to, WAIT)) {
                    CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                        try {
                            return readAll(c);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }, r -> Thread.ofVirtual().start(r));
                    c.write(data, 0, data.length);
                    c.shutdownOutput();
                    assertThat(back.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("echo through the relay to " + to)
                            .isEqualTo(data);
                }
            }
        } finally {
            ticker.interrupt();
        }
        await(() -> forwarder.established() == 2 && forwarder.inFlight() == 0, "both relayed");
    }

    /** The relay of the example: accept, connect upstream, copy both ways, pass each end of stream on. */
    static final class TransparentRelay {
        private TransparentRelay() {
        }

        static void serve(TcpForwarderRequest request, InetSocketAddress upstream, Duration timeout) {
            java.net.Socket up = new java.net.Socket();
            try {
                up.connect(upstream, (int) timeout.toMillis());
            } catch (IOException e) {
                request.refuse(); // the upstream is down: the client sees its connection refused
                closeQuietly(up);
                return;
            }
            try (TcpSocket down = request.accept(timeout)) {
                Thread toUpstream = Thread.ofVirtual().start(() -> {
                    try {
                        down.inputStream().transferTo(up.getOutputStream());
                        up.shutdownOutput();
                    } catch (IOException e) {
                        closeQuietly(up);
                    }
                });
                try {
                    up.getInputStream().transferTo(down.outputStream());
                    down.shutdownOutput();
                } catch (IOException e) {
                    // the client went away: closing both ends below ends the other direction
                }
                toUpstream.join(timeout.toMillis());
            } catch (IOException | InterruptedException e) {
                // handshake failed or interrupted: nothing to relay
            } finally {
                closeQuietly(up);
            }
        }

        private static void closeQuietly(java.net.Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
