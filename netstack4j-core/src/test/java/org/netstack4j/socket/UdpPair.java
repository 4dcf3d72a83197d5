package org.netstack4j.socket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.stack.Nic;
import org.netstack4j.stack.Stack;
import org.netstack4j.wire.MacAddress;

/** Two stacks with UDP over an in-memory Ethernet pipe: A is 10.0.0.1 / fd00::1, B is 10.0.0.2 / fd00::2. */
final class UdpPair implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    final PacketPipe pipe;
    final Stack a;
    final Stack b;
    final Nic nicA;
    final Nic nicB;
    final Udp udpA;
    final Udp udpB;

    UdpPair(Stack.Builder builderA, Stack.Builder builderB, int pipeCapacity) {
        pipe = PacketPipe.open(pipeCapacity, 2048);
        a = builderA.build();
        b = builderB.build();
        nicA = a.createNic(1, endpoint(pipe.a(), new MacAddress(0x02_00_00_00_00_01L)));
        nicB = b.createNic(1, endpoint(pipe.b(), new MacAddress(0x02_00_00_00_00_02L)));
        nicA.addAddress("10.0.0.1/24");
        nicB.addAddress("10.0.0.2/24");
        nicA.addAddress("fd00::1/64");
        nicB.addAddress("fd00::2/64");
        udpA = Udp.attach(a);
        udpB = Udp.attach(b);
    }

    UdpPair() {
        this(Stack.builder().shards(2).seed(1), Stack.builder().shards(2).seed(2), 512);
    }

    private static PacketEndpoint endpoint(PacketPipe.End end, MacAddress mac) {
        return PacketEndpoint.create(PacketEndpointOptions.builder().channel(end).mtu(1500)
                .ethernetHeader(true).address(mac).build());
    }

    static InetSocketAddress at(String address, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        a.close();
        b.close();
        a.awaitTermination(WAIT);
        b.awaitTermination(WAIT);
    }
}
