package org.netstack4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.socket.NetstackServerSocket;
import org.netstack4j.socket.NetstackSocketFactory;
import org.netstack4j.socket.Tcp;
import org.netstack4j.stack.Nic;
import org.netstack4j.stack.Stack;
import org.netstack4j.wire.MacAddress;

/**
 * The host's TCP services on one stack, their clients on another, over an in-memory pipe: the services run
 * over {@link NetstackServerSocket}, the clients are JDK-API code and an unmodified HTTP client library
 * given a {@link NetstackSocketFactory}.
 */
@Timeout(120)
class StackHttpTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Stack server;
    private Stack client;
    private Tcp clientTcp;
    private TcpServices services;

    @BeforeEach
    void stacks() throws Exception {
        PacketPipe pipe = PacketPipe.open(1024, 2048);
        server = Stack.builder().shards(2).seed(1).build();
        client = Stack.builder().shards(2).seed(2).build();
        Nic s = server.createNic(1, endpoint(pipe.a(), new MacAddress(0x02_00_00_00_00_01L)));
        Nic c = client.createNic(1, endpoint(pipe.b(), new MacAddress(0x02_00_00_00_00_02L)));
        s.addAddress("10.0.0.1/24");
        c.addAddress("10.0.0.2/24");
        s.addAddress("fd00::1/64");
        c.addAddress("fd00::2/64");
        Tcp serverTcp = Tcp.attach(server);
        clientTcp = Tcp.attach(client);
        services = TcpServices.start((address, port) -> new NetstackServerSocket(serverTcp, port, 128, address),
                List.of(InetAddress.getByName("::")), TcpServices.Ports.defaults());
    }

    private static PacketEndpoint endpoint(PacketPipe.End end, MacAddress mac) {
        return PacketEndpoint.create(PacketEndpointOptions.builder().channel(end).mtu(1500)
                .ethernetHeader(true).address(mac).build());
    }

    @AfterEach
    void close() throws InterruptedException {
        services.close();
        for (TcpService s : services.services()) {
            assertThat(s.stopped()).as("service threads ended").isTrue();
        }
        server.close();
        client.close();
        server.awaitTermination(WAIT);
        client.awaitTermination(WAIT);
    }

    @Test
    void okHttpFetchesThePageAndAMegabyteThroughTheSocketFactory() throws Exception {
        OkHttpClient http = new OkHttpClient.Builder().socketFactory(new NetstackSocketFactory(clientTcp))
                .connectTimeout(10, TimeUnit.SECONDS).readTimeout(20, TimeUnit.SECONDS).build();
        try {
            for (String host : new String[] {"10.0.0.1", "[fd00::1]"}) {
                try (Response r = http.newCall(new Request.Builder().url("http://" + host + "/").build()).execute()) {
                    assertThat(r.code()).isEqualTo(200);
                    assertThat(r.body().bytes()).isEqualTo(HttpService.PAGE);
                }
                try (Response r = http.newCall(new Request.Builder().url("http://" + host + "/bytes/1048576").build())
                        .execute()) {
                    assertThat(r.code()).isEqualTo(200);
                    HttpServiceTest.assertPattern(r.body().bytes(), 1048576);
                }
                try (Response r = http.newCall(new Request.Builder().url("http://" + host + "/missing").build())
                        .execute()) {
                    assertThat(r.code()).isEqualTo(404);
                }
            }
            // Keep-alive: OkHttp pooled one connection per address for the three requests.
            assertThat(services.services().get(3).accepted()).isEqualTo(2);
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    @Test
    void plainJdkApiCodeTalksHttpAndLinesOverTheAdapterSocket() throws Exception {
        NetstackSocketFactory factory = new NetstackSocketFactory(clientTcp);
        try (Socket s = factory.createSocket("10.0.0.1", 80)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /bytes/70000 HTTP/1.1\r\nHost: 10.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            HttpServiceTest.Response r = HttpServiceTest.Response.read(s.getInputStream(), false);
            assertThat(r.status).isEqualTo(200);
            HttpServiceTest.assertPattern(r.body, 70000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = factory.createSocket("fd00::1", 7)) {
            s.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (int i = 0; i < 20; i++) {
                s.getOutputStream().write(("echo line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("echo line " + i);
            }
        }
        try (Socket s = factory.createSocket("10.0.0.1", 19)) {
            s.setSoTimeout(20_000);
            byte[] got = s.getInputStream().readNBytes(50_000);
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).isEqualTo(TcpChargen.at(i));
            }
        }
        try (Socket s = factory.createSocket("10.0.0.1", 9)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(new byte[1 << 20]);
            s.shutdownOutput();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aHundredVirtualThreadsUseTheEchoServiceAtOnce() throws Exception {
        NetstackSocketFactory factory = new NetstackSocketFactory(clientTcp);
        int clients = 100;
        List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    try (Socket s = factory.createSocket(id % 2 == 0 ? "10.0.0.1" : "fd00::1", TcpEcho.PORT)) {
                        s.setSoTimeout(30_000);
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                StandardCharsets.UTF_8));
                        StringBuilder got = new StringBuilder();
                        for (int round = 0; round < 3; round++) {
                            s.getOutputStream().write(("client " + id + " round " + round + "\n")
                                    .getBytes(StandardCharsets.UTF_8));
                            got.append(in.readLine()).append(';');
                        }
                        return got.toString();
                    }
                }));
            }
            for (int i = 0; i < clients; i++) {
                assertThat(results.get(i).get(60, TimeUnit.SECONDS))
                        .isEqualTo("client " + i + " round 0;client " + i + " round 1;client " + i + " round 2;");
            }
        }
        assertThat(services.services().get(0).accepted()).isEqualTo(clients);
    }
}
