package org.netstack4j.transport;

/**
 * What a transport protocol sees of the stack it is registered with: its shards, which shard owns a flow,
 * and the path towards a destination. Given to {@link TransportProtocolHandler#attach} on registration.
 */
public interface TransportHost {

    /**
     * Whether the stack is still running: a closed stack's shards take no more tasks or packets. The default
     * (a host that never closes) suits test hosts.
     */
    default boolean isOpen() {
        return true;
    }

    /** Number of shards. */
    int shardCount();

    /** Shard {@code index}. */
    TransportShard shard(int index);

    /** The shard whose thread is calling, or null when called from another thread. */
    TransportShard currentShard();

    /**
     * The shard that receives the packets of an IPv4 flow, in either direction: the same symmetric flow hash
     * the stack applies to every inbound packet.
     */
    TransportShard shardOfIpv4Flow(int protocol, int addressA, int portA, int addressB, int portB);

    /** The shard of an IPv6 flow; see {@link #shardOfIpv4Flow}. */
    TransportShard shardOfIpv6Flow(int protocol, long addressAHigh, long addressALow, int portA,
                                   long addressBHigh, long addressBLow, int portB);

    /** The path towards an IPv4 destination, or null when there is no route or no source address. */
    Path pathToIpv4(int destination);

    /** The path towards an IPv6 destination, or null when there is no route or no source address. */
    Path pathToIpv6(long destinationHigh, long destinationLow);

    /** Whether {@code address} is one of the stack's own IPv4 addresses. */
    boolean isLocalIpv4(int address);

    /** Whether {@code (high, low)} is one of the stack's own IPv6 addresses. */
    boolean isLocalIpv6(long high, long low);

    /**
     * How packets towards a destination leave: the NIC, the source address to use, the link MTU, and what the
     * link offloads. A connection looks it up once when it opens (not per packet).
     *
     * @param nicId              the outgoing NIC
     * @param ipVersion          4 or 6
     * @param sourceHigh         upper 64 bits of the source address (0 for IPv4)
     * @param sourceLow          lower 64 bits of the source (an IPv4 address in the low 32 bits)
     * @param mtu                the link MTU (bytes of IP packet)
     * @param gsoMaxSize         largest TCP super-packet (IP header included) the link accepts, 0 when none
     * @param txChecksumOffload  whether the link completes transport checksums marked partial
     */
    record Path(int nicId, int ipVersion, long sourceHigh, long sourceLow, int mtu, int gsoMaxSize,
                boolean txChecksumOffload) {
    }
}
