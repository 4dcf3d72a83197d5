package org.netstack4j.network.fragment;

/**
 * Event and drop counters of one reassembler, as plain fields: a reassembler is confined to one shard's
 * thread, which reads them for the stack's statistics.
 */
public final class ReassemblyCounters {
    long fragmentsReceived;
    long fragmentsHeld;
    long datagramsReassembled;
    long notFragmented;
    long duplicates;
    long overlaps;
    long inconsistent;
    long tooBig;
    long badLength;
    long empty;
    long tooManyFragments;
    long sourceCapDrops;
    long memoryCapDrops;
    long malformed;
    long timeouts;
    long evictedForSourceCap;
    long evictedForMemoryCap;
    long evictedForDatagramLimit;
    long fragmentsDropped;

    ReassemblyCounters() {
    }

    void count(ReassemblyStatus status) {
        switch (status) {
            case COMPLETE -> datagramsReassembled++;
            case NOT_FRAGMENTED -> notFragmented++;
            case HELD -> fragmentsHeld++;
            case DUPLICATE -> duplicates++;
            case OVERLAP -> overlaps++;
            case INCONSISTENT -> inconsistent++;
            case TOO_BIG -> tooBig++;
            case BAD_LENGTH -> badLength++;
            case EMPTY -> empty++;
            case TOO_MANY_FRAGMENTS -> tooManyFragments++;
            case SOURCE_CAP -> sourceCapDrops++;
            case MEMORY_CAP -> memoryCapDrops++;
            case MALFORMED -> malformed++;
        }
    }

    /** Fragments submitted (packets that were fragments, well-formed or not). */
    public long fragmentsReceived() {
        return fragmentsReceived;
    }

    /** Fragments kept to wait for the rest of their datagram. */
    public long fragmentsHeld() {
        return fragmentsHeld;
    }

    /** Datagrams reassembled and handed out. */
    public long datagramsReassembled() {
        return datagramsReassembled;
    }

    /** Packets submitted that were not fragments and were handed back unchanged. */
    public long notFragmented() {
        return notFragmented;
    }

    /** Drop reason: exact duplicate fragments. */
    public long duplicates() {
        return duplicates;
    }

    /** Datagrams discarded because a fragment overlapped another (RFC 5722). */
    public long overlaps() {
        return overlaps;
    }

    /** Datagrams discarded because their fragments contradicted each other. */
    public long inconsistent() {
        return inconsistent;
    }

    /** Drop reason: a fragment that would make the datagram exceed 65535 bytes. */
    public long tooBig() {
        return tooBig;
    }

    /** Drop reason: a non-last fragment whose length is not a multiple of 8. */
    public long badLength() {
        return badLength;
    }

    /** Drop reason: a non-last fragment without data. */
    public long empty() {
        return empty;
    }

    /** Datagrams discarded for having too many fragments. */
    public long tooManyFragments() {
        return tooManyFragments;
    }

    /** Drop reason: no room under the source's memory cap. */
    public long sourceCapDrops() {
        return sourceCapDrops;
    }

    /** Drop reason: no room under the global memory cap. */
    public long memoryCapDrops() {
        return memoryCapDrops;
    }

    /** Drop reason: headers that could not be read as a fragment. */
    public long malformed() {
        return malformed;
    }

    /** Datagrams discarded because their time ran out. */
    public long timeouts() {
        return timeouts;
    }

    /** Older datagrams of a source evicted to make room under its cap. */
    public long evictedForSourceCap() {
        return evictedForSourceCap;
    }

    /** Older datagrams evicted to make room under the global memory cap. */
    public long evictedForMemoryCap() {
        return evictedForMemoryCap;
    }

    /** Oldest datagrams evicted because the number of pending datagrams hit its limit. */
    public long evictedForDatagramLimit() {
        return evictedForDatagramLimit;
    }

    /** Fragments dropped for any reason, those of discarded, evicted and timed-out datagrams included. */
    public long fragmentsDropped() {
        return fragmentsDropped;
    }

    @Override
    public String toString() {
        return "ReassemblyCounters[received=" + fragmentsReceived + ", reassembled=" + datagramsReassembled
                + ", notFragmented=" + notFragmented + ", duplicates=" + duplicates + ", overlaps=" + overlaps
                + ", inconsistent=" + inconsistent + ", tooBig=" + tooBig + ", badLength=" + badLength
                + ", empty=" + empty + ", tooManyFragments=" + tooManyFragments + ", sourceCap=" + sourceCapDrops
                + ", memoryCap=" + memoryCapDrops + ", malformed=" + malformed + ", timeouts=" + timeouts
                + ", evicted[source=" + evictedForSourceCap + ", memory=" + evictedForMemoryCap
                + ", limit=" + evictedForDatagramLimit + "], fragmentsDropped=" + fragmentsDropped + "]";
    }
}
