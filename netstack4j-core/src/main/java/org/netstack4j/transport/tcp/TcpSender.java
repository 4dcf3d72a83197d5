package org.netstack4j.transport.tcp;

import static org.netstack4j.wire.TcpHeader.ACK;
import static org.netstack4j.wire.TcpHeader.FIN;
import static org.netstack4j.wire.TcpHeader.PSH;
import static org.netstack4j.wire.TcpHeader.RST;
import static org.netstack4j.wire.TcpHeader.SYN;

import org.netstack4j.wire.SeqNum;
import org.netstack4j.wire.TcpOptions;

/**
 * The send side of a connection: building segments (window field, options), deciding what to send (window,
 * congestion window, Nagle, sender-side silly-window avoidance, GSO super-segments), ACK processing (RTT
 * samples under Karn's rule, congestion control, fast retransmit and NewReno recovery per RFC 6582, SACK-based
 * recovery per RFC 6675), the retransmission timer (RFC 6298) and zero-window probes; under reordering, D-SACK
 * (RFC 2883) to find spurious retransmissions (RFC 3708), undo of a congestion response whose retransmissions
 * all proved spurious, and a DupThresh raised to the reordering degree seen (RFC 6675 §7, RFC 4653's idea);
 * with SACK, a tail-loss probe (RFC 8985 §7) before the retransmission timeout.
 */
final class TcpSender {
    /** RFC 8985 §7.2's WCDelAckT: the longest a receiver may delay the ACK of a single segment. */
    private static final long WORST_CASE_DELAYED_ACK_NANOS = 200_000_000L;
    /**
     * Added to 2 SRTT (not a floor): on a fast LAN the peer's scheduling and ACK coalescing, not the RTT,
     * decide when its ACK comes, and a probe sent before that is a wasted segment (Linux adds the same).
     */
    private static final long PTO_SLACK_NANOS = 2_000_000L;

    private final TcpConnection c;
    final RttEstimator rtt;
    CongestionControl cc;
    final SackScoreboard scoreboard = new SackScoreboard(32);
    private final int[] seg = new int[2];
    /** Stream offset of SND.UNA (once the SYN is acknowledged). */
    long unaOffset;
    private boolean finAcked;
    private boolean timing;
    private int timedSeq;
    private long timedAt;
    private long synSentAt;
    int dupAcks;
    boolean inRecovery;
    int recover;
    /** NewReno window inflation during recovery (RFC 6582). */
    private long inflation;
    /** Highest sequence number (inclusive) retransmitted in SACK recovery (RFC 6675 HighRxt). */
    private int highRxt;
    /** SND.UNA when the last retransmission timeout fired. */
    private int rtoUna;
    /** Spurious retransmissions, undo, reordering degree and window: made at the first SACK or retransmission. */
    private ReorderingTracker reordering;
    // Tail-loss probe (RFC 8985 §7). The retransmission timer doubles as the probe timer: ptoArmed says which
    // deadline it holds; rtoDeadline is when the RTO would fire, which a probe timeout never passes.
    private boolean ptoArmed;
    private long rtoDeadline;
    /** A probe is outstanding (RFC 8985 TLP.end_seq): its range, and whether it was a retransmission. */
    private boolean probeOut;
    private boolean probeRetransmitted;
    private int probeStart;
    private int probeEnd;
    /** A D-SACK reported the outstanding probe retransmission: nothing was lost. */
    private boolean probeDsacked;
    /** Fast recovery began while a probe was outstanding: its end counts as a tail loss the probe repaired. */
    private boolean probeRecovery;

    TcpSender(TcpConnection c) {
        this.c = c;
        TcpConfig cfg = c.ctx.config;
        this.rtt = new RttEstimator(cfg.initialRtoNanos(), cfg.minRtoNanos(), cfg.maxRtoNanos(), 1_000_000L);
    }

    private long offsetOf(int seq) {
        return unaOffset + SeqNum.diff(seq, c.sndUna);
    }

    boolean finAcked() {
        return finAcked;
    }

    private int tsNow(long now) {
        return (int) (now / 1_000_000L);
    }

