package org.netstack4j.transport.tcp;

/**
 * A small sorted set of disjoint, non-adjacent sequence-number ranges {@code [start, end)} compared modulo
 * 2^32 (all ranges lie within 2^31 of each other). One data structure for two jobs: the receiver's record of
 * out-of-order data it holds (its SACK blocks, RFC 2018) and the sender's SACK scoreboard (RFC 6675).
 * Bounded: at most {@code maxRanges} ranges; allocation-free after construction. Not thread-safe.
 */
public final class SequenceRanges {

    /** An empty set holding at most {@code maxRanges} ranges. */
    public SequenceRanges(int maxRanges) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Adds {@code [start, end)}, merging with overlapping or adjacent ranges. Returns false, changing
     * nothing, when it would need more than the maximum number of ranges (an empty range is a no-op: true).
     */
    public boolean add(int start, int end) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Removes everything before {@code seq} (cutting a range that spans it). */
    public void removeBefore(int seq) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Removes every range. */
    public void clear() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Number of ranges. */
    public int count() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Start of range {@code i} (in ascending sequence order). */
    public int start(int i) {
        throw new UnsupportedOperationException("not yet");
    }

    /** End (exclusive) of range {@code i}. */
    public int end(int i) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Whether {@code seq} lies in a range. */
    public boolean contains(int seq) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The end of the range containing {@code seq}, or {@code seq} itself when none does. */
    public int contiguousEnd(int seq) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Total bytes covered. */
    public long totalBytes() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Bytes covered at or after {@code seq}. */
    public long bytesAtOrAfter(int seq) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Number of ranges lying entirely at or after {@code seq}. */
    public int rangesAtOrAfter(int seq) {
        throw new UnsupportedOperationException("not yet");
    }
}
