package org.netstack4j.transport.tcp;

/**
 * The sender's SACK scoreboard and the loss-recovery rules of RFC 6675 over it: which bytes the receiver
 * holds, which are deemed lost (IsLost), the bytes in the network (SetPipe), and the next segment to send
 * during recovery (NextSeg). Sequence numbers are modulo 2^32; bytes are tracked as ranges, so the cost
 * depends on the number of holes, not on the window. Confined to the connection's shard; allocation-free.
 */
public final class SackScoreboard {
    /** DupThresh of RFC 6675 (and RFC 5681). */
    public static final int DUP_THRESH = 3;

    /** A scoreboard tracking at most {@code maxRanges} SACKed ranges (further blocks are ignored). */
    public SackScoreboard(int maxRanges) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Forgets everything (connection start, or after an RTO per RFC 6675 §5.1). */
    public void reset() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Records one SACK block from an ACK. Blocks outside {@code (sndUna, sndNxt]} — D-SACKs (RFC 2883) and
     * bogus ones — are ignored. Returns true when it SACKed bytes not SACKed before.
     */
    public boolean addBlock(int left, int right, int sndUna, int sndNxt) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The cumulative ACK moved to {@code sndUna}: drops everything below it. */
    public void advance(int sndUna) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Whether any byte is SACKed. */
    public boolean isEmpty() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Whether byte {@code seq} is SACKed. */
    public boolean isSacked(int seq) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Bytes SACKed above SND.UNA. */
    public long sackedBytes() {
        throw new UnsupportedOperationException("not yet");
    }

    /** One past the highest SACKed byte (valid when not empty). */
    public int highestSacked() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * RFC 6675 IsLost(seq): DupThresh discontiguous SACKed ranges above it, or more than
     * (DupThresh - 1) * SMSS bytes SACKed above it.
     */
    public boolean isLost(int seq, int mss) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * RFC 6675 SetPipe: the bytes in flight, counting every unSACKed byte in {@code [sndUna, sndNxt)} not
     * deemed lost, plus every byte at or below {@code highRxt} (retransmitted) again.
     */
    public long pipe(int sndUna, int sndNxt, int highRxt, int mss) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * RFC 6675 NextSeg rule (1): the first unSACKed sequence number above {@code highRxt} (and at or above
     * {@code sndUna}) whose byte IsLost, or -1... but -1 is a valid sequence number, so the result goes to
     * {@code out[0]} (start) and {@code out[1]} (length, at most {@code mss} and never into a SACKed range);
     * returns false when there is none. Rules (2)–(4) (new data, rescue retransmission) are the caller's.
     */
    public boolean nextLostSegment(int sndUna, int sndNxt, int highRxt, int mss, int[] out) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * NextSeg rule (3): the first unSACKed, not-lost sequence number above {@code highRxt} that is below
     * {@code sndNxt}, into {@code out} like {@link #nextLostSegment}; false when there is none.
     */
    public boolean nextUnsackedSegment(int sndUna, int sndNxt, int highRxt, int mss, int[] out) {
        throw new UnsupportedOperationException("not yet");
    }
}
