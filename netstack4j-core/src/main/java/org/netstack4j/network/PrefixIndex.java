package org.netstack4j.network;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable longest-prefix-match index over the routes of one address family: a path-compressed
 * binary trie (each node a prefix, children split on the next bit), so a lookup walks at most as many
 * nodes as there are distinct prefixes on the destination's path, whatever the spread of prefix
 * lengths. Each node holding routes keeps them best metric first. Lookups allocate nothing.
 *
 * <p>Addresses are handled as 128-bit values, an IPv4 address in the top 32 bits.
 */
final class PrefixIndex {
    static final PrefixIndex EMPTY_V4 = build(false, List.of());
    static final PrefixIndex EMPTY_V6 = build(true, List.of());

    private final boolean ipv6;
    private final Node root;

    private PrefixIndex(boolean ipv6, Node root) {
        this.ipv6 = ipv6;
        this.root = root;
    }

    private static final class Node {
        final long high;
        final long low;
        final int length;
        final long maskHigh;
        final long maskLow;
        Route[] routes;
        Node zero;
        Node one;

        Node(long high, long low, int length) {
            this.maskHigh = maskHigh(length);
            this.maskLow = maskLow(length);
            this.high = high & maskHigh;
            this.low = low & maskLow;
            this.length = length;
        }
    }

    /** Builds the index of {@code routes} (all of the given family), keeping their relative order among equals. */
    static PrefixIndex build(boolean ipv6, List<Route> routes) {
        Map<List<Long>, List<Route>> byPrefix = new LinkedHashMap<>();
        for (Route r : routes) {
            byPrefix.computeIfAbsent(List.of(keyHigh(ipv6, r), keyLow(ipv6, r), (long) r.prefixLength()),
                    k -> new ArrayList<>()).add(r);
        }
        Node root = null;
        for (Map.Entry<List<Long>, List<Route>> e : byPrefix.entrySet()) {
            List<Route> same = new ArrayList<>(e.getValue());
            same.sort(Comparator.comparingInt(Route::metric)); // stable: oldest first among equal metrics
            List<Long> k = e.getKey();
            root = insert(root, k.get(0), k.get(1), k.get(2).intValue(), same.toArray(new Route[0]));
        }
        return new PrefixIndex(ipv6, root);
    }

    private static long keyHigh(boolean ipv6, Route r) {
        return ipv6 ? r.destinationHigh() : r.destinationLow() << 32;
    }

    private static long keyLow(boolean ipv6, Route r) {
        return ipv6 ? r.destinationLow() : 0;
    }

    /** Inserts a prefix with its routes into the trie rooted at {@code root}; returns the (possibly new) root. */
    private static Node insert(Node root, long high, long low, int length, Route[] routes) {
        Node leaf = new Node(high, low, length);
        leaf.routes = routes;
        if (root == null) {
            return leaf;
        }
        Node parent = null;
        Node node = root;
        while (true) {
            int common = Math.min(commonPrefix(node.high, node.low, high, low), Math.min(node.length, length));
            if (common < node.length) {
                // The new prefix leaves this node's path above it: a node at the fork takes both.
                Node fork;
                if (common == length) {
                    fork = leaf;
                } else {
                    fork = new Node(high, low, common);
                    setChild(fork, bit(high, low, common), leaf);
                }
                setChild(fork, bit(node.high, node.low, common), node);
                if (parent == null) {
                    return fork;
                }
                setChild(parent, bit(high, low, parent.length), fork);
                return root;
            }
            if (length == node.length) {
                node.routes = routes; // a fork node created earlier for this very prefix
                return root;
            }
            Node child = bit(high, low, node.length) == 0 ? node.zero : node.one;
            if (child == null) {
                setChild(node, bit(high, low, node.length), leaf);
                return root;
            }
            parent = node;
            node = child;
        }
    }

    private static void setChild(Node parent, int bit, Node child) {
        if (bit == 0) {
            parent.zero = child;
        } else {
            parent.one = child;
        }
    }

    /** Leading bits two 128-bit values share (128 when equal). */
    private static int commonPrefix(long highA, long lowA, long highB, long lowB) {
        long x = highA ^ highB;
        if (x != 0) {
            return Long.numberOfLeadingZeros(x);
        }
        return 64 + Long.numberOfLeadingZeros(lowA ^ lowB);
    }

    /** Bit {@code index} (0 = most significant) of a 128-bit value. */
    private static int bit(long high, long low, int index) {
        return index < 64 ? (int) (high >>> (63 - index)) & 1 : (int) (low >>> (127 - index)) & 1;
    }

    private static long maskHigh(int length) {
        if (length == 0) {
            return 0;
        }
        return length >= 64 ? -1L : -1L << (64 - length);
    }

    private static long maskLow(int length) {
        if (length <= 64) {
            return 0;
        }
        return length == 128 ? -1L : -1L << (128 - length);
    }

    /**
     * The best route covering the address: longest prefix, then lowest metric, then oldest; restricted
     * to NIC {@code nicId} unless it is {@link RouteTable#ANY_NIC}. {@code null} when none. An IPv4
     * address is passed as {@code (0, address & 0xffffffffL)}.
     */
    Route lookup(long high, long low, int nicId) {
        if (!ipv6) {
            high = low << 32;
            low = 0;
        }
        Route best = null;
        Node node = root;
        while (node != null && (high & node.maskHigh) == node.high && (low & node.maskLow) == node.low) {
            Route[] routes = node.routes;
            if (routes != null) {
                Route r = pick(routes, nicId);
                if (r != null) {
                    best = r;
                }
            }
            if (node.length == 128) {
                break;
            }
            node = bit(high, low, node.length) == 0 ? node.zero : node.one;
        }
        return best;
    }

    private static Route pick(Route[] routes, int nicId) {
        if (nicId == RouteTable.ANY_NIC) {
            return routes[0];
        }
        for (Route r : routes) {
            if (r.nicId() == nicId) {
                return r;
            }
        }
        return null;
    }
}
