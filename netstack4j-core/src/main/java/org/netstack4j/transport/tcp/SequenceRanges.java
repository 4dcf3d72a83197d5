package org.netstack4j.transport.tcp;

/**
 * A small sorted set of disjoint, non-adjacent sequence-number ranges {@code [start, end)} compared modulo
 * 2^32 (all ranges lie within 2^31 of each other). One data structure for two jobs: the receiver's record of
 * out-of-order data it holds (its SACK blocks, RFC 2018) and the sender's SACK scoreboard (RFC 6675).
 * Bounded: at most {@code maxRanges} ranges; the arrays are allocated when the first range is added (most
 * connections never see reordering or SACK, and two sets of 32 ranges were a quarter of an idle connection's
 * heap), allocation-free after that. Not thread-safe.
 */
public final class SequenceRanges {
    private static final int[] NONE = new int[0];
    private final int maxRanges;
    // Parallel arrays in ascending sequence order; slots [0, count) are live. Empty until the first add.
    private int[] starts = NONE;
    private int[] ends = NONE;
    private int count;

    /** An empty set holding at most {@code maxRanges} ranges. */
    public SequenceRanges(int maxRanges) {
        if (maxRanges <= 0) {
            throw new IllegalArgumentException("maxRanges must be positive: " + maxRanges);
        }
        this.maxRanges = maxRanges;
    }

    /** {@code a < b} modulo 2^32 (RFC 793 sequence comparison). */
    static boolean before(int a, int b) {
        return a - b < 0;
    }

    /** {@code a <= b} modulo 2^32. */
    static boolean atOrBefore(int a, int b) {
        return a - b <= 0;
    }

    /** The larger of two sequence numbers modulo 2^32. */
    static int seqMax(int a, int b) {
        return before(a, b) ? b : a;
    }

    /** The smaller of two sequence numbers modulo 2^32. */
    static int seqMin(int a, int b) {
        return before(a, b) ? a : b;
    }

    /** The most ranges this set holds. */
    public int capacity() {
        return maxRanges;
    }

    /**
     * Adds {@code [start, end)}, merging with overlapping or adjacent ranges. Returns false, changing
     * nothing, when it would need more than the maximum number of ranges (an empty range is a no-op: true).
     * A range with {@code end} before {@code start} counts as empty.
     */
    public boolean add(int start, int end) {
        if (atOrBefore(end, start)) {
            return true;
        }
        if (starts == NONE) {
            starts = new int[maxRanges];
            ends = new int[maxRanges];
        }
        int first = firstEndingAtOrAfter(start); // first range touching or after start
        int last = first; // one past the last range touching [start, end]
        while (last < count && atOrBefore(starts[last], end)) {
            last++;
        }
        int merged = last - first;
        if (merged == 0 && count == starts.length) {
            return false;
        }
        int newStart = merged == 0 ? start : seqMin(start, starts[first]);
        int newEnd = merged == 0 ? end : seqMax(end, ends[last - 1]);
        int shift = 1 - merged; // how far the ranges from 'last' on move
        if (shift != 0 && last < count) {
            System.arraycopy(starts, last, starts, last + shift, count - last);
            System.arraycopy(ends, last, ends, last + shift, count - last);
        }
        count += shift;
        starts[first] = newStart;
        ends[first] = newEnd;
        return true;
    }

    /** Removes everything before {@code seq} (cutting a range that spans it). */
    public void removeBefore(int seq) {
        int drop = 0;
        while (drop < count && atOrBefore(ends[drop], seq)) {
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(starts, drop, starts, 0, count - drop);
            System.arraycopy(ends, drop, ends, 0, count - drop);
            count -= drop;
        }
        if (count > 0 && before(starts[0], seq)) {
            starts[0] = seq;
        }
    }

    /** Removes every range. */
    public void clear() {
        count = 0;
    }

    /** Number of ranges. */
    public int count() {
        return count;
    }

    /** Start of range {@code i} (in ascending sequence order). */
    public int start(int i) {
        checkIndex(i);
        return starts[i];
    }

    /** End (exclusive) of range {@code i}. */
    public int end(int i) {
        checkIndex(i);
        return ends[i];
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("range " + i + " of " + count);
        }
    }

    /** Whether {@code seq} lies in a range. */
    public boolean contains(int seq) {
        int i = firstEndingAfter(seq);
        return i < count && atOrBefore(starts[i], seq);
    }

    /** The end of the range containing {@code seq}, or {@code seq} itself when none does. */
    public int contiguousEnd(int seq) {
        int i = firstEndingAfter(seq);
        return i < count && atOrBefore(starts[i], seq) ? ends[i] : seq;
    }

    /** Total bytes covered. */
    public long totalBytes() {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += Integer.toUnsignedLong(ends[i] - starts[i]);
        }
        return total;
    }

    /** Bytes covered at or after {@code seq}. */
    public long bytesAtOrAfter(int seq) {
        long total = 0;
        for (int i = count - 1; i >= 0 && before(seq, ends[i]); i--) {
            total += Integer.toUnsignedLong(ends[i] - seqMax(starts[i], seq));
        }
        return total;
    }

    /** Bytes covered within {@code [from, to)} (0 when {@code to} is not after {@code from}). */
    public long bytesBetween(int from, int to) {
        if (atOrBefore(to, from)) {
            return 0;
        }
        long total = 0;
        for (int i = firstEndingAfter(from); i < count && before(starts[i], to); i++) {
            total += Integer.toUnsignedLong(seqMin(ends[i], to) - seqMax(starts[i], from));
        }
        return total;
    }

    /** Number of ranges lying entirely at or after {@code seq}. */
    public int rangesAtOrAfter(int seq) {
        int n = 0;
        for (int i = count - 1; i >= 0 && atOrBefore(seq, starts[i]); i--) {
            n++;
        }
        return n;
    }

    /**
     * Index of the first range ending after {@code seq} (so containing it or lying wholly after it), or
     * {@link #count()} when none does.
     */
    public int firstEndingAfter(int seq) {
        int lo = 0;
        int hi = count;
        while (lo < hi) { // ends ascend, so binary search on "end > seq"
            int mid = (lo + hi) >>> 1;
            if (before(seq, ends[mid])) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Index of the first range ending at or after {@code seq} (touching or after it), or {@link #count()}. */
    private int firstEndingAtOrAfter(int seq) {
        return firstEndingAfter(seq - 1);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("SequenceRanges[");
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : ", ").append('[').append(Integer.toUnsignedString(starts[i])).append(", ")
                    .append(Integer.toUnsignedString(ends[i])).append(')');
        }
        return b.append(']').toString();
    }
}
