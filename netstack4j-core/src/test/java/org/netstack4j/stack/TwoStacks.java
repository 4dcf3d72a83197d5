package org.netstack4j.stack;

import java.time.Duration;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.time.Clock;
import org.netstack4j.wire.MacAddress;

/** Two stacks joined by an in-memory pipe: A is 10.0.0.1 / fd00::1, B is 10.0.0.2 / fd00::2. */
final class TwoStacks implements AutoCloseable {
    static final MacAddress MAC_A = new MacAddress(0x02_00_00_00_00_01L);
    static final MacAddress MAC_B = new MacAddress(0x02_00_00_00_00_02L);

    final PacketPipe pipe;
    final Stack a;
    final Stack b;
    final Nic nicA;
    final Nic nicB;

    TwoStacks(boolean ethernet, int mtu, int shards, Clock clock) {
        this(ethernet, mtu, shards, clock, Stack.builder());
    }

    TwoStacks(boolean ethernet, int mtu, int shards, Clock clock, Stack.Builder bBuilder) {
        pipe = PacketPipe.open(512, 2048);
        a = Stack.builder().clock(clock).shards(shards).seed(1).build();
        b = bBuilder.clock(clock).shards(shards).seed(2).build();
        nicA = a.createNic(1, endpoint(pipe.a(), ethernet, mtu, MAC_A));
        nicB = b.createNic(1, endpoint(pipe.b(), ethernet, mtu, MAC_B));
        nicA.addAddress("10.0.0.1/24");
        nicB.addAddress("10.0.0.2/24");
        nicA.addAddress("fd00::1/64");
        nicB.addAddress("fd00::2/64");
    }

    static PacketEndpoint endpoint(PacketPipe.End end, boolean ethernet, int mtu, MacAddress mac) {
        PacketEndpointOptions.Builder o = PacketEndpointOptions.builder().channel(end).mtu(mtu)
                .ethernetHeader(ethernet);
        if (ethernet) {
            o.address(mac);
        }
        return PacketEndpoint.create(o.build());
    }

    @Override
    public void close() throws InterruptedException {
        a.close();
        b.close();
        a.awaitTermination(Duration.ofSeconds(10));
        b.awaitTermination(Duration.ofSeconds(10));
    }
}
