package org.netstack4j.wire;

/**
 * Assigned Internet protocol numbers (IANA "Protocol Numbers" registry): the IPv4 protocol field and the
 * IPv6 next-header field draw from the same registry, so both headers' constants refer to these.
 */
public final class IpProtocol {
    /** IPv6 hop-by-hop options (RFC 8200 section 4.3); only valid right after the IPv6 header. */
    public static final int HOP_BY_HOP = 0;
    /** ICMP for IPv4 (RFC 792). */
    public static final int ICMP = 1;
    /** IGMP (RFC 3376). */
    public static final int IGMP = 2;
    /** TCP (RFC 9293). */
    public static final int TCP = 6;
    /** UDP (RFC 768). */
    public static final int UDP = 17;
    /** Datagram Congestion Control Protocol (RFC 4340); ports where TCP and UDP have them. */
    public static final int DCCP = 33;
    /** IPv6 routing header (RFC 8200 section 4.4). */
    public static final int ROUTING = 43;
    /** IPv6 fragment header (RFC 8200 section 4.5). */
    public static final int FRAGMENT = 44;
    /** Encapsulating Security Payload (RFC 4303). */
    public static final int ESP = 50;
    /** Authentication Header (RFC 4302). */
    public static final int AUTHENTICATION = 51;
    /** ICMPv6 (RFC 4443). */
    public static final int ICMPV6 = 58;
    /** No next header (RFC 8200 section 4.7). */
    public static final int NO_NEXT_HEADER = 59;
    /** IPv6 destination options (RFC 8200 section 4.6). */
    public static final int DESTINATION_OPTIONS = 60;

    /** Stream Control Transmission Protocol (RFC 9260); ports where TCP and UDP have them. */
    public static final int SCTP = 132;
    /** UDP-Lite (RFC 3828); the UDP header layout. */
    public static final int UDP_LITE = 136;

    private IpProtocol() {
    }
}