    // --- building -----------------------------------------------------------------------------------

    private void emit(int seq, int flags, long off, int len, int gso, long now) {
        TcpOptions o = c.ctx.txOptions.clear();
        TcpConfig cfg = c.ctx.config;
        int window;
        if ((flags & SYN) != 0) {
            boolean synAck = (flags & ACK) != 0;
            o.setMss(c.rmss);
            if (cfg.windowScale() && (!synAck || c.wsOn)) {
                o.setWindowScale(c.rcvShift);
            }
            if (cfg.sack() && (!synAck || c.sackOn)) {
                o.setSackPermitted(true);
            }
            if (cfg.timestamps() && (!synAck || c.tsOn)) {
                o.setTimestamps(tsNow(now), synAck ? c.tsRecent : 0);
            }
            window = Math.min(65535, c.rcv.capacity());
        } else if ((flags & RST) != 0) {
            window = 0;
        } else {
            if (c.tsOn) {
                o.setTimestamps(tsNow(now), c.tsRecent);
            }
            if (c.sackOn) {
                c.receiver.sackBlocks(o);
            }
            window = c.receiver.windowField();
        }
        int ack = 0;
        if ((flags & ACK) != 0) {
            ack = c.rcvNxt;
            c.receiver.acked();
        }
        c.ctx.count(TcpCounter.SEGMENTS_OUT);
        c.ctx.sink.emit(c, seq, ack, flags, window, o, len > 0 ? c.snd : null, off, len, gso);
    }

    void sendSyn(boolean synAck, long now) {
        synSentAt = now;
        emit(c.iss, synAck ? SYN | ACK : SYN, 0, 0, 0, now);
        c.sndNxt = c.iss + 1;
        if (SeqNum.gt(c.sndNxt, c.sndMax)) {
            c.sndMax = c.sndNxt;
        }
        ptoArmed = false;
        c.ctx.wheel.schedule(c.rtoTimer, now + rtt.rto());
    }

    void sendReset(int seq) {
        c.ctx.count(TcpCounter.RESETS_OUT);
        emit(seq, RST, 0, 0, 0, c.ctx.now());
    }

    /** A challenge ACK (RFC 5961), at most {@link TcpShardContext#CHALLENGE_ACKS_PER_SECOND} per shard (§7). */
    void challengeAck() {
        if (!c.ctx.challengeAllowed(c.ctx.now())) {
            return;
        }
        c.ctx.count(TcpCounter.CHALLENGE_ACKS);
        c.receiver.ackNow();
    }

    void sendAckNow() {
        // SND.MAX, not SND.NXT: after a timeout pulled SND.NXT back, the peer may already hold more, and an ACK
        // with an old sequence number would be outside its window and dropped (both sides stuck re-ACKing).
        emit(c.sndMax, ACK, 0, 0, 0, c.ctx.now());
    }

    void sendKeepalive() {
        emit(c.sndUna - 1, ACK, 0, 0, 0, c.ctx.now());
    }

    // --- acknowledgments -------------------------------------------------------------------------------

    /** Our SYN was acknowledged: sets up the data phase. */
    void synAcked(TcpSegment s, long now) {
        c.sndUna = c.iss + 1;
        if (SeqNum.lt(c.sndNxt, c.sndUna)) {
            c.sndNxt = c.sndUna;
        }
        unaOffset = 0;
        recover = c.iss;
        rtoUna = c.iss;
        if (c.retries == 0) {
            rtt.sample(Math.max(1, now - synSentAt)); // Karn: only a SYN sent once gives a sample
        }
        c.retries = 0;
        cc = c.ctx.config.congestionControl().create(c.effMss, CongestionControls.initialWindow(c.effMss));
        c.ctx.wheel.cancel(c.rtoTimer);
    }

