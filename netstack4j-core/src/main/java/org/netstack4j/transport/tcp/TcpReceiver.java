package org.netstack4j.transport.tcp;

import static org.netstack4j.wire.TcpHeader.FIN;
import static org.netstack4j.wire.TcpHeader.SYN;

import org.netstack4j.wire.SeqNum;
import org.netstack4j.wire.TcpOptions;

/**
 * The receive side of a connection: segment acceptability (RFC 9293 §3.10.7.4), data into the receive buffer
 * in order or out of order (tracked as sequence ranges, so memory is bounded by the window), SACK blocks (RFC
 * 2018) and D-SACK blocks for data received twice (RFC 2883), the window we offer with receiver-side
 * silly-window avoidance, and when to acknowledge (delayed ACK every second full segment or after the delay;
 * at once at the start, on reordering, on gaps filled and FIN).
 */
final class TcpReceiver {
    /** Segments acknowledged at once after the handshake (quick-ACK), as Linux does. */
    private static final int QUICK_ACKS = 16;
    private final TcpConnection c;
    /** Out-of-order data held above RCV.NXT, as sequence ranges. */
    final SequenceRanges ooo = new SequenceRanges(TcpOptions.MAX_SACK_BLOCKS * 8);
    /** Start of the range that the latest out-of-order segment went into (first SACK block). */
    int lastOooSeq;
    boolean ackPending;
    private int unackedBytes;
    private int quickAcks = QUICK_ACKS;
    /** A duplicate range to report as a D-SACK block in the next ACK (RFC 2883), when {@code dsackPending}. */
    private boolean dsackPending;
    private int dsackStart;
    private int dsackEnd;
    /** The peer's FIN seen beyond a gap: its sequence number. */
    private boolean finPending;
    private int finSeq;

    TcpReceiver(TcpConnection c) {
        this.c = c;
    }

    void ackNow() {
        ackPending = true;
    }

    /** RFC 9293 segment acceptability against the window we offered. */
    boolean acceptable(TcpSegment s) {
        int len = s.sequenceLength();
        long wnd = Math.max(0, SeqNum.diff(c.rcvAdv, c.rcvNxt));
        if (len == 0) {
            return wnd == 0 ? s.seq == c.rcvNxt : SeqNum.inWindow(s.seq, c.rcvNxt, (int) wnd) || s.seq == c.rcvNxt;
        }
        if (wnd == 0) {
            // Still take the ACK and FIN-less control of a segment at RCV.NXT (its data is trimmed away).
            return s.seq == c.rcvNxt;
        }
        return SeqNum.inWindow(s.seq, c.rcvNxt, (int) wnd)
                || SeqNum.inWindow(s.seq + len - 1, c.rcvNxt, (int) wnd);
    }

    /** Takes the payload and FIN of an acceptable segment. */
    void data(TcpSegment s, long now) {
        TcpState st = c.state;
        boolean takesData = st == TcpState.ESTABLISHED || st == TcpState.FIN_WAIT_1 || st == TcpState.FIN_WAIT_2;
        if (!takesData) {
            // Data after our receive side closed (CLOSE-WAIT, CLOSING, LAST-ACK): a retransmission; re-ACK.
            ackNow();
            return;
        }
        if (s.payloadLength > 0 && c.rcv.isClosedByApp()) {
            // Nobody will ever read it: tell the peer at once (RFC 9293 §3.10.7.4 with RFC 1122 4.2.2.13).
            c.ctx.count(TcpCounter.CONNECTIONS_RESET);
            c.fail(ConnectionErrors.socket("data after close"), true);
            return;
        }
        int seq = s.seq + (s.has(SYN) ? 1 : 0);
        if (s.has(FIN)) {
            finPending = true;
            finSeq = seq + s.payloadLength;
        }
        if (s.payloadLength > 0) {
            payload(seq, s.payload, s.payloadOffset, s.payloadLength);
            if (c.rcvAutoTuning) {
                c.rcvTuner().dataArrived(s, now); // before the ACK, which then carries a grown window
            }
        }
        if (finPending && finSeq == c.rcvNxt && !c.finReceived) {
            c.rcvNxt++;
            ackNow();
            c.finReached(now);
        }
    }

