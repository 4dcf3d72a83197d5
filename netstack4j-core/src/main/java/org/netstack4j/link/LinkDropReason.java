package org.netstack4j.link;

/** Why a link endpoint dropped a packet; every drop is counted under exactly one reason. */
public enum LinkDropReason {
    /**
     * Inbound: too short for its link header or for the minimal network header its version names
     * (zero-length, one byte, a truncated Ethernet header or VLAN tag). Outbound: an empty packet, a
     * partial-checksum mark outside the packet, or a GSO super-packet that cannot be segmented
     * (headers that do not parse, not TCP, a fragment, SYN).
     */
    MALFORMED,
    /** Longer than the MTU (plus link header) allows, and not a GSO super-packet within its limit. */
    OVERSIZED,
    /**
     * Inbound in IP mode: a version nibble other than 4 or 6; in Ethernet mode an 802.3 length frame or
     * a VLAN-tagged frame. Outbound: no EtherType given and a version nibble other than 4 or 6.
     */
    UNKNOWN_PROTOCOL,
    /** Inbound while no dispatcher is attached. */
    NO_DISPATCHER,
    /** The dispatcher threw; the packet is lost with it. */
    DISPATCHER_ERROR,
    /** Outbound: the channel had no room (a full ring or queue). */
    CHANNEL_FULL,
    /** Outbound after the endpoint or its channel closed. */
    CLOSED,
    /** Outbound: the channel failed to send (an I/O error other than being full or closed). */
    DEVICE_ERROR,
    /** Outbound in Ethernet mode: the packet has no remote link address to send the frame to. */
    UNRESOLVED,
    /** Outbound: too little headroom in front of the packet for the link header. */
    NO_HEADROOM
}