    /**
     * ACK processing in a synchronized state (RFC 9293 §3.10.7.4 fifth check, RFC 5961 §5). Returns false
     * when the segment must be dropped.
     */
    boolean ackArrived(TcpSegment s, long now) {
        int ack = s.ack;
        if (SeqNum.gt(ack, c.sndMax)) {
            c.ctx.count(TcpCounter.DROP_BAD_ACK);
            c.receiver.ackNow();
            return false;
        }
        if (SeqNum.diff(c.sndUna, ack) > Math.max(c.maxSndWnd, 65535)) {
            c.ctx.count(TcpCounter.DROP_BAD_ACK); // RFC 5961 §5.2: too old to be acceptable
            c.receiver.ackNow();
            return false;
        }
        long newWnd = (long) s.window << c.sndShift;
        boolean newlySacked = false;
        boolean hadSacks = c.sackOn && !scoreboard.isEmpty();
        int highBefore = hadSacks ? scoreboard.highestSacked() : 0;
        if (c.sackOn && s.options.sackBlockCount() > 0) {
            int first = 0;
            if (isDsack(s.options, ack)) {
                int left = s.options.sackLeft(0);
                int right = s.options.sackRight(0);
                if (probeOut && probeRetransmitted && SeqNum.ge(left, probeStart) && SeqNum.le(right, probeEnd)) {
                    // The probe repeated what had arrived: a spurious retransmission, but of no loss episode
                    // (the probe took no congestion response), so there is nothing to undo. It is the last
                    // copy sent, so the D-SACK is the probe's, not an earlier retransmission's.
                    probeDsacked = true;
                    c.ctx.count(TcpCounter.DSACKS_RECEIVED);
                    c.ctx.count(TcpCounter.SPURIOUS_RETRANSMITS);
                } else if (reordering().dsack(left, right)) {
                    undo(now);
                }
                first = 1;
            }
            for (int i = first; i < s.options.sackBlockCount(); i++) {
                int left = s.options.sackLeft(i);
                int right = s.options.sackRight(i);
                if (hadSacks && SeqNum.lt(left, highBefore) && SeqNum.ge(left, c.sndUna)
                        && SeqNum.le(right, c.sndMax)) {
                    reordering().holeFilled(left, right);
                }
                newlySacked |= scoreboard.addBlock(left, right, ack, c.sndMax);
            }
            if (probeOut && !probeRetransmitted && newlySacked && scoreboard.isSacked(probeStart)) {
                // The new-data probe arrived but what was sent before it, at least a PTO (2 SRTT) earlier, has
                // not: lost, as RACK (RFC 8985 §6.2) would deem it; recovery starts on this ACK.
                scoreboard.lostBefore(probeStart);
            }
        }
        if (hadSacks && SeqNum.gt(ack, c.sndUna) && SeqNum.lt(c.sndUna, highBefore)) {
            reordering().holeFilled(c.sndUna, SeqNum.min(ack, highBefore));
        }
        if (c.sackOn && (reordering != null || !scoreboard.isEmpty())) {
            reordering().markLostByTime(now);
        }
        if (SeqNum.gt(ack, c.sndUna)) {
            newAck(ack, s.options.hasTimestamps() ? s.options.tsEcr() : 0, now);
        } else if (ack == c.sndUna && s.payloadLength == 0 && (s.flags & (SYN | FIN)) == 0
                && c.sndMax != c.sndUna
                && (c.sackOn && s.options.sackBlockCount() > 0 ? newlySacked : newWnd == c.sndWnd)) {
            // RFC 5681: same window; RFC 6675 §2 with SACK: newly SACKed data, whatever the window (a Linux
            // receiver's window grows on every ACK while it auto-tunes).
            dupAck(now);
        }
        if (SeqNum.lt(c.sndWl1, s.seq) || (c.sndWl1 == s.seq && SeqNum.le(c.sndWl2, ack))) {
            c.sndWnd = newWnd;
            c.sndWl1 = s.seq;
            c.sndWl2 = ack;
            c.maxSndWnd = Math.max(c.maxSndWnd, newWnd);
            if (newWnd == 0 && ack == c.sndUna) {
                c.retries = 0; // the peer answers: its window is closed, it is not gone
            }
        }
        return true;
    }

    // --- reordering: D-SACK, undo, DupThresh ---------------------------------------------------------------

