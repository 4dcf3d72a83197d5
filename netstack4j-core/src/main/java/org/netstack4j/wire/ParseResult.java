package org.netstack4j.wire;

/**
 * The outcome of a checked {@code wrap} of a wire view: {@link #OK}, or the reason the bytes were
 * rejected. Later layers count rejections by this reason as drops, so every constant names one
 * concrete defect.
 *
 * <p>Constants are grouped by protocol; add new ones inside their protocol's group.
 */
public enum ParseResult {
    /** The bytes form a well-formed header; every accessor of the view is now safe. */
    OK,

    // --- generic -------------------------------------------------------------------------------
    /** Fewer bytes than the fixed part of the header. */
    TRUNCATED,
    /** A length field points past the bytes that are available. */
    LENGTH_EXCEEDS_BUFFER,

    // --- Ethernet / 802.1Q / ARP ----------------------------------------------------------------
    /** An 802.1Q tag is present but the frame ends inside it. */
    ETHERNET_TRUNCATED_VLAN_TAG,
    /** ARP hardware type/length or protocol type/length is not Ethernet/IPv4. */
    ARP_UNSUPPORTED_FORMAT,

    // --- IPv4 -----------------------------------------------------------------------------------
    /** Version nibble is not 4. */
    IPV4_BAD_VERSION,
    /** IHL below 5 words or beyond the available bytes. */
    IPV4_BAD_IHL,
    /** Total length below the header length or beyond the available bytes. */
    IPV4_BAD_TOTAL_LENGTH,
    /** An option's length byte is below 2 or runs past the header. */
    IPV4_BAD_OPTION_LENGTH,

    // --- IPv6 -----------------------------------------------------------------------------------
    /** Version nibble is not 6. */
    IPV6_BAD_VERSION,
    /** Payload length runs past the available bytes. */
    IPV6_BAD_PAYLOAD_LENGTH,
    /** An extension header's length runs past the packet. */
    IPV6_BAD_EXTENSION_LENGTH,
    /** More extension headers than the walker accepts (a loop or an attack). */
    IPV6_TOO_MANY_EXTENSIONS,
    /** Hop-by-hop options header somewhere other than first (RFC 8200 section 4.1). */
    IPV6_MISPLACED_HOP_BY_HOP,
    /** An option inside hop-by-hop/destination options runs past its header. */
    IPV6_BAD_OPTION_LENGTH,

    // --- ICMPv4 / ICMPv6 / NDP -------------------------------------------------------------------
    /** The message is shorter than its type requires. */
    ICMP_TRUNCATED_MESSAGE,
    /** An NDP option has length 0 or runs past the message (RFC 4861 section 4.6). */
    NDP_BAD_OPTION_LENGTH,

    // --- UDP ------------------------------------------------------------------------------------
    /** UDP length below 8 or beyond the available bytes. */
    UDP_BAD_LENGTH,

    // --- TCP ------------------------------------------------------------------------------------
    /** Data offset below 5 words or beyond the available bytes. */
    TCP_BAD_DATA_OFFSET,
    /** An option's length byte is below 2, runs past the header, or does not fit its kind. */
    TCP_BAD_OPTION_LENGTH;

    /** True for {@link #OK}. */
    public boolean isOk() {
        return this == OK;
    }
}
