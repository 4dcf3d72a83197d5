package org.netstack4j.stack;

import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

/**
 * An address of a NIC with its prefix length ({@code 10.0.0.1/24}, {@code fd00::1/64}). An IPv4 address
 * is held in the low 32 bits of {@code low}, with {@code high} 0.
 *
 * @param ipv6         true for an IPv6 address
 * @param high         high 64 bits (0 for IPv4)
 * @param low          low 64 bits (for IPv4, the address as an unsigned 32-bit value)
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record InterfaceAddress(boolean ipv6, long high, long low, int prefixLength) {

    /** @throws IllegalArgumentException if the prefix length does not fit the family */
    public InterfaceAddress {
        if (prefixLength < 0 || prefixLength > (ipv6 ? 128 : 32)) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
        }
        if (!ipv6) {
            high = 0;
            low &= 0xffff_ffffL;
        }
    }

    /** An IPv4 address with a prefix. */
    public static InterfaceAddress of(Ipv4Address address, int prefixLength) {
        return new InterfaceAddress(false, 0, address.value() & 0xffff_ffffL, prefixLength);
    }

    /** An IPv6 address with a prefix. */
    public static InterfaceAddress of(Ipv6Address address, int prefixLength) {
        return new InterfaceAddress(true, address.high(), address.low(), prefixLength);
    }

    /**
     * Parses {@code a.b.c.d/n} or {@code x::y/n}; without {@code /n} the prefix is the full length.
     *
     * @throws IllegalArgumentException if the text is not an address
     */
    public static InterfaceAddress parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        boolean v6 = address.indexOf(':') >= 0;
        int prefix;
        try {
            prefix = slash < 0 ? (v6 ? 128 : 32) : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + text, e);
        }
        return v6 ? of(Ipv6Address.parse(address), prefix) : of(Ipv4Address.parse(address), prefix);
    }

    /** The IPv4 address as a raw {@code int}. */
    public int ipv4() {
        return (int) low;
    }

    /** The IPv4 address. */
    public Ipv4Address ipv4Address() {
        return new Ipv4Address((int) low);
    }

    /** The IPv6 address. */
    public Ipv6Address ipv6Address() {
        return new Ipv6Address(high, low);
    }

    /** The IPv4 netmask as a raw {@code int}. */
    public int ipv4Mask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** True when the IPv4 address {@code a} is in this address's subnet. */
    public boolean coversIpv4(int a) {
        return !ipv6 && ((a ^ ipv4()) & ipv4Mask()) == 0;
    }

    /** The subnet's directed broadcast address (meaningful for prefixes shorter than 31). */
    public int ipv4Broadcast() {
        return ipv4() | ~ipv4Mask();
    }

    /** True when the IPv6 address {@code (h, l)} is in this address's prefix. */
    public boolean coversIpv6(long h, long l) {
        if (!ipv6) {
            return false;
        }
        long mh = prefixLength == 0 ? 0 : prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
        long ml = prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
        return ((h ^ high) & mh) == 0 && ((l ^ low) & ml) == 0;
    }

    /** The prefix itself: the address with the host bits cleared ({@code 10.0.0.0/24} for {@code 10.0.0.1/24}). */
    public InterfaceAddress network() {
        if (!ipv6) {
            return new InterfaceAddress(false, 0, (ipv4() & ipv4Mask()) & 0xffff_ffffL, prefixLength);
        }
        long mh = prefixLength == 0 ? 0 : prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
        long ml = prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
        return new InterfaceAddress(true, high & mh, low & ml, prefixLength);
    }

    @Override
    public String toString() {
        return (ipv6 ? ipv6Address().toString() : ipv4Address().toString()) + "/" + prefixLength;
    }
}
