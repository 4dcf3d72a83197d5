package org.netstack4j.bench.socket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.socket.Udp;
import org.netstack4j.socket.UdpDatagram;
import org.netstack4j.socket.UdpPeer;
import org.netstack4j.socket.UdpSocket;
import org.netstack4j.stack.Nic;
import org.netstack4j.stack.Stack;
import org.netstack4j.wire.MacAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * UDP round trips through the socket API: two stacks over an in-memory Ethernet pipe, an echo thread on one
 * (receive, send back), the benchmark thread on the other sending a datagram to it and waiting for the echo.
 * One operation is one round trip, so {@code -prof gc}'s B/op is everything both stacks and both sockets
 * allocate per datagram there and back (the echo and shard threads included).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UdpSendPathBenchmark {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Param({"64", "1400"})
    int size;

    /**
     * {@code datagram}: {@code receive(timeout)} returning a new {@code UdpDatagram}, replies to its source
     * address; {@code peer}: {@code receive(byte[], ..., UdpPeer, timeout)} into a reused array and holder,
     * replies to the holder.
     */
    @Param({"datagram", "peer"})
    String api;

    private PacketPipe pipe;
    private Stack a;
    private Stack b;
    private UdpSocket client;
    private UdpSocket server;
    private Thread echo;
    private byte[] request;
    private final byte[] reply = new byte[65536];
    private final UdpPeer from = new UdpPeer();

    @Setup(Level.Trial)
    public void setup() throws Exception {
        pipe = PacketPipe.open(1024, 2048);
        a = Stack.builder().shards(2).seed(1).build();
        b = Stack.builder().shards(2).seed(2).build();
        Nic nicA = a.createNic(1, endpoint(pipe.a(), new MacAddress(0x02_00_00_00_00_01L)));
        Nic nicB = b.createNic(1, endpoint(pipe.b(), new MacAddress(0x02_00_00_00_00_02L)));
        nicA.addAddress("10.0.0.1/24");
        nicB.addAddress("10.0.0.2/24");
        Udp udpA = Udp.attach(a);
        Udp udpB = Udp.attach(b);
        server = udpB.bind(new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 7));
        client = udpA.bind(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 0));
        client.connect(new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 7));
        request = new byte[size];
        echo = Thread.ofPlatform().daemon().name("udp-echo").start(this::echo);
        // One round trip resolves ARP both ways before measuring.
        client.send(request);
        client.receive(WAIT);
    }

    private void echo() {
        byte[] buffer = new byte[65536];
        UdpPeer sender = new UdpPeer();
        boolean peerApi = api.equals("peer");
        try {
            while (true) {
                if (peerApi) {
                    int n = server.receive(buffer, 0, buffer.length, sender, null);
                    server.send(sender, buffer, 0, n);
                } else {
                    UdpDatagram d = server.receive();
                    server.send(d.source(), d.data(), 0, d.data().length);
                }
            }
        } catch (Exception closed) {
            // the socket closed at tear-down
        }
    }

    private static PacketEndpoint endpoint(PacketPipe.End end, MacAddress mac) {
        return PacketEndpoint.create(PacketEndpointOptions.builder().channel(end).mtu(1500)
                .ethernetHeader(true).address(mac).build());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        server.close();
        client.close();
        echo.join(WAIT);
        a.close();
        b.close();
        a.awaitTermination(WAIT);
        b.awaitTermination(WAIT);
    }

    /** One datagram there and back, through the API chosen by {@link #api} on both ends. */
    @Benchmark
    public int roundTrip() throws Exception {
        client.send(request);
        if (api.equals("peer")) {
            return client.receive(reply, 0, reply.length, from, WAIT);
        }
        return client.receive(WAIT).data().length;
    }
}