    /**
     * RFC 2883 §4: the first SACK block is a D-SACK when it lies below the cumulative ACK, or within the second
     * block. A first block that is neither is an ordinary one.
     */
    private static boolean isDsack(TcpOptions o, int ack) {
        int left = o.sackLeft(0);
        int right = o.sackRight(0);
        if (SeqNum.le(right, left) || SeqNum.diff(right, left) > (1 << 30)) {
            return false;
        }
        if (SeqNum.le(right, ack)) {
            return true;
        }
        return o.sackBlockCount() > 1 && SeqNum.ge(left, o.sackLeft(1)) && SeqNum.le(right, o.sackRight(1));
    }

    private ReorderingTracker reordering() {
        if (reordering == null) {
            reordering = new ReorderingTracker(c, scoreboard, rtt);
        }
        return reordering;
    }

    /** Every retransmission of the episode was spurious: its congestion response is taken back. */
    private void undo(long now) {
        cc.undo(now);
        probeRecovery = false;
        if (inRecovery) {
            inRecovery = false; // nothing was lost
            inflation = 0;
        }
        if (reordering.undoneEpisodeByTimeout() && SeqNum.lt(c.sndNxt, c.sndMax)) {
            c.sndNxt = c.sndMax; // the go-back-N only repeats what arrived; a real loss shows in SACKs again
        }
    }

    /** The reordering threshold in use (DupThresh, in segments). */
    int dupThresh() {
        return scoreboard.dupThresh();
    }

    private void newAck(int ack, int tsEcr, long now) {
        int acked = SeqNum.diff(ack, c.sndUna);
        long flight = SeqNum.diff(c.sndMax, c.sndUna);
        long newOff = unaOffset + acked;
        if (c.finOffset >= 0 && newOff > c.finOffset) {
            newOff = c.finOffset;
            finAcked = true;
        }
        c.snd.release(newOff);
        long sample = -1;
        if (timing && SeqNum.gt(ack, timedSeq)) {
            timing = false;
            sample = Math.max(1, now - timedAt);
            rtt.sample(sample);
        } else if (c.tsOn && tsEcr != 0 && rtt.backoffs() > 0) {
            // After a timeout Karn's rule leaves no timed segment for a while; the echoed timestamp is
            // unambiguous (RFC 7323 RTTM), so it ends the backoff at once instead of letting it compound.
            sample = Math.max(1, tsNow(now) - tsEcr) * 1_000_000L;
            rtt.sample(sample);
        }
        c.sndUna = ack;
        unaOffset = newOff;
        if (SeqNum.lt(c.sndNxt, ack)) {
            c.sndNxt = ack;
        }
        if (reordering != null) {
            reordering.acked(ack);
        }
        scoreboard.advance(ack);
        if (inRecovery) {
            if (SeqNum.ge(ack, recover)) {
                inRecovery = false;
                inflation = 0;
                cc.onRecoveryEnd(now);
                if (probeRecovery) {
                    probeRecovery = false;
                    c.ctx.count(TcpCounter.TLP_RECOVERIES);
                }
            } else {
                // Partial ACK (RFC 6582 §3.2 step 3): retransmit the next hole, deflate by what was acked.
                inflation = Math.max(0, inflation - acked) + c.effMss;
                if (!c.sackOn) {
                    retransmitNext(now);
                }
            }
        } else if (cc != null) {
            cc.onAck(acked, sample, flight, now);
        }
        if (probeOut && SeqNum.ge(ack, probeEnd)) {
            probeAcked(flight, now);
        }
        dupAcks = 0;
        c.retries = 0;
        if (c.sndUna == c.sndMax) {
            ptoArmed = false;
            c.ctx.wheel.cancel(c.rtoTimer);
        } else {
            armRto(now);
        }
    }

