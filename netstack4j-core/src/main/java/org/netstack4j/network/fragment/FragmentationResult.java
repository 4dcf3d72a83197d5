package org.netstack4j.network.fragment;

/** What a fragmenter did with a packet. */
public enum FragmentationResult {
    /** The packet was cut; the fragments went to the sink and the fragmenter consumed the packet. */
    FRAGMENTED,
    /** The packet fits the MTU: the caller still owns it and sends it as it is. */
    NOT_NEEDED,
    /**
     * IPv4 with Don't Fragment set and larger than the MTU: the caller still owns it, and answers with an
     * ICMP fragmentation needed carrying the MTU (or, for its own packets, lowers the path MTU).
     */
    NEEDS_FRAGMENTATION,
    /** The MTU cannot carry a fragment (below 68 for IPv4, below 1280 for IPv6, or headers too long): caller keeps it. */
    MTU_TOO_SMALL,
    /** The packet's headers could not be read (or it already carries an IPv6 fragment header): caller keeps it. */
    MALFORMED,
    /** A segmentation-offload super-packet: segment it, do not fragment it. The caller keeps it. */
    GSO_NOT_SUPPORTED
}
