package org.netstack4j.socket;

import java.time.Duration;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.stack.Nic;
import org.netstack4j.stack.Stack;
import org.netstack4j.wire.MacAddress;

/**
 * Two stacks of two shards each (fixed seeds) joined by an in-memory Ethernet link, MTU 1500: A is 10.0.0.1
 * and fd00::1, B is 10.0.0.2 and fd00::2.
 */
final class StackPair {
    final PacketPipe pipe;
    final Stack a;
    final Stack b;

    StackPair(int pipeCapacity) {
        pipe = PacketPipe.open(pipeCapacity, 2048);
        a = Stack.builder().shards(2).seed(1).build();
        b = Stack.builder().shards(2).seed(2).build();
        Nic nicA = a.createNic(1, endpoint(pipe.a(), new MacAddress(0x02_00_00_00_00_01L)));
        Nic nicB = b.createNic(1, endpoint(pipe.b(), new MacAddress(0x02_00_00_00_00_02L)));
        nicA.addAddress("10.0.0.1/24");
        nicB.addAddress("10.0.0.2/24");
        nicA.addAddress("fd00::1/64");
        nicB.addAddress("fd00::2/64");
    }

    private static PacketEndpoint endpoint(PacketPipe.End end, MacAddress mac) {
        return PacketEndpoint.create(PacketEndpointOptions.builder().channel(end).mtu(1500)
                .ethernetHeader(true).address(mac).build());
    }

    /** Closes both stacks and waits up to {@code wait} for each. */
    void close(Duration wait) throws InterruptedException {
        a.close();
        b.close();
        a.awaitTermination(wait);
        b.awaitTermination(wait);
    }
}
