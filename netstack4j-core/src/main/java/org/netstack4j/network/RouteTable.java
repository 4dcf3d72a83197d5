package org.netstack4j.network;

import java.util.ArrayList;
import java.util.List;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

/**
 * The stack's IPv4 and IPv6 routes, with longest-prefix-match lookup: the most specific prefix
 * covering the destination wins, then the lowest metric, then the route added first. Default routes
 * are routes of prefix length 0.
 *
 * <p>Lookups are lock-free, allocation-free and safe from any number of threads while another thread
 * changes the table: writers (serialised among themselves) build a new immutable snapshot and publish
 * it with one volatile write, so a reader sees either the table before a change or after it, never a
 * mix. A lookup returns a {@link Route} held by the table (routes are immutable).
 *
 * <p>Writes cost O(routes): this is a host's table (tens to thousands of routes), not a router's.
 */
public final class RouteTable {
    /** A {@code nicId} argument meaning "any NIC". */
    public static final int ANY_NIC = 0;

    private final Object writeLock = new Object();
    /** Every route in insertion order; guarded by {@link #writeLock}. */
    private final List<Route> routes = new ArrayList<>();
    private volatile Snapshot snapshot = new Snapshot(List.of(), PrefixIndex.EMPTY_V4, PrefixIndex.EMPTY_V6);

    private record Snapshot(List<Route> routes, PrefixIndex ipv4, PrefixIndex ipv6) {
    }

    /** An empty table. */
    public RouteTable() {
    }

    /**
     * Adds a route.
     *
     * @return false if an equal route (every field the same) is already present
     */
    public boolean add(Route route) {
        synchronized (writeLock) {
            if (routes.contains(route)) {
                return false;
            }
            routes.add(route);
            publish();
            return true;
        }
    }

    /**
     * Removes a route equal to {@code route}.
     *
     * @return true if one was present
     */
    public boolean remove(Route route) {
        synchronized (writeLock) {
            if (!routes.remove(route)) {
                return false;
            }
            publish();
            return true;
        }
    }

    /**
     * Removes every route through NIC {@code nicId} (the NIC went away).
     *
     * @return how many were removed
     */
    public int removeNic(int nicId) {
        synchronized (writeLock) {
            int before = routes.size();
            routes.removeIf(r -> r.nicId() == nicId);
            int removed = before - routes.size();
            if (removed > 0) {
                publish();
            }
            return removed;
        }
    }

    /** Removes every route. */
    public void clear() {
        synchronized (writeLock) {
            routes.clear();
            publish();
        }
    }

    /** The routes in insertion order (an immutable snapshot). */
    public List<Route> routes() {
        return snapshot.routes();
    }

    /** Number of routes. */
    public int size() {
        return snapshot.routes().size();
    }

    /** The best IPv4 route to {@code destination} (a raw address), or {@code null} when none covers it. */
    public Route lookupIpv4(int destination) {
        return snapshot.ipv4().lookup(0, destination & 0xffff_ffffL, ANY_NIC);
    }

    /**
     * The best IPv4 route to {@code destination} through NIC {@code nicId} ({@link #ANY_NIC} for any), or
     * {@code null}. Routes through other NICs are ignored, so a shorter prefix on this NIC can win.
     */
    public Route lookupIpv4(int destination, int nicId) {
        return snapshot.ipv4().lookup(0, destination & 0xffff_ffffL, nicId);
    }

    /** The best IPv6 route to the address {@code (high, low)}, or {@code null} when none covers it. */
    public Route lookupIpv6(long high, long low) {
        return snapshot.ipv6().lookup(high, low, ANY_NIC);
    }

    /** The best IPv6 route to {@code (high, low)} through NIC {@code nicId} ({@link #ANY_NIC} for any), or {@code null}. */
    public Route lookupIpv6(long high, long low, int nicId) {
        return snapshot.ipv6().lookup(high, low, nicId);
    }

    /** {@link #lookupIpv4(int)} for an address object. */
    public Route lookup(Ipv4Address destination) {
        return lookupIpv4(destination.value());
    }

    /** {@link #lookupIpv6(long, long)} for an address object. */
    public Route lookup(Ipv6Address destination) {
        return lookupIpv6(destination.high(), destination.low());
    }

    private void publish() {
        List<Route> v4 = new ArrayList<>();
        List<Route> v6 = new ArrayList<>();
        for (Route r : routes) {
            (r.isIpv6() ? v6 : v4).add(r);
        }
        snapshot = new Snapshot(List.copyOf(routes), PrefixIndex.build(false, v4), PrefixIndex.build(true, v6));
    }

    @Override
    public String toString() {
        return "RouteTable" + snapshot.routes();
    }
}