    private void dupAck(long now) {
        dupAcks++;
        if (inRecovery) {
            if (!c.sackOn) {
                inflation += c.effMss; // SACK recovery sends from output() by the pipe instead
            }
            return;
        }
        boolean lost = dupAcks >= scoreboard.dupThresh()
                || (c.sackOn && !scoreboard.isEmpty() && scoreboard.isLost(c.sndUna, c.effMss));
        // RFC 6582 §3.2 step 2: no new recovery for duplicates of data sent before the last one began.
        // With SACK, a hole the receiver reports after a timeout's go-back-N (the ACK moved since) is a new loss.
        boolean fresh = SeqNum.gt(c.sndUna, recover) || (c.sackOn && SeqNum.gt(c.sndUna, rtoUna));
        if (lost && fresh) {
            inRecovery = true;
            recover = c.sndMax;
            highRxt = c.sndUna - 1; // nothing retransmitted yet: NextSeg starts at SND.UNA
            c.ctx.count(TcpCounter.FAST_RETRANSMITS);
            if (probeOut) {
                probeRecovery = true; // the probe's SACK showed the hole
            }
            reordering().startEpisode(false);
            cc.onCongestionEvent(SeqNum.diff(c.sndMax, c.sndUna), now);
            inflation = c.sackOn ? 0 : 3L * c.effMss;
            retransmitNext(now);
        }
    }

    /** Retransmits the first hole: the segment at SND.UNA, or with SACK the next lost one (RFC 6675 NextSeg). */
    private void retransmitNext(long now) {
        int start = c.sndUna;
        int len;
        if (c.sackOn && !scoreboard.isEmpty()) {
            if (!scoreboard.nextLostSegment(c.sndUna, c.sndMax, highRxt, c.effMss, seg)) {
                return;
            }
            start = seg[0];
            len = seg[1];
        } else {
            len = Math.min(c.effMss, SeqNum.diff(c.sndMax, start));
        }
        retransmit(start, len, now);
        if (SeqNum.gt(start + len - 1, highRxt)) {
            highRxt = start + len - 1;
        }
    }

    private void retransmit(int start, int len, long now) {
        retransmit(start, len, false, now);
    }

    /** Retransmits {@code [start, start + len)} (and the FIN when it ends there); returns false when nothing was. */
    private boolean retransmit(int start, int len, boolean probe, long now) {
        long off = offsetOf(start);
        long dataEnd = c.finOffset >= 0 ? c.finOffset : c.snd.tail();
        int n = (int) Math.max(0, Math.min(len, dataEnd - off));
        boolean fin = c.finOffset >= 0 && off + n == c.finOffset && SeqNum.gt(c.sndMax, start + n);
        if (n == 0 && !fin) {
            return false;
        }
        timing = false; // Karn
        c.ctx.count(TcpCounter.RETRANSMITS);
        if (probe) {
            reordering().probeRetransmitted(start, n, fin);
            probeStart = start;
            probeEnd = start + n + (fin ? 1 : 0);
        } else {
            reordering().retransmitted(start, n, fin);
        }
        emit(start, ACK | (fin ? FIN : 0), off, n, 0, now);
        armRto(now);
        return true;
    }

    // --- output --------------------------------------------------------------------------------------

    private int gsoLimit() {
        int max = c.path.gsoMaxSize();
        if (max <= 0) {
            return c.effMss;
        }
        int hdr = (c.ipVersion == 4 ? 20 : 40) + 20 + (c.smss - c.effMss) + 40;
        int n = (Math.min(max, 65535) - hdr) / c.effMss;
        return Math.max(1, n) * c.effMss;
    }

