package org.netstack4j.stack;

/**
 * The stack's event and drop counters, one per layer and reason. Each shard counts into its own array
 * (no sharing on the packet path); {@link Stack#stats()} sums them into a {@link Stats} snapshot.
 */
public enum StackCounter {
    // --- shards
    /** Inbound packets handed to a shard. */
    SHARD_ENQUEUED(Layer.SHARD, false),
    /** Inbound packets dropped because the shard's queue was full. */
    SHARD_QUEUE_OVERFLOW(Layer.SHARD, true),
    /** Packets dropped because the NIC was disabled or removed. */
    NIC_DISABLED(Layer.SHARD, true),
    /** Packets of a link protocol the stack does not speak (neither IPv4, IPv6 nor ARP). */
    UNKNOWN_LINK_PROTOCOL(Layer.SHARD, true),
    /** Ethernet frames addressed to another host (NIC not promiscuous). */
    OTHER_HOST_FRAME(Layer.SHARD, true),
    /** A packet raised an unexpected error inside the stack (a bug): counted and dropped, the loop goes on. */
    INTERNAL_ERROR(Layer.SHARD, true),

    // --- IPv4
    /** IPv4 packets handed to the network layer. */
    IPV4_RECEIVED(Layer.IPV4, false),
    /** IPv4 packets delivered to ICMP or a transport handler. */
    IPV4_DELIVERED(Layer.IPV4, false),
    /** IPv4 packets routed for sending (before fragmentation). */
    IPV4_SENT(Layer.IPV4, false),
    /** IPv4 fragments sent. */
    IPV4_FRAGMENTS_SENT(Layer.IPV4, false),
    /** Packets to one of our own addresses, delivered without the link. */
    IPV4_LOOPED_BACK(Layer.IPV4, false),
    /** Shorter than an IPv4 header. */
    IPV4_TRUNCATED(Layer.IPV4, true),
    /** Version field not 4. */
    IPV4_BAD_VERSION(Layer.IPV4, true),
    /** Header length below 5 words or beyond the packet. */
    IPV4_BAD_IHL(Layer.IPV4, true),
    /** Total length below the header or beyond the packet. */
    IPV4_BAD_TOTAL_LENGTH(Layer.IPV4, true),
    /** An option runs past the header or is too short. */
    IPV4_BAD_OPTIONS(Layer.IPV4, true),
    /** Header checksum wrong. */
    IPV4_BAD_CHECKSUM(Layer.IPV4, true),
    /** Source is broadcast, multicast or (not in promiscuous mode) our own address. */
    IPV4_BAD_SOURCE(Layer.IPV4, true),
    /** Destination is not ours (NIC not promiscuous). */
    IPV4_NOT_FOR_US(Layer.IPV4, true),
    /** No handler for the protocol (answered with protocol unreachable). */
    IPV4_UNKNOWN_PROTOCOL(Layer.IPV4, true),
    /** No route to the destination. */
    IPV4_NO_ROUTE(Layer.IPV4, true),
    /** Source is not the NIC's and the NIC is not spoofing. */
    IPV4_SPOOFED_SOURCE(Layer.IPV4, true),
    /** The outgoing NIC has no IPv4 address. */
    IPV4_NO_SOURCE_ADDRESS(Layer.IPV4, true),
    /** Larger than the MTU with DF set, or not fragmentable. */
    IPV4_CANNOT_FRAGMENT(Layer.IPV4, true),
    /** A fragment dropped by reassembly (overlap, caps, size, malformed). */
    IPV4_FRAGMENT_DROPPED(Layer.IPV4, true),

    // --- IPv6
    /** IPv6 packets handed to the network layer. */
    IPV6_RECEIVED(Layer.IPV6, false),
    /** IPv6 packets delivered to ICMPv6 or a transport handler. */
    IPV6_DELIVERED(Layer.IPV6, false),
    /** IPv6 packets routed for sending (before fragmentation). */
    IPV6_SENT(Layer.IPV6, false),
    /** IPv6 fragments sent. */
    IPV6_FRAGMENTS_SENT(Layer.IPV6, false),
    /** Packets to one of our own addresses, delivered without the link. */
    IPV6_LOOPED_BACK(Layer.IPV6, false),
    /** Shorter than an IPv6 header. */
    IPV6_TRUNCATED(Layer.IPV6, true),
    /** Version field not 6. */
    IPV6_BAD_VERSION(Layer.IPV6, true),
    /** Payload length beyond the packet. */
    IPV6_BAD_PAYLOAD_LENGTH(Layer.IPV6, true),
    /** An extension header is cut off, misplaced or has a bad option. */
    IPV6_BAD_EXTENSION_HEADER(Layer.IPV6, true),
    /** More extension headers than the chain walk allows (loops, floods). */
    IPV6_TOO_MANY_EXTENSIONS(Layer.IPV6, true),
    /** A routing header with segments left: a host does not forward. */
    IPV6_ROUTING_HEADER(Layer.IPV6, true),
    /** An option the stack does not know whose type asks for the packet to be discarded (RFC 8200 4.2). */
    IPV6_UNRECOGNIZED_OPTION(Layer.IPV6, true),
    /** Source is multicast. */
    IPV6_BAD_SOURCE(Layer.IPV6, true),
    /** Destination is neither ours nor a group we joined (NIC not promiscuous). */
    IPV6_NOT_FOR_US(Layer.IPV6, true),
    /** No handler for the upper-layer protocol (answered with a parameter problem). */
    IPV6_UNKNOWN_NEXT_HEADER(Layer.IPV6, true),
    /** Packets ending in "no next header" (nothing to deliver). */
    IPV6_NO_NEXT_HEADER(Layer.IPV6, false),
    /** No route to the destination. */
    IPV6_NO_ROUTE(Layer.IPV6, true),
    /** Source is not the NIC's and the NIC is not spoofing. */
    IPV6_SPOOFED_SOURCE(Layer.IPV6, true),
    /** The outgoing NIC has no IPv6 address. */
    IPV6_NO_SOURCE_ADDRESS(Layer.IPV6, true),
    /** Larger than the MTU and not fragmentable. */
    IPV6_CANNOT_FRAGMENT(Layer.IPV6, true),
    /** A fragment dropped by reassembly (overlap, caps, size, malformed). */
    IPV6_FRAGMENT_DROPPED(Layer.IPV6, true),
    /** An address of ours failed duplicate address detection and was removed. */
    IPV6_DUPLICATE_ADDRESS(Layer.IPV6, false),

