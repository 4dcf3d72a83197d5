package org.netstack4j.network.ndp;

/** States of one of our IPv6 addresses (RFC 4862 section 5.4). */
public enum AddressState {
    /** Duplicate address detection is running: not yet usable as a source, not answered for. */
    TENTATIVE,
    /** Assigned: used as a source and defended. */
    PREFERRED
}
