package org.netstack4j.transport.tcp;

import org.netstack4j.wire.SeqNum;

/**
 * What a sender learns from reordering: which retransmissions were spurious (D-SACK, RFC 2883 §4 with RFC
 * 3708), whether every retransmission of the last loss episode was (then its congestion response is undone),
 * the reordering degree seen (it raises the scoreboard's DupThresh, RFC 6675 §7), and time-based loss marking
 * once reordering was seen (RFC 8985's reordering window). One per connection, made at its first SACK block
 * or retransmission; confined to the shard; allocation-free after its first SACK.
 */
final class ReorderingTracker {
    /** Rises of the highest SACKed byte remembered for time-based loss marking (a power of two). */
    private static final int SACK_RISES = 16;
    /** reo_wnd_mult's bound: 8 min RTT; SRTT bounds the window anyway. */
    private static final int MAX_REO_WND_MULT = 32;
    /** The reordering window's floor: the timestamp clock's tick, below which SACK times are not meaningful. */
    private static final long MIN_REO_WND_NANOS = 1_000_000L;
    /** RFC 8985 §6.2 step 4: reo_wnd_mult back to 1 after this many episodes with nothing spurious. */
    private static final int EPISODES_TO_FORGET = 16;

    private final TcpConnection c;
    private final SackScoreboard scoreboard;
    private final RttEstimator rtt;
    /**
     * Data retransmitted above SND.UNA, whatever the episode: a SACK or ACK for a hole none of whose bytes
     * were retransmitted proves reordering, not a repair. Unknown (no such proof) while {@code rxtUnknown}.
     */
    private final SequenceRanges retransmitted = new SequenceRanges(32);
    private boolean rxtUnknown;
    private int rxtUnknownEnd;
    // The loss episode that may be undone (as Linux's undo): the last fast retransmit or timeout, its
    // retransmitted ranges, and the bytes it retransmitted not yet reported as duplicates.
    private final SequenceRanges episodeRetransmitted = new SequenceRanges(32);
    private boolean undoPossible;
    private boolean episodeByTimeout;
    private int undoMarker;
    private long undoRetransBytes;
    /** SACKed segments above the episode's first retransmitted segment when the ACK passed it (-1: not yet). */
    private int episodeDegree;
    /**
     * When the highest SACKed byte rose (oldest first, a ring), so that holes below a SACK older than the
     * reordering window are lost (RFC 8985 RACK, with the time a later segment was SACKed standing in for
     * the time it was sent: never earlier than RACK would). Allocated at the first SACK.
     */
    private long[] sackRiseTimes;
    private int[] sackRiseHighs;
    private int sackRiseHead;
    private int sackRiseCount;
    /** RFC 8985 reo_wnd_mult: grows with each spurious retransmission. */
    private int reoWndMult = 1;
    private int episodesSinceSpurious;
    /** Reordering was seen (DupThresh raised or a retransmission proved spurious): time-based marking is on. */
    private boolean reorderingSeen;

    ReorderingTracker(TcpConnection c, SackScoreboard scoreboard, RttEstimator rtt) {
        this.c = c;
        this.scoreboard = scoreboard;
        this.rtt = rtt;
    }

    /** A congestion response (fast retransmit or timeout) begins a new episode that D-SACKs may prove spurious. */
    void startEpisode(boolean byTimeout) {
        if (++episodesSinceSpurious >= EPISODES_TO_FORGET) {
            reoWndMult = 1;
        }
        undoPossible = true;
        episodeByTimeout = byTimeout;
        undoMarker = c.sndUna;
        undoRetransBytes = 0;
        episodeDegree = -1;
        episodeRetransmitted.clear();
    }

    /** Records a retransmission of {@code [start, start + len)} (and of a FIN, which no D-SACK reports). */
    void retransmitted(int start, int len, boolean fin) {
        recordRetransmission(start, len, fin);
        if (undoPossible) {
            undoRetransBytes += len + (fin ? 1 : 0);
            if (!episodeRetransmitted.add(start, start + len)) {
                undoPossible = false; // too scattered to follow
            }
        }
    }

    /**
     * Records a tail-loss probe's retransmission: not part of the current episode (the probe takes no
     * congestion response of its own), but a hole it fills was repaired, not reordered.
     */
    void probeRetransmitted(int start, int len, boolean fin) {
        recordRetransmission(start, len, fin);
    }

    /** Remembers {@code [start, start + len)} (and the FIN) as retransmitted, for {@link #holeFilled}. */
    private void recordRetransmission(int start, int len, boolean fin) {
        int end = start + len + (fin ? 1 : 0);
        if (!retransmitted.add(start, end) && !rxtUnknown) {
            rxtUnknown = true;
            rxtUnknownEnd = c.sndMax;
        } else if (rxtUnknown && SeqNum.gt(end, rxtUnknownEnd)) {
            rxtUnknownEnd = end;
        }
    }

    /**
     * The probe's retransmission of {@code [start, end)} was acknowledged without a D-SACK: it repaired a loss,
     * and its congestion response is an episode of its own, undone if a D-SACK shows the original arrived.
     */
    void probeEpisode(int start, int end) {
        startEpisode(false);
        undoMarker = start;
        undoRetransBytes = SeqNum.diff(end, start);
        episodeRetransmitted.add(start, end);
        episodeDegree = 0; // the tail segment: nothing sent after it overtook it
    }