    /** Sends what the windows, Nagle and SWS avoidance allow, then a pending ACK if nothing carried it. */
    void output(long now) {
        TcpState st = c.state;
        if (!st.synchronizedState() || st == TcpState.TIME_WAIT || cc == null) {
            if (c.receiver.ackPending && (st.synchronizedState() && st != TcpState.TIME_WAIT)) {
                sendAckNow();
            }
            return;
        }
        if (inRecovery && c.sackOn) {
            sackRecovery(now);
        }
        int limit = gsoLimit();
        boolean sentNew = false;
        for (int guard = 0; guard < 1024; guard++) {
            if (c.sackOn && SeqNum.lt(c.sndNxt, c.sndMax) && scoreboard.isSacked(c.sndNxt)) {
                // Going back after a timeout: the receiver holds this range, skip it.
                c.sndNxt = SeqNum.min(scoreboard.ranges().contiguousEnd(c.sndNxt), c.sndMax);
                continue;
            }
            long nxtOff = offsetOf(c.sndNxt);
            long tail = c.finOffset >= 0 ? c.finOffset : c.snd.tail();
            if (c.finOffset >= 0 && nxtOff > c.finOffset) {
                break; // FIN sent
            }
            long avail = tail - nxtOff;
            long flight = SeqNum.diff(c.sndNxt, c.sndUna);
            long cwnd = cc.cwnd() + inflation;
            if (inRecovery && c.sackOn) {
                flight = scoreboard.pipe(c.sndUna, c.sndMax, highRxt, c.effMss);
                cwnd = cc.cwnd();
            }
            long usable = Math.min(c.sndWnd - SeqNum.diff(c.sndNxt, c.sndUna), cwnd - flight);
            long len = Math.min(Math.min(avail, Math.max(0, usable)), limit);
            if (c.sackOn && SeqNum.lt(c.sndNxt, c.sndMax) && !scoreboard.isEmpty()) {
                len = Math.min(len, untilSacked(c.sndNxt));
            }
            boolean finNow = c.finOffset >= 0;
            if (len <= 0) {
                if (avail == 0 && finNow && usable >= 0) {
                    len = 0; // a bare FIN
                } else {
                    if (avail > 0 && c.sndWnd == 0 && !c.rtoTimer.isScheduled()) {
                        armRto(now); // persist
                    }
                    break;
                }
            } else if (len < c.effMss) {
                if (len < avail) {
                    // Sender SWS avoidance: a window-limited runt only when it is half the largest window.
                    if (len < c.maxSndWnd / 2) {
                        if (!c.rtoTimer.isScheduled()) {
                            armRto(now);
                        }
                        break;
                    }
                } else if (flight > 0 && !c.noDelay && !finNow) {
                    break; // Nagle: one small segment in flight at a time
                }
            }
            boolean fin = finNow && nxtOff + len == c.finOffset;
            int flags = ACK | (len > 0 && nxtOff + len == tail ? PSH : 0) | (fin ? FIN : 0);
            boolean retransmission = SeqNum.lt(c.sndNxt, c.sndMax);
            emit(c.sndNxt, flags, nxtOff, (int) len, len > c.effMss ? c.effMss : 0, now);
            if (retransmission) {
                c.ctx.count(TcpCounter.RETRANSMITS);
                reordering().retransmitted(c.sndNxt, (int) len, fin);
            } else if (!timing && len > 0) {
                timing = true;
                timedSeq = c.sndNxt;
                timedAt = now;
            }
            c.sndNxt += (int) len + (fin ? 1 : 0);
            if (SeqNum.gt(c.sndNxt, c.sndMax)) {
                c.sndMax = c.sndNxt;
            }
            if (!c.rtoTimer.isScheduled()) {
                armRto(now);
            } else if (!retransmission) {
                sentNew = true;
            }
            if (fin) {
                break;
            }
        }
        if (sentNew && (ptoArmed || tlpAllowed())) {
            armTimer(now); // RFC 8985 §7.2: the probe timeout runs from the last new data sent
        }
        if (c.receiver.ackPending) {
            sendAckNow();
        }
    }

    /** Bytes from {@code seq} to the next SACKed range above it (or a large number when none). */
    private long untilSacked(int seq) {
        SequenceRanges r = scoreboard.ranges();
        for (int i = 0; i < r.count(); i++) {
            if (SeqNum.gt(r.start(i), seq)) {
                return SeqNum.diff(r.start(i), seq);
            }
        }
        return Long.MAX_VALUE;
    }

    /** RFC 6675 §5 step (C): while the pipe leaves room, retransmit the lost segments (NextSeg rule 1). */
    private void sackRecovery(long now) {
        for (int guard = 0; guard < 256; guard++) {
            long pipe = scoreboard.pipe(c.sndUna, c.sndMax, highRxt, c.effMss);
            if (cc.cwnd() - pipe < c.effMss) {
                return;
            }
            if (!scoreboard.nextLostSegment(c.sndUna, c.sndMax, highRxt, c.effMss, seg)) {
                return;
            }
            retransmit(seg[0], seg[1], now);
            highRxt = seg[0] + seg[1] - 1;
        }
    }

