package org.netstack4j.tun.linux;

/** What a TUN/TAP device carries. */
public enum TunMode {
    /** {@code IFF_TUN}: bare IPv4/IPv6 packets, no link layer. */
    TUN,
    /** {@code IFF_TAP}: Ethernet frames. */
    TAP
}