    /**
     * A D-SACK for {@code [left, right)}: the peer got those bytes twice. When we retransmitted them in the
     * current episode the retransmission was spurious: counted, the reordering degree it shows raises
     * DupThresh, and the reordering window widens. Returns true when every byte the episode retransmitted was
     * reported so: the caller undoes the episode's congestion response.
     */
    boolean dsack(int left, int right) {
        c.ctx.count(TcpCounter.DSACKS_RECEIVED);
        if (!undoPossible || SeqNum.le(right, undoMarker)) {
            return false;
        }
        long bytes = episodeRetransmitted.bytesBetween(left, right);
        if (bytes == 0) {
            return false; // a duplicate the network made, or an old episode's
        }
        c.ctx.add(TcpCounter.SPURIOUS_RETRANSMITS, (bytes + c.effMss - 1) / c.effMss);
        reorderingSeen = true;
        episodesSinceSpurious = 0;
        reoWndMult = Math.min(reoWndMult + 1, MAX_REO_WND_MULT);
        if (!episodeByTimeout) {
            // The original arrived after the segments SACKed above it then: a reordering, not a loss.
            raiseDupThresh((episodeDegree >= 0 ? episodeDegree : sackedSegmentsAbove(right)) + 1);
        }
        undoRetransBytes -= bytes;
        if (undoRetransBytes > 0) {
            return false;
        }
        undoPossible = false;
        c.ctx.count(TcpCounter.CONGESTION_UNDOS);
        return true;
    }

    /** Whether the episode that {@link #dsack} just undid began with a timeout. */
    boolean undoneEpisodeByTimeout() {
        return episodeByTimeout;
    }

    /**
     * SACK or ACK newly covering (part of) {@code [from, to)}, below data SACKed before: unless some byte of it
     * was retransmitted, its original arrived after the data above it, and that many segments is the
     * reordering degree seen.
     */
    void holeFilled(int from, int to) {
        int lo = scoreboard.ranges().contiguousEnd(from);
        if (SeqNum.ge(lo, to) || rxtUnknown || retransmitted.bytesBetween(from, to) > 0) {
            return; // nothing new, or repaired by a retransmission (or maybe: unknown)
        }
        raiseDupThresh(sackedSegmentsAbove(lo) + 1);
    }

    /** The cumulative ACK is moving to {@code ack} (called before the scoreboard drops what is below it). */
    void acked(int ack) {
        if (undoPossible && episodeDegree < 0 && !episodeByTimeout && SeqNum.gt(ack, undoMarker)) {
            episodeDegree = sackedSegmentsAbove(undoMarker + 1);
        }
        retransmitted.removeBefore(ack);
        if (rxtUnknown && SeqNum.ge(ack, rxtUnknownEnd)) {
            rxtUnknown = false;
        }
    }

    /** The scoreboard was reset: the SACK times refer to nothing any more. */
    void scoreboardReset() {
        sackRiseCount = 0;
    }

    /**
     * After an ACK's SACK blocks: records a rise of the highest SACKed byte, then deems lost every hole below a
     * SACK older than the reordering window (a segment sent after the hole's was delivered, and the hole's
     * has not come within that window). Without it a DupThresh raised by heavy reordering would leave real
     * losses to the RTO.
     */
    void markLostByTime(long now) {
        if (scoreboard.isEmpty()) {
            sackRiseCount = 0;
            return;
        }
        if (sackRiseTimes == null) {
            sackRiseTimes = new long[SACK_RISES];
            sackRiseHighs = new int[SACK_RISES];
        }
        int high = scoreboard.highestSacked();
        int last = (sackRiseHead + sackRiseCount - 1) & (SACK_RISES - 1);
        if (sackRiseCount < SACK_RISES && (sackRiseCount == 0 || SeqNum.gt(high, sackRiseHighs[last]))) {
            int slot = (sackRiseHead + sackRiseCount) & (SACK_RISES - 1);
            sackRiseTimes[slot] = now;
            sackRiseHighs[slot] = high;
            sackRiseCount++;
        }
        long wnd = reoWnd();
        if (wnd < 0) {
            return;
        }
        while (sackRiseCount > 0 && now - sackRiseTimes[sackRiseHead] >= wnd) {
            if (SeqNum.gt(sackRiseHighs[sackRiseHead], c.sndUna)) {
                scoreboard.lostBefore(sackRiseHighs[sackRiseHead]);
            }
            sackRiseHead = (sackRiseHead + 1) & (SACK_RISES - 1);
            sackRiseCount--;
        }
    }

    /**
     * The reordering window: a quarter of the minimum RTT times reo_wnd_mult, at most SRTT (RFC 8985 §6.2
     * step 4), at least {@link #MIN_REO_WND_NANOS}; -1 (no time-based marking: DupThresh alone, as without
     * reordering) until reordering was seen, or without an RTT sample.
     */
    long reoWnd() {
        long min = rtt.minRtt();
        if (!reorderingSeen || !rtt.hasSample() || min <= 0 || min == Long.MAX_VALUE) {
            return -1;
        }
        return Math.max(MIN_REO_WND_NANOS, Math.min(min / 4 * reoWndMult, rtt.srtt()));
    }

    /** SACKed bytes at or above {@code seq}, in segments rounded up (at most the DupThresh bound). */
    private int sackedSegmentsAbove(int seq) {
        long bytes = scoreboard.ranges().bytesAtOrAfter(seq);
        return (int) Math.min(SackScoreboard.MAX_DUP_THRESH, (bytes + c.effMss - 1) / c.effMss);
    }

    private void raiseDupThresh(int segments) {
        int before = scoreboard.dupThresh();
        scoreboard.dupThresh(Math.max(before, segments));
        if (scoreboard.dupThresh() > before) {
            reorderingSeen = true;
            c.ctx.count(TcpCounter.REORDERING_RAISED);
        }
    }
}
