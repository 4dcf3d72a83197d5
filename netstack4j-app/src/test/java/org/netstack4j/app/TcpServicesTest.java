package org.netstack4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Echo, discard and chargen over the JDK's own loopback sockets (the same code runs over the stack's). */
@Timeout(60)
class TcpServicesTest {
    private TcpService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
            assertThat(service.stopped()).as("every service thread ended").isTrue();
        }
    }

    static ServerSocket loopback() throws IOException {
        return new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), service.ports().get(0));
        s.setSoTimeout(20_000);
        return s;
    }

    @Test
    void echoSendsEveryByteBackAndAnswersFinWithFin() throws Exception {
        service = new TcpEcho(List.of(loopback())).start();
        for (int size : new int[] {1, 1000, 1 << 20}) {
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            try (Socket s = connect()) {
                // Written from another thread: echo needs the reader to drain while the writer fills.
                CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        out.write(data);
                        s.shutdownOutput();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                byte[] back = s.getInputStream().readAllBytes();
                w.get(20, TimeUnit.SECONDS);
                assertThat(back).as("%d bytes echoed", size).isEqualTo(data);
            }
        }
        assertThat(service.accepted()).isEqualTo(3);
    }

    @Test
    void twoHundredConcurrentEchoClientsEachGetTheirOwnBytes() throws Exception {
        service = new TcpEcho(List.of(loopback())).start();
        int clients = 200;
        List<java.util.concurrent.Future<byte[]>> results = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                byte[] data = new byte[1000 + i];
                new Random(i).nextBytes(data);
                results.add(pool.submit(() -> {
                    try (Socket s = connect()) {
                        s.getOutputStream().write(data);
                        s.shutdownOutput();
                        return s.getInputStream().readAllBytes();
                    }
                }));
            }
            for (int i = 0; i < clients; i++) {
                byte[] data = new byte[1000 + i];
                new Random(i).nextBytes(data);
                assertThat(results.get(i).get(30, TimeUnit.SECONDS)).as("client %d", i).isEqualTo(data);
            }
        }
        assertThat(service.accepted()).isEqualTo(clients);
    }

    @Test
    void discardSwallowsEverythingAndClosesAfterThePeersFin() throws Exception {
        service = new TcpDiscard(List.of(loopback())).start();
        try (Socket s = connect()) {
            byte[] data = new byte[1 << 20];
            s.getOutputStream().write(data);
            s.shutdownOutput();
            assertThat(s.getInputStream().read()).as("nothing comes back, then end of stream").isEqualTo(-1);
        }
    }

    @Test
    void chargenStreamsTheRfc864PatternUntilTheClientCloses() throws Exception {
        service = new TcpChargen(List.of(loopback())).start();
        int lines = 3 * 95 + 7;
        byte[] got = new byte[lines * 74];
        try (Socket s = connect()) {
            new DataInputStream(s.getInputStream()).readFully(got);
        }
        String text = new String(got, StandardCharsets.US_ASCII);
        String[] split = text.split("\r\n", -1);
        assertThat(split).hasSize(lines + 1);
        // The first two lines of the RFC's example.
        assertThat(split[0]).isEqualTo("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh");
        assertThat(split[1]).isEqualTo("\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghi");
        String ring = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
        assertThat(ring).hasSize(95);
        String doubled = ring + ring;
        for (int i = 0; i < lines; i++) {
            int start = (i + 1) % 95;
            assertThat(split[i]).as("line %d", i).isEqualTo(doubled.substring(start, start + 72));
        }
        assertThat(split[95]).isEqualTo(split[0]);
        // The client closed: the server's connection thread ends (bounded wait, the state is what is asserted).
        for (int i = 0; i < 500 && !openConnectionsEnded(); i++) {
            Thread.sleep(10);
        }
        assertThat(openConnectionsEnded()).as("chargen stopped after the client closed").isTrue();
    }

    @Test
    void chargenByteAtMatchesTheStream() throws Exception {
        service = new TcpChargen(List.of(loopback())).start();
        byte[] got = new byte[20_000];
        try (Socket s = connect()) {
            InputStream in = s.getInputStream();
            new DataInputStream(in).readFully(got);
        }
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).isEqualTo(TcpChargen.at(i));
        }
    }

    @Test
    void servicesStartOnTheirPortsOnEveryAddressAndPortZeroTurnsOneOff() throws Exception {
        List<String> opened = new java.util.ArrayList<>();
        // The JDK's loopback stands in for the stack: the requested port is recorded, an ephemeral one bound.
        TcpServices.Listen listen = (address, port) -> {
            opened.add(address.getHostAddress() + ":" + port);
            return loopback();
        };
        List<InetAddress> addresses = List.of(InetAddress.getByName("0.0.0.0"), InetAddress.getByName("::"));
        try (TcpServices all = TcpServices.start(listen, addresses, new TcpServices.Ports(7, 9, 0, 80))) {
            assertThat(opened).containsExactly("0.0.0.0:7", "0:0:0:0:0:0:0:0:7", "0.0.0.0:9", "0:0:0:0:0:0:0:0:9",
                    "0.0.0.0:80", "0:0:0:0:0:0:0:0:80");
            assertThat(all.describe()).isEqualTo("echo 7, discard 9, http 80");
            assertThat(all.services()).hasSize(3);
            TcpService echo = all.services().get(0);
            for (int port : echo.ports()) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write(new byte[] {1, 2, 3});
                    assertThat(s.getInputStream().readNBytes(3)).containsExactly(1, 2, 3);
                }
            }
            all.close();
            for (TcpService s : all.services()) {
                assertThat(s.stopped()).isTrue();
            }
        }
        assertThat(TcpServices.start(listen, addresses, new TcpServices.Ports(0, 0, 0, 0)).describe()).isEqualTo("none");
    }

    @Test
    void aFailedListenerClosesTheOnesAlreadyOpen() throws Exception {
        List<ServerSocket> opened = new java.util.ArrayList<>();
        TcpServices.Listen listen = (address, port) -> {
            if (opened.size() == 3) {
                throw new java.net.BindException("in use");
            }
            ServerSocket l = loopback();
            opened.add(l);
            return l;
        };
        List<InetAddress> addresses = List.of(InetAddress.getByName("0.0.0.0"), InetAddress.getByName("::"));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> TcpServices.start(listen, addresses, TcpServices.Ports.defaults()))
                .isInstanceOf(java.net.BindException.class);
        assertThat(opened).hasSize(3).allMatch(ServerSocket::isClosed);
    }

    private boolean openConnectionsEnded() {
        return service.connections() == 0;
    }
}