    // --- timers ----------------------------------------------------------------------------------------

    /** The retransmission (or persist) timer fired. */
    void retransmitTimeout(long now) {
        TcpState st = c.state;
        TcpConfig cfg = c.ctx.config;
        if (st == TcpState.SYN_SENT || st == TcpState.SYN_RECEIVED) {
            if (++c.retries > cfg.synRetries()) {
                if (st == TcpState.SYN_SENT) {
                    c.ctx.count(TcpCounter.CONNECT_FAILED);
                    c.fail(ConnectionErrors.connect("connection timed out"), false);
                } else {
                    c.terminate();
                }
                return;
            }
            rtt.backoff();
            c.ctx.count(TcpCounter.TIMEOUTS);
            sendSyn(st == TcpState.SYN_RECEIVED, now);
            return;
        }
        if (cc == null || !st.synchronizedState()) {
            return;
        }
        if (ptoArmed) {
            ptoArmed = false;
            if (tlpAllowed()) {
                probe(now);
                return;
            }
            if (rtoDeadline - now > 0) {
                c.ctx.wheel.schedule(c.rtoTimer, rtoDeadline); // no probe any more: the RTO when it is due
                return;
            }
        }
        if (c.sndUna == c.sndMax) {
            long avail = (c.finOffset >= 0 ? c.finOffset : c.snd.tail()) - offsetOf(c.sndNxt);
            if (avail > 0) {
                // Zero-window probe (RFC 9293 §3.8.6.1): one byte beyond the window, then back off.
                c.ctx.count(TcpCounter.WINDOW_PROBES);
                emit(c.sndNxt, ACK, offsetOf(c.sndNxt), 1, 0, now);
                c.sndNxt += 1;
                c.sndMax = c.sndNxt;
                rtt.backoff();
                armRto(now);
            }
            return;
        }
        if (++c.retries > cfg.dataRetries()) {
            c.fail(ConnectionErrors.socket("connection timed out"), true);
            return;
        }
        c.ctx.count(TcpCounter.TIMEOUTS);
        probeOut = false; // a lost probe, or one that did not help: the timeout takes over
        probeRecovery = false;
        reordering().startEpisode(true);
        cc.onRetransmissionTimeout(SeqNum.diff(c.sndMax, c.sndUna), now);
        rtt.backoff();
        timing = false;
        inRecovery = false;
        inflation = 0;
        dupAcks = 0;
        recover = c.sndMax;
        rtoUna = c.sndUna;
        if (c.retries > 1) {
            // A second timeout in a row: perhaps the receiver dropped what it SACKed (reneging, RFC 2018 §8).
            scoreboard.reset();
            reordering().scoreboardReset();
        }
        // Otherwise the SACKed ranges stay (as Linux keeps them): the go-back-N below skips them instead of
        // sending the receiver a flight of data it holds.
        c.sndNxt = c.sndUna;
        long before = c.sndNxt;
        output(now);
        if (c.sndNxt == before) {
            // Window closed or Nagle held it: retransmit the first segment regardless.
            retransmit(c.sndUna, Math.min(c.effMss, SeqNum.diff(c.sndMax, c.sndUna)), now);
            c.sndNxt = SeqNum.max(c.sndNxt, c.sndUna + Math.min(c.effMss, SeqNum.diff(c.sndMax, c.sndUna)));
        }
        armRto(now);
    }

    // --- tail-loss probe (RFC 8985 §7) ---------------------------------------------------------------------

    /** Arms the retransmission timer: the RTO from now, or the probe timeout before it when a probe is allowed. */
    private void armRto(long now) {
        rtoDeadline = now + rtt.rto();
        armTimer(now);
    }