    // --- ICMP
    /** ICMP messages received. */
    ICMPV4_RECEIVED(Layer.ICMP, false),
    /** ICMP messages too short for their type. */
    ICMPV4_MALFORMED(Layer.ICMP, true),
    /** ICMP checksum wrong. */
    ICMPV4_BAD_CHECKSUM(Layer.ICMP, true),
    /** Echo requests received. */
    ICMPV4_ECHO_REQUESTS(Layer.ICMP, false),
    /** Echo replies sent. */
    ICMPV4_ECHO_REPLIES_SENT(Layer.ICMP, false),
    /** Echo replies received. */
    ICMPV4_ECHO_REPLIES_RECEIVED(Layer.ICMP, false),
    /** ICMP errors received. */
    ICMPV4_ERRORS_RECEIVED(Layer.ICMP, false),
    /** ICMP errors sent. */
    ICMPV4_ERRORS_SENT(Layer.ICMP, false),
    /** ICMP errors not sent because RFC 1122 forbids them (errors, broadcasts, fragments). */
    ICMPV4_ERRORS_SUPPRESSED(Layer.ICMP, false),
    /** ICMP errors not sent because the rate limiter had no token. */
    ICMPV4_ERRORS_RATE_LIMITED(Layer.ICMP, false),
    /** ICMPv6 messages received. */
    ICMPV6_RECEIVED(Layer.ICMP, false),
    /** ICMPv6 messages too short for their type. */
    ICMPV6_MALFORMED(Layer.ICMP, true),
    /** ICMPv6 checksum wrong. */
    ICMPV6_BAD_CHECKSUM(Layer.ICMP, true),
    /** Echo requests received. */
    ICMPV6_ECHO_REQUESTS(Layer.ICMP, false),
    /** Echo replies sent. */
    ICMPV6_ECHO_REPLIES_SENT(Layer.ICMP, false),
    /** Echo replies received. */
    ICMPV6_ECHO_REPLIES_RECEIVED(Layer.ICMP, false),
    /** ICMPv6 errors received. */
    ICMPV6_ERRORS_RECEIVED(Layer.ICMP, false),
    /** ICMPv6 errors sent. */
    ICMPV6_ERRORS_SENT(Layer.ICMP, false),
    /** ICMPv6 errors not sent because RFC 4443 forbids them. */
    ICMPV6_ERRORS_SUPPRESSED(Layer.ICMP, false),
    /** ICMPv6 errors not sent because the rate limiter had no token. */
    ICMPV6_ERRORS_RATE_LIMITED(Layer.ICMP, false),
    /** Neighbor discovery messages received. */
    ICMPV6_NDP_RECEIVED(Layer.ICMP, false),
    /** Neighbor discovery messages an Ethernet NIC could not hand to its NDP. */
    ICMPV6_NDP_WITHOUT_NEIGHBOUR_DISCOVERY(Layer.ICMP, true),

    // --- ARP / NDP resolution
    /** ARP messages received. */
    ARP_RECEIVED(Layer.NEIGHBOUR, false),
    /** Packets needing resolution dropped because the home shard's queue was full. */
    NEIGHBOUR_QUEUE_HANDOFF_FAILED(Layer.NEIGHBOUR, true),
    /** Packets dropped because their neighbour could not be resolved. */
    NEIGHBOUR_RESOLUTION_FAILED(Layer.NEIGHBOUR, true);

    /** The layer a counter belongs to, for grouping in {@link Stats#toString()}. */
    public enum Layer { SHARD, IPV4, IPV6, ICMP, NEIGHBOUR }

    private final Layer layer;
    private final boolean drop;

    StackCounter(Layer layer, boolean drop) {
        this.layer = layer;
        this.drop = drop;
    }

    /** The layer this counter belongs to. */
    public Layer layer() {
        return layer;
    }

    /** True when the counter counts packets dropped (a drop reason), not events. */
    public boolean isDrop() {
        return drop;
    }

    static final StackCounter[] VALUES = values();
}
