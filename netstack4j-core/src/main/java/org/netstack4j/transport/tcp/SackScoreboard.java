package org.netstack4j.transport.tcp;

import static org.netstack4j.transport.tcp.SequenceRanges.atOrBefore;
import static org.netstack4j.transport.tcp.SequenceRanges.before;
import static org.netstack4j.transport.tcp.SequenceRanges.seqMax;
import static org.netstack4j.transport.tcp.SequenceRanges.seqMin;

/**
 * The sender's SACK scoreboard and the loss-recovery rules of RFC 6675 over it: which bytes the receiver
 * holds, which are deemed lost (IsLost), the bytes in the network (SetPipe), and the next segment to send
 * during recovery (NextSeg). Sequence numbers are modulo 2^32; bytes are tracked as ranges, so the cost
 * depends on the number of holes, not on the window. Confined to the connection's shard; allocation-free.
 *
 * <p>{@code highRxt} is RFC 6675's HighRxt: the highest sequence number retransmitted in the current
 * recovery, inclusive — so {@code sndUna - 1} when nothing was retransmitted yet.
 *
 * <p>Why the loss rules are cheap: IsLost of an unSACKed byte only grows as the byte moves down (more
 * SACKed ranges and bytes lie above it), so the lost unSACKed bytes are exactly those below the start of
 * one SACKed range — the third-highest range, or the range where the SACKed bytes counted from the top
 * first exceed (DupThresh - 1) * SMSS, whichever is higher.
 */
public final class SackScoreboard {
    /** DupThresh of RFC 6675 (and RFC 5681): the threshold a connection starts with. */
    public static final int DUP_THRESH = 3;
    /**
     * The highest DupThresh reordering may raise it to, in segments. Linux bounds its reordering degree at
     * 300 (tcp_max_reordering); 127 keeps a little more of fast retransmit's speed on windows of a few
     * hundred segments while covering the reordering of Wi-Fi, LTE and multipath links.
     */
    public static final int MAX_DUP_THRESH = 127;

    private final SequenceRanges sacked;
    private long ignoredBlocks;
    private int dupThresh = DUP_THRESH;
    /** Every unSACKed byte below {@code timeLostEnd} is lost by time (when {@code timeLost}). */
    private boolean timeLost;
    private int timeLostEnd;

    /** A scoreboard tracking at most {@code maxRanges} SACKed ranges (further blocks are ignored). */
    public SackScoreboard(int maxRanges) {
        sacked = new SequenceRanges(maxRanges);
    }

    /** The DupThresh the loss rules use, in segments ({@link #DUP_THRESH} unless reordering raised it). */
    public int dupThresh() {
        return dupThresh;
    }

    /**
     * Sets DupThresh to {@code segments}, bounded to {@code [DUP_THRESH, MAX_DUP_THRESH]}: the reordering
     * degree the connection has seen (RFC 6675 §7 allows an adaptive DupThresh). Kept by {@link #reset()}.
     */
    public void dupThresh(int segments) {
        dupThresh = Math.max(DUP_THRESH, Math.min(MAX_DUP_THRESH, segments));
    }

    /**
     * Deems every unSACKed byte below {@code seq} lost, whatever DupThresh says: the sender saw data above
     * them SACKed longer ago than its reordering window (RFC 8985's idea, {@code seq} being at most the
     * highest SACKed byte then). Only moves up; {@link #reset()} and an {@link #advance} past it clear it.
     */
    public void lostBefore(int seq) {
        if (!timeLost || before(timeLostEnd, seq)) {
            timeLost = true;
            timeLostEnd = seq;
        }
    }

    /** Forgets everything (connection start, or after an RTO per RFC 6675 §5.1). */
    public void reset() {
        sacked.clear();
        timeLost = false;
    }

    /**
     * Records one SACK block from an ACK. Blocks outside {@code (sndUna, sndNxt]} — D-SACKs (RFC 2883) and
     * bogus ones — are ignored. Returns true when it SACKed bytes not SACKed before.
     *
     * <p>Precisely: a block {@code [left, right)} is taken when {@code sndUna <= left < right <= sndNxt};
     * one that would need more than the maximum number of ranges is dropped (counted in
     * {@link #ignoredBlocks()}); so is an out-of-window one. A D-SACK inside the window (a duplicate of
     * SACKed data) adds nothing and returns false.
     */
    public boolean addBlock(int left, int right, int sndUna, int sndNxt) {
        if (atOrBefore(right, left) || before(left, sndUna) || before(sndNxt, right)) {
            ignoredBlocks++;
            return false;
        }
        long before = sacked.bytesBetween(left, right);
        if (before == Integer.toUnsignedLong(right - left)) {
            return false; // already all SACKed (or a D-SACK of SACKed data)
        }
        if (!sacked.add(left, right)) {
            ignoredBlocks++;
            return false;
        }
        return true;
    }

    /** Blocks dropped as out of window, malformed, or over the range bound. */
    public long ignoredBlocks() {
        return ignoredBlocks;
    }

    /** The cumulative ACK moved to {@code sndUna}: drops everything below it. */
    public void advance(int sndUna) {
        sacked.removeBefore(sndUna);
        if (timeLost && atOrBefore(timeLostEnd, sndUna)) {
            timeLost = false;
        }
    }

    /** Whether any byte is SACKed. */
    public boolean isEmpty() {
        return sacked.count() == 0;
    }

