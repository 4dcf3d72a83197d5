package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.socket.Udp;
import org.netstack4j.socket.UdpDatagram;
import org.netstack4j.socket.UdpSocket;
import org.netstack4j.stack.Stack;
import org.netstack4j.stack.StackCounter;

/**
 * UDP between the kernel's sockets and a userspace stack on a TUN, inside the test JVM's private network
 * namespace: a netstack4j echo socket answers kernel datagrams of every size up to the IPv4 largest
 * (fragmented both ways), a closed port gives the kernel's connected socket port unreachable, and a
 * netstack4j socket talks to a kernel server.
 */
@RequiresNetAdmin
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StackKernelUdpTest {
    private static final int SOCKET_TIMEOUT_MS = 5000;

    @Test
    void kernelDatagramsOfEverySizeComeBackIntactFromTheStackEchoAndAClosedPortIsUnreachable() throws Exception {
        withStack((stack, udp) -> {
            try (UdpSocket echo4 = udp.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 7));
                    UdpSocket echo6 = udp.bind(new InetSocketAddress(InetAddress.getByName("::"), 7))) {
                Thread t4 = Thread.ofVirtual().start(() -> echoLoop(echo4));
                Thread t6 = Thread.ofVirtual().start(() -> echoLoop(echo6));
                Random random = new Random(862);
                for (String peer : new String[] {"10.90.0.2", "fd90::2"}) {
                    try (DatagramSocket kernel = new DatagramSocket()) {
                        kernel.setSoTimeout(SOCKET_TIMEOUT_MS);
                        kernel.setReceiveBufferSize(1 << 20);
                        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(peer), 7);
                        for (int size : new int[] {1, 1472, 8000, 65507}) {
                            byte[] out = new byte[size];
                            random.nextBytes(out);
                            kernel.send(new DatagramPacket(out, size, to));
                            byte[] in = new byte[65536];
                            DatagramPacket p = new DatagramPacket(in, in.length);
                            kernel.receive(p);
                            assertThat(p.getSocketAddress()).as("%s size %d source", peer, size).isEqualTo(to);
                            assertThat(Arrays.copyOf(in, p.getLength())).as("%s size %d", peer, size).isEqualTo(out);
                        }
                    }
                    try (DatagramSocket kernel = new DatagramSocket()) {
                        kernel.setSoTimeout(SOCKET_TIMEOUT_MS);
                        kernel.connect(new InetSocketAddress(InetAddress.getByName(peer), 9));
                        kernel.send(new DatagramPacket(new byte[] {1, 2, 3}, 3));
                        assertThatThrownBy(() -> kernel.receive(new DatagramPacket(new byte[16], 16)))
                                .as("%s closed port", peer).isInstanceOf(PortUnreachableException.class);
                    }
                }
                echo4.close();
                echo6.close();
                t4.join(Duration.ofSeconds(5));
                t6.join(Duration.ofSeconds(5));
                assertThat(t4.isAlive() || t6.isAlive()).as("echo threads ended on close").isFalse();
                var s = stack.stats();
                System.out.println("TUN after kernel UDP echo:\n" + s);
                assertThat(udp.protocol().delivered()).as("4 sizes x 2 families").isEqualTo(8);
                assertThat(udp.protocol().noPort()).as("one closed-port datagram per family").isEqualTo(2);
                assertThat(udp.protocol().malformed() + udp.protocol().badChecksum()).isZero();
                assertThat(s.get(StackCounter.ICMPV4_ERRORS_SENT)).isEqualTo(1);
                assertThat(s.get(StackCounter.ICMPV6_ERRORS_SENT)).isEqualTo(1);
                assertThat(s.get(StackCounter.IPV4_FRAGMENTS_SENT)).isPositive();
                assertThat(s.get(StackCounter.IPV6_FRAGMENTS_SENT)).isPositive();
                assertThat(s.get(StackCounter.INTERNAL_ERROR)).isZero();
                assertThat(echo4.droppedDatagrams() + echo6.droppedDatagrams()).isZero();
            }
        });
    }

    @Test
    void stackSocketTalksToAKernelServer() throws Exception {
        withStack((stack, udp) -> {
            for (String[] pair : new String[][] {{"10.90.0.1", "10.90.0.2"}, {"fd90::1", "fd90::2"}}) {
                InetAddress kernelAddress = InetAddress.getByName(pair[0]);
                InetAddress stackAddress = InetAddress.getByName(pair[1]);
                try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(kernelAddress, 0));
                        UdpSocket client = udp.bind(new InetSocketAddress(
                                InetAddress.getByName(pair[0].contains(":") ? "::" : "0.0.0.0"), 0))) {
                    server.setSoTimeout(SOCKET_TIMEOUT_MS);
                    server.setReceiveBufferSize(1 << 20);
                    InetSocketAddress serverAddress = new InetSocketAddress(kernelAddress, server.getLocalPort());
                    for (int size : new int[] {1, 1472, 8000}) {
                        byte[] out = new byte[size];
                        Arrays.fill(out, (byte) size);
                        client.send(serverAddress, out, 0, size);
                        byte[] in = new byte[65536];
                        DatagramPacket p = new DatagramPacket(in, in.length);
                        server.receive(p);
                        assertThat(p.getSocketAddress()).as("source seen by the kernel")
                                .isEqualTo(new InetSocketAddress(stackAddress, client.localPort()));
                        assertThat(Arrays.copyOf(in, p.getLength())).isEqualTo(out);
                        byte[] reply = new byte[size];
                        Arrays.fill(reply, (byte) ~size);
                        server.send(new DatagramPacket(reply, size, p.getSocketAddress()));
                        UdpDatagram d = client.receive(Duration.ofSeconds(5));
                        assertThat(d.source()).isEqualTo(serverAddress);
                        assertThat(d.data()).isEqualTo(reply);
                    }
                }
            }
        });
    }

    private interface StackBody {
        void run(Stack stack, Udp udp) throws Exception;
    }

    private static void withStack(StackBody body) throws Exception {
        String name = TestSupport.uniqueName("su");
        try (TunDevice dev = TunDevice.open(TunOptions.tun(name))) {
            TestSupport.run(10, "ip", "link", "set", dev.name(), "mtu", "1500", "up");
            TestSupport.run(10, "ip", "addr", "add", "10.90.0.1/24", "dev", dev.name());
            TestSupport.run(10, "ip", "-6", "addr", "add", "fd90::1/64", "dev", dev.name(), "nodad");
            Stack stack = Stack.builder().shards(2).build();
            try {
                var nic = stack.createNic(1, PacketEndpoint.create(
                        PacketEndpointOptions.builder().channels(dev.queues()).mtu(1500).build()));
                nic.addAddress("10.90.0.2/24");
                nic.addAddress("fd90::2/64");
                body.run(stack, Udp.attach(stack));
            } finally {
                stack.close();
                assertThat(stack.awaitTermination(Duration.ofSeconds(10))).isTrue();
            }
        }
    }

    private static void echoLoop(UdpSocket socket) {
        while (true) {
            UdpDatagram d;
            try {
                d = socket.receive();
            } catch (Exception e) {
                return; // closed: the loop ends
            }
            try {
                socket.send(d.source(), d.data(), 0, d.data().length);
            } catch (Exception e) {
                // One failed echo must not end the service (the test then fails on that datagram alone).
                System.err.println("echo of " + d.data().length + " bytes to " + d.source() + " failed: " + e);
            }
        }
    }
}
