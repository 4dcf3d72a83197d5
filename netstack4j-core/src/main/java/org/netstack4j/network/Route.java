package org.netstack4j.network;

import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

/**
 * One entry of a {@link RouteTable}: packets to {@code destination/prefixLength} leave through NIC
 * {@link #nicId()}, either to a {@linkplain #hasGateway() gateway} or directly to the destination
 * (on-link). Among routes to the same prefix the lowest {@link #metric()} wins.
 *
 * <p>Immutable. Addresses are kept as two {@code long}s (an IPv4 address in the low 32 bits of
 * {@link #destinationLow()}), so the table compares them without allocating.
 */
public final class Route {
    private final boolean ipv6;
    private final long destinationHigh;
    private final long destinationLow;
    private final int prefixLength;
    private final boolean hasGateway;
    private final long gatewayHigh;
    private final long gatewayLow;
    private final int nicId;
    private final int metric;

    private Route(boolean ipv6, long destinationHigh, long destinationLow, int prefixLength, boolean hasGateway,
                  long gatewayHigh, long gatewayLow, int nicId, int metric) {
        int bits = ipv6 ? 128 : 32;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0.." + bits);
        }
        if (nicId <= 0) {
            throw new IllegalArgumentException("NIC ids are positive: " + nicId);
        }
        if (metric < 0) {
            throw new IllegalArgumentException("metric must not be negative: " + metric);
        }
        if ((destinationHigh & ~maskHigh(ipv6, prefixLength)) != 0 || (destinationLow & ~maskLow(ipv6, prefixLength)) != 0) {
            throw new IllegalArgumentException("destination has bits set beyond its /" + prefixLength + " prefix");
        }
        this.ipv6 = ipv6;
        this.destinationHigh = destinationHigh;
        this.destinationLow = destinationLow;
        this.prefixLength = prefixLength;
        this.hasGateway = hasGateway;
        this.gatewayHigh = gatewayHigh;
        this.gatewayLow = gatewayLow;
        this.nicId = nicId;
        this.metric = metric;
    }

    /**
     * An IPv4 route.
     *
     * @param gateway the next hop, or {@code null} for an on-link route
     * @throws IllegalArgumentException if the destination has host bits set, or a field is out of range
     */
    public static Route ipv4(Ipv4Address destination, int prefixLength, Ipv4Address gateway, int nicId, int metric) {
        return new Route(false, 0, destination.value() & 0xffff_ffffL, prefixLength, gateway != null,
                0, gateway == null ? 0 : gateway.value() & 0xffff_ffffL, nicId, metric);
    }

    /**
     * An IPv6 route.
     *
     * @param gateway the next hop (usually link-local), or {@code null} for an on-link route
     * @throws IllegalArgumentException if the destination has bits set beyond the prefix, or a field is out of range
     */
    public static Route ipv6(Ipv6Address destination, int prefixLength, Ipv6Address gateway, int nicId, int metric) {
        return new Route(true, destination.high(), destination.low(), prefixLength, gateway != null,
                gateway == null ? 0 : gateway.high(), gateway == null ? 0 : gateway.low(), nicId, metric);
    }

    /** Mask of the high 64 bits of an address for a prefix length (IPv4 addresses have no high bits). */
    static long maskHigh(boolean ipv6, int prefixLength) {
        if (!ipv6 || prefixLength == 0) {
            return 0;
        }
        return prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
    }

    /** Mask of the low 64 bits of an address for a prefix length. */
    static long maskLow(boolean ipv6, int prefixLength) {
        if (!ipv6) {
            return prefixLength == 0 ? 0 : (0xffff_ffffL << (32 - prefixLength)) & 0xffff_ffffL;
        }
        if (prefixLength <= 64) {
            return 0;
        }
        return prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
    }

    /** True for an IPv6 route. */
    public boolean isIpv6() {
        return ipv6;
    }

    /** Length of the destination prefix in bits. */
    public int prefixLength() {
        return prefixLength;
    }

    /** True for a default route ({@code 0.0.0.0/0} or {@code ::/0}). */
    public boolean isDefault() {
        return prefixLength == 0;
    }

    /** High 64 bits of the destination prefix (0 for IPv4). */
    public long destinationHigh() {
        return destinationHigh;
    }

    /** Low 64 bits of the destination prefix (for IPv4, the address in the low 32 bits). */
    public long destinationLow() {
        return destinationLow;
    }

    /** The IPv4 destination prefix as a raw {@code int}. */
    public int ipv4Destination() {
        return (int) destinationLow;
    }

    /** True when packets go to a gateway; false for an on-link route. */
    public boolean hasGateway() {
        return hasGateway;
    }

    /** High 64 bits of the gateway (0 for IPv4 or on-link routes). */
    public long gatewayHigh() {
        return gatewayHigh;
    }

    /** Low 64 bits of the gateway (for IPv4, the address in the low 32 bits; 0 for on-link routes). */
    public long gatewayLow() {
        return gatewayLow;
    }

    /** The IPv4 gateway as a raw {@code int} (0 for an on-link route). */
    public int ipv4Gateway() {
        return (int) gatewayLow;
    }

    /** The NIC packets leave through. */
    public int nicId() {
        return nicId;
    }

    /** Preference among routes to the same prefix: lower wins. */
    public int metric() {
        return metric;
    }

    /** The IPv4 neighbour to resolve for {@code destination}: the gateway, or the destination itself on-link. */
    public int ipv4NextHop(int destination) {
        return hasGateway ? (int) gatewayLow : destination;
    }

    /** True if this route's prefix covers the IPv4 address. */
    public boolean matchesIpv4(int address) {
        return !ipv6 && ((address & 0xffff_ffffL) & maskLow(false, prefixLength)) == destinationLow;
    }

    /** True if this route's prefix covers the IPv6 address. */
    public boolean matchesIpv6(long high, long low) {
        return ipv6 && (high & maskHigh(true, prefixLength)) == destinationHigh
                && (low & maskLow(true, prefixLength)) == destinationLow;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Route r && r.ipv6 == ipv6 && r.destinationHigh == destinationHigh
                && r.destinationLow == destinationLow && r.prefixLength == prefixLength && r.hasGateway == hasGateway
                && r.gatewayHigh == gatewayHigh && r.gatewayLow == gatewayLow && r.nicId == nicId && r.metric == metric;
    }

    @Override
    public int hashCode() {
        long h = destinationHigh * 31 + destinationLow;
        h = h * 31 + prefixLength;
        h = h * 31 + gatewayHigh;
        h = h * 31 + gatewayLow;
        h = h * 31 + nicId;
        h = h * 31 + metric;
        return Long.hashCode(h) ^ (ipv6 ? 1 : 0);
    }

    @Override
    public String toString() {
        String destination = ipv6 ? new Ipv6Address(destinationHigh, destinationLow).toString()
                : new Ipv4Address((int) destinationLow).toString();
        String via = !hasGateway ? "on-link"
                : "via " + (ipv6 ? new Ipv6Address(gatewayHigh, gatewayLow) : new Ipv4Address((int) gatewayLow));
        return destination + "/" + prefixLength + " " + via + " nic " + nicId + " metric " + metric;
    }
}