    /** Schedules the timer for {@link #rtoDeadline}, or for the probe timeout from now when that is earlier. */
    private void armTimer(long now) {
        long at = rtoDeadline;
        ptoArmed = false;
        if (tlpAllowed()) {
            long pto = 2 * rtt.srtt();
            if (SeqNum.diff(c.sndMax, c.sndUna) - (finSent() ? 1 : 0) <= c.effMss) {
                pto += WORST_CASE_DELAYED_ACK_NANOS; // one segment: its ACK may be a delayed one
            }
            long ptoAt = now + pto + PTO_SLACK_NANOS;
            if (ptoAt - at < 0) {
                at = ptoAt;
                ptoArmed = true;
            }
        }
        c.ctx.wheel.schedule(c.rtoTimer, at);
    }

    /**
     * RFC 8985 §7.2: a probe only with SACK (its SACKs and D-SACKs tell what it repaired), an RTT sample, data
     * outstanding, an open window (else the persist timer's probes), no probe outstanding, and neither fast
     * recovery nor a timeout's recovery under way.
     */
    private boolean tlpAllowed() {
        return c.sackOn && c.ctx.config.tailLossProbe() && cc != null && rtt.hasSample() && c.sndUna != c.sndMax
                && c.sndWnd > 0 && !probeOut && !inRecovery && c.retries == 0 && SeqNum.ge(c.sndUna, recover)
                && c.state.synchronizedState();
    }

    /**
     * The probe timeout fired (RFC 8985 §7.3): one new segment when there is data and the peer's window takes
     * it, otherwise the highest-sequenced segment again; then the RTO. The probe never touches cwnd.
     */
    private void probe(long now) {
        c.ctx.count(TcpCounter.TLP_PROBES);
        probeOut = true;
        probeDsacked = false;
        if (c.sndNxt == c.sndMax && probeNewData(now)) {
            armRto(now);
            return;
        }
        int dataEnd = finSent() ? c.sndMax - 1 : c.sndMax;
        int len = Math.min(c.effMss, SeqNum.diff(dataEnd, c.sndUna));
        probeRetransmitted = true;
        if (!retransmit(dataEnd - len, len, true, now)) {
            probeOut = false;
            armRto(now);
        }
    }

    /** Whether the FIN was sent (it then occupies the sequence number before SND.MAX). */
    private boolean finSent() {
        return c.finOffset >= 0 && offsetOf(c.sndMax) > c.finOffset;
    }

    /** Sends one segment of new data as the probe, whatever cwnd says; false when none can go. */
    private boolean probeNewData(long now) {
        long nxtOff = offsetOf(c.sndNxt);
        if (c.finOffset >= 0 && nxtOff >= c.finOffset) {
            return false; // everything sent (the FIN perhaps not: the retransmission carries it)
        }
        long tail = c.finOffset >= 0 ? c.finOffset : c.snd.tail();
        long usable = c.sndWnd - SeqNum.diff(c.sndNxt, c.sndUna);
        int len = (int) Math.min(Math.min(tail - nxtOff, usable), c.effMss);
        if (len <= 0) {
            return false;
        }
        boolean fin = c.finOffset >= 0 && nxtOff + len == c.finOffset;
        probeRetransmitted = false;
        probeStart = c.sndNxt;
        probeEnd = c.sndNxt + len + (fin ? 1 : 0);
        emit(c.sndNxt, ACK | (nxtOff + len == tail ? PSH : 0) | (fin ? FIN : 0), nxtOff, len, 0, now);
        if (!timing) {
            timing = true;
            timedSeq = c.sndNxt;
            timedAt = now;
        }
        c.sndNxt = probeEnd;
        c.sndMax = probeEnd;
        return true;
    }

    /**
     * The cumulative ACK covers the probe. A retransmitted probe without a D-SACK repaired a lost tail segment
     * (RFC 8985 §7.4.2): the congestion response fast recovery would have taken, as an episode of its own so
     * that a D-SACK arriving later (the original was only late) undoes it. A recovery the probe started
     * answers for itself.
     */
    private void probeAcked(long flight, long now) {
        probeOut = false;
        if (!probeRetransmitted || probeDsacked || probeRecovery || inRecovery) {
            return;
        }
        c.ctx.count(TcpCounter.TLP_RECOVERIES);
        reordering().probeEpisode(probeStart, probeEnd);
        cc.onCongestionEvent(flight, now);
        cc.onRecoveryEnd(now);
    }
}
