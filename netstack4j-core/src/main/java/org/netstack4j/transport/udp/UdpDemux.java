package org.netstack4j.transport.udp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The table of bound UDP endpoints, one per (IP version, port). Global rather than per shard: a socket is
 * bound by application threads while any shard may deliver to it, and lookups are lock-free reads of a
 * concurrent map. IPv4 and IPv6 ports are separate spaces (no dual-stack sockets yet).
 */
public final class UdpDemux {
    /** First port of the ephemeral range (RFC 6335 dynamic ports). */
    public static final int EPHEMERAL_FIRST = 49152;
    /** Last port of the ephemeral range. */
    public static final int EPHEMERAL_LAST = 65535;

    private final ConcurrentHashMap<Integer, UdpEndpoint> bound = new ConcurrentHashMap<>();

    private static int key(int ipVersion, int port) {
        return (ipVersion == 6 ? 1 << 16 : 0) | port;
    }

    /**
     * Binds {@code endpoint} to {@code port}, or to a free ephemeral port when {@code port} is 0.
     *
     * @return the bound port, or -1 when the port is in use (or no ephemeral port is free)
     */
    public int bind(int ipVersion, int port, UdpEndpoint endpoint) {
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port);
        }
        if (port != 0) {
            return bound.putIfAbsent(key(ipVersion, port), endpoint) == null ? port : -1;
        }
        // Random start, then a linear probe: putIfAbsent makes concurrent binds collision-free.
        int range = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
        int start = ThreadLocalRandom.current().nextInt(range);
        for (int i = 0; i < range; i++) {
            int p = EPHEMERAL_FIRST + (start + i) % range;
            if (bound.putIfAbsent(key(ipVersion, p), endpoint) == null) {
                return p;
            }
        }
        return -1;
    }

    /** Removes the binding of {@code port} if it is {@code endpoint}'s. */
    public void unbind(int ipVersion, int port, UdpEndpoint endpoint) {
        bound.remove(key(ipVersion, port), endpoint);
    }

    /** The endpoint bound to {@code port}, or null. */
    public UdpEndpoint lookup(int ipVersion, int port) {
        return bound.get(key(ipVersion, port));
    }

    /** Number of bound endpoints. */
    public int size() {
        return bound.size();
    }
}
