package org.netstack4j.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.stack.Stack;

/**
 * The java.net adapters between two stacks over an in-memory pipe: code written only against
 * {@link Socket}, {@link ServerSocket}, {@link SocketFactory} and {@link ServerSocketFactory} runs unchanged.
 */
@Timeout(60)
class NetstackSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

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
        tcpA = Tcp.attach(a);
        tcpB = Tcp.attach(b);
    }

    @AfterEach
    void close() throws InterruptedException {
        stacks.close(WAIT);
    }

    @Test
    void receiveBufferSetThroughTheSocketApiTurnsAutoTuningOff() throws Exception {
        try (ServerSocket plain = new NetstackServerSocket(tcpA, 7010);
             ServerSocket sized = new NetstackServerSocket(tcpA, 7011)) {
            sized.setReceiveBufferSize(64 * 1024); // inherited by the connections it accepts
            CompletableFuture<Socket> plainPeer = acceptAsync(plain);
            CompletableFuture<Socket> sizedPeer = acceptAsync(sized);
            try (NetstackSocket auto = new NetstackSocket(tcpB);
                 NetstackSocket fixed = new NetstackSocket(tcpB);
                 NetstackSocket later = new NetstackSocket(tcpB)) {
                fixed.setReceiveBufferSize(200_000); // before connecting: into the handshake
                auto.connect(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 7010));
                fixed.connect(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 7011));
                try (NetstackSocket a1 = (NetstackSocket) plainPeer.get(10, TimeUnit.SECONDS);
                     NetstackSocket a2 = (NetstackSocket) sizedPeer.get(10, TimeUnit.SECONDS)) {
                    assertThat(auto.tcpSocket().connection().receiveAutoTuning()).isTrue();
                    assertThat(a1.tcpSocket().connection().receiveAutoTuning()).isTrue();
                    assertThat(fixed.tcpSocket().connection().receiveAutoTuning()).isFalse();
                    assertThat(fixed.tcpSocket().connection().receiveBuffer().capacity()).isEqualTo(200_000);
                    assertThat(a2.tcpSocket().connection().receiveAutoTuning()).isFalse();
                    assertThat(a2.tcpSocket().connection().receiveBuffer().capacity()).isEqualTo(64 * 1024);
                    auto.setReceiveBufferSize(32 * 1024); // after connecting: tuning stops, the size stays
                    assertThat(auto.tcpSocket().connection().receiveAutoTuning()).isFalse();
                    assertThat(auto.tcpSocket().connection().receiveBuffer().capacity()).isEqualTo(128 * 1024);
                }
                CompletableFuture<Socket> laterPeer = acceptAsync(plain);
                later.connect(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 7010));
                laterPeer.get(10, TimeUnit.SECONDS).close();
                assertThat(later.tcpSocket().connection().receiveAutoTuning()).isTrue();
            }
        }
    }

    private static CompletableFuture<Socket> acceptAsync(ServerSocket server) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return server.accept();
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** A line server written only against java.net: answers each line upper-cased, until end of stream. */
    private static CompletableFuture<Integer> lineServer(ServerSocket server) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                int lines = 0;
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line.toUpperCase(java.util.Locale.ROOT));
                    lines++;
                }
                return lines;
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void factorySocketsCarryLinesBothWaysOverIpv4AndIpv6() throws Exception {
        ServerSocketFactory serverFactory = new NetstackServerSocketFactory(tcpA);
        SocketFactory factory = new NetstackSocketFactory(tcpB);
        for (String[] pair : new String[][] {{"10.0.0.1", "10.0.0.2", "0.0.0.0"}, {"fd00::1", "fd00::2", "::"}}) {
            try (ServerSocket server = serverFactory.createServerSocket(7000, 10, InetAddress.getByName(pair[2]))) {
                assertThat(server.getLocalPort()).isEqualTo(7000);
                assertThat(server).isInstanceOf(NetstackServerSocket.class);
                CompletableFuture<Integer> served = lineServer(server);
                try (Socket s = factory.createSocket(pair[0], 7000)) {
                    assertThat(s).isInstanceOf(NetstackSocket.class);
                    assertThat(s.isConnected()).isTrue();
                    assertThat(s.getInetAddress()).isEqualTo(InetAddress.getByName(pair[0]));
                    assertThat(s.getPort()).isEqualTo(7000);
                    assertThat(s.getLocalAddress()).isEqualTo(InetAddress.getByName(pair[1]));
                    assertThat(s.getLocalPort()).isPositive();
                    assertThat(s.getRemoteSocketAddress()).isEqualTo(new InetSocketAddress(pair[0], 7000));
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                    for (int i = 0; i < 50; i++) {
                        out.println("line " + i + " from " + pair[1]);
                        assertThat(in.readLine()).isEqualTo("LINE " + i + " FROM " + pair[1].toUpperCase());
                    }
                    s.shutdownOutput();
                    assertThat(s.isOutputShutdown()).isTrue();
                    assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo(50);
                    assertThat(in.readLine()).as("server closed after our FIN").isNull();
                }
            }
        }
    }

    @Test
    void aMegabyteBothWaysThroughTheStreams() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        try (ServerSocket server = new NetstackServerSocket(tcpA, 0)) {
            int port = server.getLocalPort();
            assertThat(port).isPositive();
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[8192];
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        out.write(buf, 0, n);
                    }
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket s = new NetstackSocketFactory(tcpB).createSocket()) {
                assertThat(s.isConnected()).isFalse();
                s.connect(InetSocketAddress.createUnresolved("10.0.0.1", port), 5000);
                s.setSoTimeout(20_000);
                CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                    try {
                        s.getOutputStream().write(data);
                        s.shutdownOutput();
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(s.getInputStream().readAllBytes()).isEqualTo(data);
                w.get(20, TimeUnit.SECONDS);
                echo.get(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void optionsTimeoutsAndUnsupportedOptions() throws Exception {
        try (ServerSocket server = new NetstackServerSocket(tcpA, 7001)) {
            server.setSoTimeout(200);
            assertThat(server.getSoTimeout()).isEqualTo(200);
            assertThatThrownBy(server::accept).as("accept times out").isInstanceOf(SocketTimeoutException.class);
            server.setSoTimeout(0);
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Socket s = new NetstackSocket(tcpB);
            // Options set before the connection exists are kept and applied when it opens.
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.setSoLinger(true, 3);
            s.setSendBufferSize(100_000);
            s.setReceiveBufferSize(200_000);
            s.connect(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 7001));
            try (s; Socket peer = accepted.get(10, TimeUnit.SECONDS)) {
                assertThat(s.getTcpNoDelay()).isTrue();
                assertThat(s.getKeepAlive()).isTrue();
                assertThat(s.getSoLinger()).isEqualTo(3);
                assertThat(s.getSendBufferSize()).isEqualTo(100_000);
                assertThat(s.getReceiveBufferSize()).isEqualTo(200_000);
                s.setSoLinger(false, 0);
                assertThat(s.getSoLinger()).isEqualTo(-1);
                assertThat(s.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
                s.setOption(StandardSocketOptions.SO_LINGER, 5);
                assertThat(s.getOption(StandardSocketOptions.SO_LINGER)).isEqualTo(5);
                assertThat(s.supportedOptions()).contains(StandardSocketOptions.TCP_NODELAY)
                        .doesNotContain(StandardSocketOptions.IP_TOS);
                assertThat(peer.getRemoteSocketAddress()).isEqualTo(s.getLocalSocketAddress());

                s.setSoTimeout(100);
                assertThat(s.getSoTimeout()).isEqualTo(100);
                assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                // The connection survives a read timeout.
                peer.getOutputStream().write(42);
                s.setSoTimeout(10_000);
                assertThat(s.getInputStream().read()).isEqualTo(42);

                assertThatThrownBy(() -> s.setTrafficClass(0x10)).isInstanceOf(SocketException.class)
                        .hasMessageContaining("IP_TOS");
                assertThatThrownBy(() -> s.setOOBInline(true)).isInstanceOf(SocketException.class);
                assertThat(s.getOOBInline()).isFalse();
                assertThatThrownBy(() -> s.sendUrgentData(1)).isInstanceOf(SocketException.class);
                assertThatThrownBy(() -> s.setOption(StandardSocketOptions.IP_TOS, 1))
                        .isInstanceOf(UnsupportedOperationException.class);
                assertThat(s.getInputStream().available()).isZero();

                peer.shutdownOutput();
                assertThat(s.getInputStream().read()).isEqualTo(-1);
                s.shutdownInput();
                assertThat(s.isInputShutdown()).isTrue();
            }
            assertThat(s.isClosed()).isTrue();
            assertThatThrownBy(s::getInputStream).isInstanceOf(SocketException.class);
        }
    }

    @Test
    void refusedAndNamedConnectsFailAndCloseTheSocket() throws Exception {
        SocketFactory factory = new NetstackSocketFactory(tcpB);
        assertThatThrownBy(() -> factory.createSocket("10.0.0.1", 7999)).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> factory.createSocket("server.example", 80))
                .isInstanceOf(java.net.UnknownHostException.class);
        Socket s = factory.createSocket();
        assertThatThrownBy(() -> s.connect(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 7999), 2000))
                .isInstanceOf(ConnectException.class);
        assertThat(s.isClosed()).as("a failed connect closes the socket, as java.net.Socket says").isTrue();
        // Nobody has 10.0.0.99: the handshake cannot finish, and the connect timeout ends the wait.
        Socket silent = factory.createSocket();
        assertThatThrownBy(() -> silent.connect(new InetSocketAddress(InetAddress.getByName("10.0.0.99"), 80), 300))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(silent.isClosed()).isTrue();
    }

    @Test
    void boundClientUsesItsLocalPortAndClosingTheServerEndsAccept() throws Exception {
        ServerSocket server = new NetstackServerSocketFactory(tcpA).createServerSocket();
        assertThat(server.isBound()).isFalse();
        server.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 7002));
        assertThat(server.getLocalSocketAddress()).isEqualTo(new InetSocketAddress("0.0.0.0", 7002));
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return server.accept();
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
        });
        try (Socket s = new NetstackSocketFactory(tcpB).createSocket(InetAddress.getByName("10.0.0.1"), 7002,
                InetAddress.getByName("10.0.0.2"), 45678); Socket peer = accepted.get(10, TimeUnit.SECONDS)) {
            assertThat(s.getLocalPort()).isEqualTo(45678);
            assertThat(peer.getPort()).isEqualTo(45678);
            assertThat(peer.getLocalPort()).isEqualTo(7002);
        }
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                server.accept();
                return null;
            } catch (java.io.IOException e) {
                return e;
            }
        });
        // Bounded wait for the accept to block; the exception type, not the timing, is what is asserted.
        Thread.sleep(100);
        server.close();
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
        assertThatThrownBy(server::accept).isInstanceOf(SocketException.class);
    }

    @Test
    void aServerSocketOnTheUnspecifiedIpv6AddressAcceptsBothFamiliesAsTheJdksDoes() throws Exception {
        try (ServerSocket server = new NetstackServerSocket(tcpA, 0)) {
            int port = server.getLocalPort();
            assertThat(port).isPositive();
            assertThat(server.getInetAddress().isAnyLocalAddress()).isTrue();
            SocketFactory factory = new NetstackSocketFactory(tcpB);
            for (String[] pair : new String[][] {{"10.0.0.1", "10.0.0.2"}, {"fd00::1", "fd00::2"},
                    {"10.0.0.1", "10.0.0.2"}}) {
                CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                    try {
                        return server.accept();
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                try (Socket s = factory.createSocket(pair[0], port); Socket peer = accepted.get(10, TimeUnit.SECONDS)) {
                    assertThat(peer.getInetAddress()).isEqualTo(InetAddress.getByName(pair[1]));
                    assertThat(peer.getLocalAddress()).isEqualTo(InetAddress.getByName(pair[0]));
                    peer.getOutputStream().write(pair[1].length());
                    assertThat(s.getInputStream().read()).isEqualTo(pair[1].length());
                }
            }
            // A client bound with bind(null) (the JDK's wildcard, maybe "::") still reaches an IPv4 peer.
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket s = factory.createSocket()) {
                s.bind(null);
                s.connect(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), port), 5000);
                assertThat(s.getLocalAddress()).isEqualTo(InetAddress.getByName("10.0.0.2"));
                accepted.get(10, TimeUnit.SECONDS).close();
            }
            server.setSoTimeout(100);
            assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void connectionsQueuedOnBothFamiliesBeforeAnyAcceptAreAllTakenAndCloseWakesAWaitingAccept() throws Exception {
        ServerSocket server = new NetstackServerSocket(tcpA, 0);
        int port = server.getLocalPort();
        SocketFactory factory = new NetstackSocketFactory(tcpB);
        java.util.List<Socket> clients = new java.util.ArrayList<>();
        try {
            // No accept is waiting: the connections stay in the two stack listeners' queues.
            for (int i = 0; i < 3; i++) {
                clients.add(factory.createSocket("10.0.0.1", port));
                clients.add(factory.createSocket("fd00::1", port));
            }
            server.setSoTimeout(5000);
            java.util.Map<InetAddress, Integer> from = new java.util.HashMap<>();
            for (int i = 0; i < 6; i++) {
                try (Socket s = server.accept()) {
                    from.merge(s.getInetAddress(), 1, Integer::sum);
                }
            }
            assertThat(from).containsOnly(java.util.Map.entry(InetAddress.getByName("10.0.0.2"), 3),
                    java.util.Map.entry(InetAddress.getByName("fd00::2"), 3));
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
        server.setSoTimeout(0);
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                server.accept();
                return null;
            } catch (java.io.IOException e) {
                return e;
            }
        });
        // Bounded wait for the accept to block; the exception type, not the timing, is what is asserted.
        Thread.sleep(100);
        server.close();
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
    }
}
