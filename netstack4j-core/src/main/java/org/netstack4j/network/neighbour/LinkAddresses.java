package org.netstack4j.network.neighbour;

/**
 * Ethernet addresses derived from IP addresses: the multicast mappings of RFC 1112 section 6.4 and
 * RFC 2464 section 7, and the modified EUI-64 interface identifier of RFC 4291 appendix A. Addresses are
 * 48-bit MACs in the low bits of a {@code long}.
 */
public final class LinkAddresses {
    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = 0xffff_ffff_ffffL;

    private LinkAddresses() {
    }

    /** The Ethernet group for an IPv4 multicast group: 01:00:5e and the group's low 23 bits. */
    public static long ipv4Multicast(int group) {
        return 0x0100_5e00_0000L | (group & 0x7f_ffffL);
    }

    /** The Ethernet group for an IPv6 multicast address: 33:33 and the address's low 32 bits. */
    public static long ipv6Multicast(long low) {
        return 0x3333_0000_0000L | (low & 0xffff_ffffL);
    }

    /**
     * The modified EUI-64 interface identifier of a MAC (RFC 4291 appendix A): ff:fe inserted in the
     * middle and the universal/local bit inverted; the low 64 bits of an address such as the link-local
     * {@code fe80::/64} one.
     */
    public static long interfaceIdentifier(long mac) {
        long upper = (mac >>> 24) & 0xff_ffffL;
        long lower = mac & 0xff_ffffL;
        return ((upper << 40) | 0xff_fe00_0000L | lower) ^ 0x0200_0000_0000_0000L;
    }

    /** High 64 bits of every link-local address built here ({@code fe80::/64}). */
    public static final long LINK_LOCAL_PREFIX = 0xfe80_0000_0000_0000L;
}
