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
    IPV4_RECEIVED(Layer.IPV4, false),
    IPV4_DELIVERED(Layer.IPV4, false),
    IPV4_SENT(Layer.IPV4, false),
    IPV4_FRAGMENTS_SENT(Layer.IPV4, false),
    /** Packets to one of our own addresses, delivered without the link. */
    IPV4_LOOPED_BACK(Layer.IPV4, false),
    IPV4_TRUNCATED(Layer.IPV4, true),
    IPV4_BAD_VERSION(Layer.IPV4, true),
    IPV4_BAD_IHL(Layer.IPV4, true),
    IPV4_BAD_TOTAL_LENGTH(Layer.IPV4, true),
    IPV4_BAD_OPTIONS(Layer.IPV4, true),
    IPV4_BAD_CHECKSUM(Layer.IPV4, true),
    IPV4_BAD_SOURCE(Layer.IPV4, true),
    IPV4_NOT_FOR_US(Layer.IPV4, true),
    IPV4_UNKNOWN_PROTOCOL(Layer.IPV4, true),
    IPV4_NO_ROUTE(Layer.IPV4, true),
    IPV4_SPOOFED_SOURCE(Layer.IPV4, true),
    IPV4_NO_SOURCE_ADDRESS(Layer.IPV4, true),
    IPV4_CANNOT_FRAGMENT(Layer.IPV4, true),
    IPV4_FRAGMENT_DROPPED(Layer.IPV4, true),

    // --- IPv6
    IPV6_RECEIVED(Layer.IPV6, false),
    IPV6_DELIVERED(Layer.IPV6, false),
    IPV6_SENT(Layer.IPV6, false),
    IPV6_FRAGMENTS_SENT(Layer.IPV6, false),
    /** Packets to one of our own addresses, delivered without the link. */
    IPV6_LOOPED_BACK(Layer.IPV6, false),
    IPV6_TRUNCATED(Layer.IPV6, true),
    IPV6_BAD_VERSION(Layer.IPV6, true),
    IPV6_BAD_PAYLOAD_LENGTH(Layer.IPV6, true),
    IPV6_BAD_EXTENSION_HEADER(Layer.IPV6, true),
    IPV6_TOO_MANY_EXTENSIONS(Layer.IPV6, true),
    IPV6_ROUTING_HEADER(Layer.IPV6, true),
    /** An option the stack does not know whose type asks for the packet to be discarded (RFC 8200 4.2). */
    IPV6_UNRECOGNIZED_OPTION(Layer.IPV6, true),
    IPV6_BAD_SOURCE(Layer.IPV6, true),
    IPV6_NOT_FOR_US(Layer.IPV6, true),
    IPV6_UNKNOWN_NEXT_HEADER(Layer.IPV6, true),
    IPV6_NO_NEXT_HEADER(Layer.IPV6, false),
    IPV6_NO_ROUTE(Layer.IPV6, true),
    IPV6_SPOOFED_SOURCE(Layer.IPV6, true),
    IPV6_NO_SOURCE_ADDRESS(Layer.IPV6, true),
    IPV6_CANNOT_FRAGMENT(Layer.IPV6, true),
    IPV6_FRAGMENT_DROPPED(Layer.IPV6, true),
    /** An address of ours failed duplicate address detection and was removed. */
    IPV6_DUPLICATE_ADDRESS(Layer.IPV6, false),

    // --- ICMP
    ICMPV4_RECEIVED(Layer.ICMP, false),
    ICMPV4_MALFORMED(Layer.ICMP, true),
    ICMPV4_BAD_CHECKSUM(Layer.ICMP, true),
    ICMPV4_ECHO_REQUESTS(Layer.ICMP, false),
    ICMPV4_ECHO_REPLIES_SENT(Layer.ICMP, false),
    ICMPV4_ECHO_REPLIES_RECEIVED(Layer.ICMP, false),
    ICMPV4_ERRORS_RECEIVED(Layer.ICMP, false),
    ICMPV4_ERRORS_SENT(Layer.ICMP, false),
    ICMPV4_ERRORS_SUPPRESSED(Layer.ICMP, false),
    ICMPV4_ERRORS_RATE_LIMITED(Layer.ICMP, false),
    ICMPV6_RECEIVED(Layer.ICMP, false),
    ICMPV6_MALFORMED(Layer.ICMP, true),
    ICMPV6_BAD_CHECKSUM(Layer.ICMP, true),
    ICMPV6_ECHO_REQUESTS(Layer.ICMP, false),
    ICMPV6_ECHO_REPLIES_SENT(Layer.ICMP, false),
    ICMPV6_ECHO_REPLIES_RECEIVED(Layer.ICMP, false),
    ICMPV6_ERRORS_RECEIVED(Layer.ICMP, false),
    ICMPV6_ERRORS_SENT(Layer.ICMP, false),
    ICMPV6_ERRORS_SUPPRESSED(Layer.ICMP, false),
    ICMPV6_ERRORS_RATE_LIMITED(Layer.ICMP, false),
    ICMPV6_NDP_RECEIVED(Layer.ICMP, false),
    ICMPV6_NDP_WITHOUT_NEIGHBOUR_DISCOVERY(Layer.ICMP, true),

    // --- ARP / NDP resolution
    ARP_RECEIVED(Layer.NEIGHBOUR, false),
    NEIGHBOUR_QUEUE_HANDOFF_FAILED(Layer.NEIGHBOUR, true),
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
