package org.netstack4j.transport.udp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The table of bound UDP endpoints: per port, a small copy-on-write array of {@link UdpBinding}s (both IP
 * versions together, so a dual-stack binding is checked against both in one atomic step). Global rather than
 * per shard: sockets are bound by application threads while any shard may deliver to them; lookups are
 * lock-free reads that allocate nothing. See {@link UdpBinding} for which bindings may share a port.
 */
public final class UdpDemux {
    /** First port of the ephemeral range (RFC 6335 dynamic ports). */
    public static final int EPHEMERAL_FIRST = 49152;
    /** Last port of the ephemeral range. */
    public static final int EPHEMERAL_LAST = 65535;

    private static final UdpBinding[] NONE = new UdpBinding[0];
    /** Prefix of an IPv4-mapped IPv6 address ({@code ::ffff:0:0/96}) in the low half. */
    private static final long MAPPED = 0x0000_ffff_0000_0000L;

    private final ConcurrentHashMap<Integer, UdpBinding[]> ports = new ConcurrentHashMap<>();

    /**
     * Binds {@code binding} to its port, or to a free ephemeral port when its port is 0 (an ephemeral port
     * is one no binding of either version holds).
     *
     * @return the bound port, or -1 when the port is in use by a conflicting binding (or no ephemeral port
     *     is free)
     */
    public int bind(UdpBinding binding) {
        int port = binding.port();
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port);
        }
        if (port != 0) {
            boolean[] ok = {false};
            ports.compute(port, (k, old) -> {
                UdpBinding[] cur = old == null ? NONE : old;
                for (UdpBinding b : cur) {
                    if (b.conflictsWith(binding)) {
                        return old;
                    }
                }
                UdpBinding[] next = java.util.Arrays.copyOf(cur, cur.length + 1);
                next[cur.length] = binding;
                ok[0] = true;
                return next;
            });
            return ok[0] ? port : -1;
        }
        // Random start, then a linear probe: putIfAbsent makes concurrent binds collision-free.
        int range = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
        int start = ThreadLocalRandom.current().nextInt(range);
        for (int i = 0; i < range; i++) {
            int p = EPHEMERAL_FIRST + (start + i) % range;
            if (!ports.containsKey(p) && ports.putIfAbsent(p, new UdpBinding[] {binding.withPort(p)}) == null) {
                return p;
            }
        }
        return -1;
    }

    /** Removes {@code endpoint}'s binding of {@code port}. */
    public void unbind(int port, UdpEndpoint endpoint) {
        ports.computeIfPresent(port, (k, cur) -> {
            int n = 0;
            for (UdpBinding b : cur) {
                if (b.endpoint() != endpoint) {
                    n++;
                }
            }
            if (n == cur.length) {
                return cur;
            }
            if (n == 0) {
                return null;
            }
            UdpBinding[] next = new UdpBinding[n];
            int i = 0;
            for (UdpBinding b : cur) {
                if (b.endpoint() != endpoint) {
                    next[i++] = b;
                }
            }
            return next;
        });
    }

    /**
     * The endpoint that receives a datagram, or null. Candidates serve the datagram's version, are bound to
     * its destination or the wildcard ({@code wildcardAccepts} false leaves wildcards out), and if connected,
     * to its source. A connected match beats an unconnected one, a specific address beats the wildcard;
     * among equals sharing the port by {@code reusePort}, a hash of the source picks one.
     *
     * @param ipVersion the datagram's version; IPv4 addresses in the low 32 bits
     */
    public UdpEndpoint lookup(int ipVersion, int port, long dstHigh, long dstLow, long srcHigh, long srcLow,
                              int srcPort, boolean wildcardAccepts) {
        UdpBinding[] cur = ports.get(port);
        if (cur == null) {
            return null;
        }
        int best = 0;
        int ties = 0;
        for (UdpBinding b : cur) {
            int s = score(b, ipVersion, dstHigh, dstLow, srcHigh, srcLow, srcPort, wildcardAccepts);
            if (s > best) {
                best = s;
                ties = 1;
            } else if (s == best && s > 0) {
                ties++;
            }
        }
        if (best == 0) {
            return null;
        }
        int pick = ties == 1 ? 0 : Math.floorMod(spread(srcHigh, srcLow, srcPort), ties);
        for (UdpBinding b : cur) {
            if (score(b, ipVersion, dstHigh, dstLow, srcHigh, srcLow, srcPort, wildcardAccepts) == best
                    && pick-- == 0) {
                return b.endpoint();
            }
        }
        return null; // unbound in between: treat as closed
    }

    /**
     * The connected endpoint bound to {@code localPort} whose peer is the given address and port: the one an
     * ICMP error quoting a datagram from {@code localPort} to that peer is about, or null.
     */
    public UdpEndpoint connectedTo(int ipVersion, int localPort, long peerHigh, long peerLow, int peerPort) {
        UdpBinding[] cur = ports.get(localPort);
        if (cur == null) {
            return null;
        }
        for (UdpBinding b : cur) {
            if (b.serves(ipVersion) && b.endpoint().isConnected()
                    && peerIs(b, ipVersion, peerHigh, peerLow, peerPort)) {
                return b.endpoint();
            }
        }
        return null;
    }

    private static int score(UdpBinding b, int ipVersion, long dstHigh, long dstLow, long srcHigh, long srcLow,
                             int srcPort, boolean wildcardAccepts) {
        if (!b.serves(ipVersion)) {
            return 0;
        }
        int s;
        if (b.wildcard()) {
            if (!wildcardAccepts) {
                return 0;
            }
            s = 1;
        } else if (b.ipVersion() == ipVersion && b.high() == dstHigh && b.low() == dstLow) {
            s = 2;
        } else {
            return 0;
        }
        UdpEndpoint e = b.endpoint();
        if (e.isConnected()) {
            if (!peerIs(b, ipVersion, srcHigh, srcLow, srcPort)) {
                return 0;
            }
            s += 4;
        }
        return s;
    }

    private static boolean peerIs(UdpBinding b, int ipVersion, long high, long low, int port) {
        // A dual-stack IPv6 endpoint knows its IPv4 peer by the mapped address.
        return b.ipVersion() == ipVersion ? b.endpoint().peerIs(high, low, port)
                : b.endpoint().peerIs(0, MAPPED | low, port);
    }

    private static int spread(long high, long low, int port) {
        long h = (high * 0x9e3779b97f4a7c15L) ^ low ^ port;
        h *= 0xbf58476d1ce4e5b9L;
        return (int) (h ^ h >>> 31);
    }

    /** Number of bound endpoints (a dual-stack binding counts once). */
    public int size() {
        int n = 0;
        for (UdpBinding[] cur : ports.values()) {
            n += cur.length;
        }
        return n;
    }
}
