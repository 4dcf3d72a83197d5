package org.netstack4j.socket;

/**
 * How {@link Udp#bind(java.net.InetSocketAddress, UdpBindOptions)} binds a socket. Immutable; start from
 * {@link #defaults()} and change what you need. See {@link org.netstack4j.transport.udp.UdpBinding} for the
 * reuse rules.
 *
 * @param receiveQueueCapacity datagrams held before further ones are dropped and counted
 * @param reuseAddress         {@code SO_REUSEADDR}: share the port between a specific address and the
 *                             wildcard (both must set it); the specific binding wins delivery
 * @param reusePort            {@code SO_REUSEPORT}: share the very same address and port (all must set it);
 *                             each sender is steered to one of them by a hash
 * @param ipv6Only             for an IPv6 wildcard socket: IPv6 only (the default here, unlike Java's
 *                             sockets); false makes it dual-stack, receiving IPv4 from IPv4-mapped addresses
 */
public record UdpBindOptions(int receiveQueueCapacity, boolean reuseAddress, boolean reusePort, boolean ipv6Only) {
    private static final UdpBindOptions DEFAULTS = new UdpBindOptions(256, false, false, true);

    /** Checks the capacity. */
    public UdpBindOptions {
        if (receiveQueueCapacity < 1) {
            throw new IllegalArgumentException("receive queue capacity " + receiveQueueCapacity);
        }
    }

    /** A queue of 256 datagrams, no reuse, IPv6-only. */
    public static UdpBindOptions defaults() {
        return DEFAULTS;
    }

    /** These options with another receive queue capacity. */
    public UdpBindOptions withReceiveQueueCapacity(int capacity) {
        return new UdpBindOptions(capacity, reuseAddress, reusePort, ipv6Only);
    }

    /** These options with {@code SO_REUSEADDR} on or off. */
    public UdpBindOptions withReuseAddress(boolean on) {
        return new UdpBindOptions(receiveQueueCapacity, on, reusePort, ipv6Only);
    }

    /** These options with {@code SO_REUSEPORT} on or off. */
    public UdpBindOptions withReusePort(boolean on) {
        return new UdpBindOptions(receiveQueueCapacity, reuseAddress, on, ipv6Only);
    }

    /** These options with {@code IPV6_V6ONLY} on or off. */
    public UdpBindOptions withIpv6Only(boolean on) {
        return new UdpBindOptions(receiveQueueCapacity, reuseAddress, reusePort, on);
    }
}