    private void payload(int seq, byte[] b, int offset, int length) {
        ReceiveBuffer rcv = c.rcv;
        int off = SeqNum.diff(seq, c.rcvNxt);
        if (off < 0) {
            duplicate(seq, seq + Math.min(length, -off)); // its start was delivered already
        }
        long base = rcv.readable();
        long windowEnd = rcv.head() + rcv.capacity();
        long from = base + Math.max(0, off);
        long to = Math.min(base + off + length, windowEnd);
        if (to <= from) {
            c.ctx.count(TcpCounter.DUPLICATE_SEGMENTS);
            ackNow(); // a duplicate: the peer lost our ACK (or probes a zero window)
            return;
        }
        int n = (int) (to - from);
        int skip = (int) (from - (base + off));
        long heldEnd = base + (ooo.count() == 0 ? 0 : SeqNum.diff(ooo.end(ooo.count() - 1), c.rcvNxt));
        if (!rcv.put(from, b, offset + skip, n, heldEnd)) {
            c.ctx.count(TcpCounter.DROP_MEMORY);
            return;
        }
        int fromSeq = c.rcvNxt + (int) (from - base);
        if (from == base) {
            int end = fromSeq + n;
            boolean filledGap = ooo.count() > 0;
            if (filledGap) {
                end = ooo.contiguousEnd(end);
                ooo.removeBefore(end);
            }
            c.rcvNxt = end;
            rcv.advance(base + SeqNum.diff(end, fromSeq) + (from - base));
            unackedBytes += n;
            if (filledGap || quickAcks > 0 || unackedBytes >= 2 * c.rmss) {
                if (quickAcks > 0) {
                    quickAcks--;
                }
                ackNow();
            } else if (!c.delAckTimer.isScheduled()) {
                c.ctx.wheel.schedule(c.delAckTimer, c.ctx.wheel.now() + c.ctx.config.delayedAckNanos());
            }
        } else {
            if (ooo.bytesBetween(fromSeq, fromSeq + n) == n) {
                // All held already: a duplicate (a retransmission of data that was only reordered).
                duplicate(fromSeq, fromSeq + n);
                lastOooSeq = fromSeq; // its range is the second block (RFC 2883 §4.1)
                c.ctx.count(TcpCounter.DUPLICATE_SEGMENTS);
            } else if (!ooo.add(fromSeq, fromSeq + n)) {
                c.ctx.count(TcpCounter.DROP_MEMORY);
            } else {
                c.ctx.count(TcpCounter.OUT_OF_ORDER);
                lastOooSeq = fromSeq;
            }
            quickAcks = Math.max(quickAcks, 2);
            ackNow(); // a duplicate ACK tells the sender about the hole
        }
    }

    /** The window field for a non-SYN segment; records the right edge advertised. */
    int windowField() {
        ReceiveBuffer rcv = c.rcv;
        long room = rcv.room();
        long max = 65535L << c.rcvShift;
        long wnd = Math.min(room, max);
        long current = Math.max(0, SeqNum.diff(c.rcvAdv, c.rcvNxt));
        // Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): do not open a window by less than min(buffer/2, MSS).
        long threshold = Math.min(rcv.capacity() / 2, c.rmss);
        if (wnd < current || (wnd - current < threshold && wnd < rcv.capacity() && wnd != current)) {
            wnd = current; // and never shrink the right edge
        }
        int field = (int) Math.min(65535, wnd >> c.rcvShift);
        c.rcvAdv = c.rcvNxt + (field << c.rcvShift);
        rcv.windowUpdateWanted(((long) field << c.rcvShift) < rcv.capacity() / 2);
        return field;
    }

    /** After the application read: sends a window update when the window would open by enough. */
    void windowUpdate() {
        ReceiveBuffer rcv = c.rcv;
        long current = Math.max(0, SeqNum.diff(c.rcvAdv, c.rcvNxt));
        long wnd = Math.min(rcv.room(), 65535L << c.rcvShift);
        long threshold = Math.min(rcv.capacity() / 2, 2L * c.rmss);
        if (wnd - current >= threshold) {
            ackNow();
        } else if (current < rcv.capacity() / 2) {
            rcv.windowUpdateWanted(true);
        }
    }

    /** An ACK is going out: nothing pending any more. */
    void acked() {
        ackPending = false;
        unackedBytes = 0;
        c.lastAckSent = c.rcvNxt;
        if (c.delAckTimer.isScheduled()) {
            c.ctx.wheel.cancel(c.delAckTimer);
        }
    }

    /**
     * Data in {@code [start, end)} arrived that we already had (below RCV.NXT or held out of order): the next
     * ACK reports it as a D-SACK block (RFC 2883). A range adjacent to or overlapping a pending one extends
     * it; otherwise the latest wins. Only meaningful with SACK; harmless otherwise.
     */
    void duplicate(int start, int end) {
        if (SeqNum.ge(start, end)) {
            return;
        }
        if (dsackPending && SeqNum.le(start, dsackEnd) && SeqNum.ge(end, dsackStart)) {
            dsackStart = SeqNum.min(start, dsackStart);
            dsackEnd = SeqNum.max(end, dsackEnd);
        } else {
            dsackPending = true;
            dsackStart = start;
            dsackEnd = end;
        }
    }

    /**
     * Puts the SACK blocks into {@code o}: a pending D-SACK block first (reported once, RFC 2883 §4), then the
     * latest out-of-order range, then the others from the top.
     */
    void sackBlocks(TcpOptions o) {
        if (dsackPending) {
            dsackPending = false;
            o.addSackBlock(dsackStart, dsackEnd);
            c.ctx.count(TcpCounter.DSACKS_SENT);
        }
        int n = ooo.count();
        if (n == 0) {
            return;
        }
        int first = -1;
        for (int i = 0; i < n; i++) {
            if (SeqNum.ge(lastOooSeq, ooo.start(i)) && SeqNum.lt(lastOooSeq, ooo.end(i))) {
                first = i;
                o.addSackBlock(ooo.start(i), ooo.end(i));
                break;
            }
        }
        for (int i = n - 1; i >= 0 && o.sackBlockCount() < TcpOptions.MAX_SACK_BLOCKS; i--) {
            if (i != first) {
                o.addSackBlock(ooo.start(i), ooo.end(i));
            }
        }
    }
}