    /** Whether byte {@code seq} is SACKed. */
    public boolean isSacked(int seq) {
        return sacked.contains(seq);
    }

    /** Bytes SACKed above SND.UNA. */
    public long sackedBytes() {
        return sacked.totalBytes();
    }

    /** One past the highest SACKed byte (valid when not empty). */
    public int highestSacked() {
        int n = sacked.count();
        return n == 0 ? 0 : sacked.end(n - 1);
    }

    /** The SACKed ranges, in ascending order (read-only use: the receiver's view of our data). */
    public SequenceRanges ranges() {
        return sacked;
    }

    /**
     * RFC 6675 IsLost(seq) with this scoreboard's {@link #dupThresh()}: DupThresh discontiguous SACKed
     * ranges above it, or more than (DupThresh - 1) * SMSS bytes SACKed above it; or an unSACKed byte below
     * the {@link #lostBefore} mark.
     */
    public boolean isLost(int seq, int mss) {
        int above = seq + 1;
        return (timeLost && before(seq, timeLostEnd) && !sacked.contains(seq))
                || sacked.rangesAtOrAfter(above) >= dupThresh
                || sacked.bytesAtOrAfter(above) > (long) (dupThresh - 1) * mss;
    }

    /**
     * The index of the SACKed range below whose start every unSACKed byte IsLost (and none above), or -1
     * when no unSACKed byte is lost.
     */
    private int lostBelowRange(int mss) {
        int n = sacked.count();
        long threshold = (long) (dupThresh - 1) * mss;
        long above = 0;
        int byBytes = -1;
        for (int i = n - 1; i >= 0; i--) {
            above += Integer.toUnsignedLong(sacked.end(i) - sacked.start(i));
            if (above > threshold) {
                byBytes = i;
                break;
            }
        }
        return Math.max(byBytes, n - dupThresh);
    }

    /**
     * The first sequence number at or above which no unSACKed byte IsLost: {@code from} itself when no
     * unSACKed byte at or above {@code from} is lost.
     */
    private int lostLimit(int from, int mss) {
        int k = lostBelowRange(mss);
        int limit = k < 0 ? from : seqMax(from, sacked.start(k));
        return timeLost ? seqMax(limit, timeLostEnd) : limit;
    }

    /**
     * RFC 6675 SetPipe: the bytes in flight, counting every unSACKed byte in {@code [sndUna, sndNxt)} not
     * deemed lost, plus every byte at or below {@code highRxt} (retransmitted) again.
     */
    public long pipe(int sndUna, int sndNxt, int highRxt, int mss) {
        if (atOrBefore(sndNxt, sndUna)) {
            return 0;
        }
        int lostEnd = seqMin(lostLimit(sndUna, mss), sndNxt); // unSACKed bytes below are lost
        long notLost = unsacked(lostEnd, sndNxt);
        int rxtEnd = seqMin(seqMax(highRxt + 1, sndUna), sndNxt);
        return notLost + unsacked(sndUna, rxtEnd);
    }

    private long unsacked(int from, int to) {
        if (atOrBefore(to, from)) {
            return 0;
        }
        return Integer.toUnsignedLong(to - from) - sacked.bytesBetween(from, to);
    }

    /**
     * RFC 6675 NextSeg rule (1): the first unSACKed sequence number above {@code highRxt} (and at or above
     * {@code sndUna}) whose byte IsLost, or -1... but -1 is a valid sequence number, so the result goes to
     * {@code out[0]} (start) and {@code out[1]} (length, at most {@code mss} and never into a SACKed range);
     * returns false when there is none. Rules (2)–(4) (new data, rescue retransmission) are the caller's.
     */
    public boolean nextLostSegment(int sndUna, int sndNxt, int highRxt, int mss, int[] out) {
        int from = firstUnsacked(seqMax(highRxt + 1, sndUna));
        int limit = seqMin(lostLimit(from, mss), sndNxt);
        return segment(from, limit, mss, out);
    }

    /**
     * NextSeg rule (3): the first unSACKed, not-lost sequence number above {@code highRxt} that is below
     * {@code sndNxt}, into {@code out} like {@link #nextLostSegment}; false when there is none.
     *
     * <p>As RFC 6675 (1.b) requires, the byte must also lie below the highest SACKed byte: data above every
     * SACK has shown no sign of loss, and sending it again is rule (4)'s rescue retransmission, not rule (3).
     */
    public boolean nextUnsackedSegment(int sndUna, int sndNxt, int highRxt, int mss, int[] out) {
        if (sacked.count() == 0) {
            return false;
        }
        int from = firstUnsacked(lostLimit(seqMax(highRxt + 1, sndUna), mss));
        int limit = seqMin(highestSacked(), sndNxt);
        return segment(from, limit, mss, out);
    }

    /** The first unSACKed sequence number at or after {@code seq}. */
    private int firstUnsacked(int seq) {
        return sacked.contiguousEnd(seq); // ranges are non-adjacent: a range's end is unSACKed
    }

    /** One segment of up to {@code mss} bytes from unSACKed {@code from}, below {@code limit} and the next SACKed range. */
    private boolean segment(int from, int limit, int mss, int[] out) {
        if (atOrBefore(limit, from)) {
            return false;
        }
        int i = sacked.firstEndingAfter(from);
        int end = i < sacked.count() ? seqMin(limit, sacked.start(i)) : limit;
        out[0] = from;
        out[1] = (int) Math.min(mss, Integer.toUnsignedLong(end - from));
        return true;
    }
}
