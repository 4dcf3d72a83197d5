package org.netstack4j.network.fragment;

/** What a reassembler did with one submitted packet. */
public enum ReassemblyStatus {
    /** The datagram is whole: take it with {@code takeReassembled()}. */
    COMPLETE,
    /** Not a fragment: handed back unchanged through {@code takeReassembled()}. */
    NOT_FRAGMENTED,
    /** Kept; the datagram still misses fragments. */
    HELD,
    /** An exact copy of a fragment already held (same place, length, flag and bytes): dropped, harmlessly. */
    DUPLICATE,
    /** Overlapped data already held: the whole datagram was discarded (RFC 5722). */
    OVERLAP,
    /**
     * Contradicted what the datagram's other fragments said (a second, different end; data past the
     * end; ECN codepoints that cannot be merged, RFC 3168 section 5.3): the whole datagram was discarded.
     */
    INCONSISTENT,
    /** Would make the reassembled datagram longer than 65535 bytes: the fragment was dropped. */
    TOO_BIG,
    /** Not the last fragment, yet its length is not a multiple of 8: the fragment was dropped. */
    BAD_LENGTH,
    /** A fragment that is not the last and carries no data: dropped. */
    EMPTY,
    /** The datagram reached the configured number of fragments: it was discarded. */
    TOO_MANY_FRAGMENTS,
    /** The source's memory cap left no room even after evicting its older datagrams: dropped. */
    SOURCE_CAP,
    /** The global memory cap left no room even after evicting every older datagram: dropped. */
    MEMORY_CAP,
    /** The packet's headers could not be read as a fragment: dropped. */
    MALFORMED;

    /** True when the submitted packet was dropped or its datagram discarded. */
    public boolean isDrop() {
        return this != COMPLETE && this != NOT_FRAGMENTED && this != HELD;
    }
}
