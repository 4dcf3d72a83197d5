package org.netstack4j.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.socket.Udp;
import org.netstack4j.socket.UdpDatagram;
import org.netstack4j.socket.UdpSocket;
import org.netstack4j.stack.Nic;
import org.netstack4j.stack.Stack;
import org.netstack4j.wire.MacAddress;

/** The host's UDP echo service between two stacks over an in-memory pipe. */
@Timeout(60)
class UdpEchoTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Stack server;
    private Stack client;
    private Udp serverUdp;
    private Udp clientUdp;

    @BeforeEach
    void stacks() throws Exception {
        PacketPipe pipe = PacketPipe.open(512, 2048);
        server = Stack.builder().shards(1).seed(1).build();
        client = Stack.builder().shards(1).seed(2).build();
        Nic s = server.createNic(1, endpoint(pipe.a(), new MacAddress(0x02_00_00_00_00_01L)));
        Nic c = client.createNic(1, endpoint(pipe.b(), new MacAddress(0x02_00_00_00_00_02L)));
        s.addAddress("10.0.0.1/24");
        c.addAddress("10.0.0.2/24");
        s.addAddress("fd00::1/64");
        c.addAddress("fd00::2/64");
        serverUdp = Udp.attach(server);
        clientUdp = Udp.attach(client);
    }

    private static PacketEndpoint endpoint(PacketPipe.End end, MacAddress mac) {
        return PacketEndpoint.create(PacketEndpointOptions.builder().channel(end).mtu(1500)
                .ethernetHeader(true).address(mac).build());
    }

    @AfterEach
    void close() throws InterruptedException {
        server.close();
        client.close();
        server.awaitTermination(WAIT);
        client.awaitTermination(WAIT);
    }

    @Test
    void echoesBothFamiliesToTheSourceAndStopsOnClose() throws Exception {
        UdpEcho echo = UdpEcho.start(serverUdp, UdpEcho.PORT, true);
        try (UdpSocket c4 = clientUdp.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
                UdpSocket c6 = clientUdp.bind(new InetSocketAddress(InetAddress.getByName("::"), 0))) {
            InetSocketAddress to4 = new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 7);
            InetSocketAddress to6 = new InetSocketAddress(InetAddress.getByName("fd00::1"), 7);
            for (int size : new int[] {1, 1472, 8000}) {
                byte[] data = new byte[size];
                data[0] = (byte) size;
                data[size - 1] = 42;
                c4.send(to4, data, 0, size);
                c6.send(to6, data, 0, size);
                // The first datagram may wait on ARP/NDP; the pending queue holds it, so no retry is needed.
                UdpDatagram d4 = c4.receive(WAIT);
                UdpDatagram d6 = c6.receive(WAIT);
                assertThat(d4.source()).isEqualTo(to4);
                assertThat(d6.source()).isEqualTo(to6);
                assertThat(d4.data()).isEqualTo(data);
                assertThat(d6.data()).isEqualTo(data);
            }
            echo.close();
            assertThat(echo.stopped()).as("serving threads ended").isTrue();
            c4.send(to4, new byte[] {1}, 0, 1);
            // Bounded wait for the server to process it; the count, not the time, is what is asserted.
            for (int i = 0; i < 1000 && serverUdp.protocol().noPort() == 0; i++) {
                Thread.sleep(10);
            }
            assertThatThrownBy(() -> c4.receive(Duration.ofMillis(100))).isInstanceOf(SocketTimeoutException.class);
            assertThat(serverUdp.protocol().noPort()).as("port 7 closed after shutdown").isEqualTo(1);
        } finally {
            echo.close();
        }
    }

    @Test
    void withoutIpv6OnlyTheIpv4PortIsBound() throws Exception {
        try (UdpEcho echo = UdpEcho.start(serverUdp, UdpEcho.PORT, false);
                UdpSocket again6 = serverUdp.bind(new InetSocketAddress(InetAddress.getByName("::"), 7))) {
            assertThat(again6.localPort()).isEqualTo(7);
            assertThatThrownBy(() -> serverUdp.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 7)))
                    .isInstanceOf(java.net.BindException.class);
        }
    }
}
