package org.netstack4j.link.gso;

/** Why {@link GsoSegmenter#prepare} refused a super-packet, or {@link #OK}. */
public enum GsoResult {
    /** The super-packet can be segmented. */
    OK,
    /** Its IP or TCP headers do not parse ({@link GsoSegmenter#parseResult()} says how). */
    MALFORMED_HEADERS,
    /** The GSO type is not TCP over IPv4 or IPv6 (UDP segmentation is not offered), or does not match the IP version. */
    UNSUPPORTED_TYPE,
    /** The transport is not TCP. */
    NOT_TCP,
    /** The packet is an IP fragment. */
    FRAGMENT,
    /** The segment carries SYN, which is never segmented (a SYN's data must fit one segment). */
    SYN,
    /** The GSO size (payload bytes per segment) is not positive. */
    BAD_GSO_SIZE,
    /**
     * An IPv6 routing header with segments left: the TCP checksum's pseudo-header would need the final
     * destination from inside it.
     */
    ROUTING_HEADER
}
