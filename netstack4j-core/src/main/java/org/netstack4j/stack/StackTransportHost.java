package org.netstack4j.stack;

import org.netstack4j.link.FlowHash;
import org.netstack4j.link.GsoKind;
import org.netstack4j.link.LinkCapabilities;
import org.netstack4j.network.Route;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.TransportShard;

/** The stack as its transport protocols see it: shards by flow hash, and paths from the routing table. */
final class StackTransportHost implements TransportHost {
    private final Stack stack;
    private final StackLoop[] shards;
    private final FlowHash flowHash;

    StackTransportHost(Stack stack, StackLoop[] shards, int flowSeed) {
        this.stack = stack;
        this.shards = shards;
        this.flowHash = new FlowHash(flowSeed);
    }

    @Override
    public boolean isOpen() {
        return !stack.isClosed();
    }

    @Override
    public int shardCount() {
        return shards.length;
    }

    @Override
    public TransportShard shard(int index) {
        return shards[index];
    }

    @Override
    public TransportShard currentShard() {
        for (StackLoop s : shards) {
            if (s.inLoop()) { // its own thread in a pass, or a dispatch thread running it inline
                return s;
            }
        }
        return null;
    }

    @Override
    public TransportShard shardOfIpv4Flow(int protocol, int addressA, int portA, int addressB, int portB) {
        return stack.shard(flowHash.hashIpv4(protocol, addressA, portA, addressB, portB));
    }

    @Override
    public TransportShard shardOfIpv6Flow(int protocol, long addressAHigh, long addressALow, int portA,
                                          long addressBHigh, long addressBLow, int portB) {
        return stack.shard(flowHash.hashIpv6(protocol, addressAHigh, addressALow, portA, addressBHigh,
                addressBLow, portB));
    }

    @Override
    public Path pathToIpv4(int destination) {
        Nic self = stack.nicWithIpv4(destination);
        if (self != null) {
            return path(self, 4, 0, destination);
        }
        Route route = stack.routes().lookupIpv4(destination);
        Nic nic = route == null ? null : stack.nicById(route.nicId());
        if (nic == null || !nic.isEnabled()) {
            return null;
        }
        int source = nic.ipv4SourceFor(route.ipv4NextHop(destination));
        return source == 0 ? null : path(nic, 4, 0, source & 0xffff_ffffL);
    }

    @Override
    public Path pathToIpv6(long destinationHigh, long destinationLow) {
        Nic self = stack.nicWithIpv6(destinationHigh, destinationLow);
        if (self != null) {
            return path(self, 6, destinationHigh, destinationLow);
        }
        Route route = stack.routes().lookupIpv6(destinationHigh, destinationLow);
        Nic nic = route == null ? null : stack.nicById(route.nicId());
        if (nic == null || !nic.isEnabled()) {
            return null;
        }
        long[] source = new long[2];
        return nic.ipv6SourceFor(destinationHigh, destinationLow, source)
                ? path(nic, 6, source[0], source[1]) : null;
    }

    @Override
    public boolean isLocalIpv4(int address) {
        return stack.nicWithIpv4(address) != null;
    }

    @Override
    public boolean isLocalIpv6(long high, long low) {
        return stack.nicWithIpv6(high, low) != null;
    }

    private static Path path(Nic nic, int version, long sourceHigh, long sourceLow) {
        LinkCapabilities c = nic.endpoint().capabilities();
        int gso = c.gsoKind() == GsoKind.NONE ? 0 : c.gsoMaxSize();
        return new Path(nic.id(), version, sourceHigh, sourceLow, nic.mtu(), gso, c.txChecksumOffload());
    }
}
