package org.netstack4j.transport.tcp;

import org.netstack4j.wire.SeqNum;

/**
 * Receive-buffer auto-tuning of one connection (dynamic right-sizing, the receiver-side idea Linux uses): the
 * window is grown so that the sender is never limited by it, judged from how fast the application reads.
 *
 * <p>Per receiver round trip the tuner counts the bytes the application consumed (the advance of the receive
 * buffer's read offset). A sender that is not window-limited can at most double its rate in the next round trip
 * (slow start), so the window must hold <em>twice</em> the bytes delivered per round trip: when that is more than
 * the current capacity, the capacity grows to the next power of two at or above it (the ring's arrays are
 * powers of two anyway), up to the configured maximum and what the window scale can express. The capacity never
 * shrinks, so the offered right edge never moves left (RFC 9293 §3.8.6.2.2). An application that does not read
 * consumes nothing and never earns a larger window.
 *
 * <p>The receiver's round-trip time comes from the echoed timestamp (TSecr) of arriving full-size segments when
 * timestamps are on (RFC 7323 §4: our clock now minus the TSval we sent, each echoed value used once, smoothed
 * with gain 1/8); else from the time the peer took to fill a whole advertised window (an upper bound on the RTT,
 * so the smallest is kept); before either, the sender side's smoothed RTT (the handshake gives one).
 *
 * <p>Memory: a growth step is taken only while the send and the grown receive buffer stay within the
 * connection's memory limit and the stack's budget could take the ring's array at the grown size now; otherwise
 * the step is refused and counted ({@link TcpCounter#RECEIVE_WINDOW_GROWTH_REFUSED}), and the window stays. The
 * array itself still grows only as bytes arrive (charged to the budget then), so an application that keeps up
 * holds little memory under a large window. Runs on the connection's shard; made on the first data, so an idle
 * connection has none.
 */
final class ReceiveWindowTuner {
    /** Timestamp samples above this many milliseconds are ignored (a stale echo). */
    private static final int MAX_TS_SAMPLE_MS = 60_000;
    private final TcpConnection c;
    /** RTT from echoed timestamps, smoothed, nanoseconds; 0 until a sample. */
    private long tsRtt;
    private int lastTsEcr;
    /** RTT from window fills, the smallest seen, nanoseconds; 0 until a sample. */
    private long fillRtt;
    private boolean filling;
    /** The right edge advertised when the current window fill started, and when. */
    private int fillEdge;
    private long fillStart;
    /** The current measurement: its start and the application's read offset then. */
    private boolean measuring;
    private long measureStart;
    private long measureHead;

    ReceiveWindowTuner(TcpConnection c) {
        this.c = c;
    }

    /** A data segment was taken (after the receiver stored it, before the ACK that carries the window). */
    void dataArrived(TcpSegment s, long now) {
        sampleTimestamp(s, now);
        sampleWindowFill(now);
        long rtt = rtt();
        if (rtt <= 0) {
            return;
        }
        long head = c.rcv.head();
        if (!measuring) {
            restart(now, head);
            return;
        }
        long elapsed = now - measureStart;
        if (elapsed < rtt) {
            return;
        }
        long consumed = head - measureHead;
        // Bytes per round trip: a measurement that ran long (data came late) is scaled back to one RTT.
        long perRtt = elapsed == rtt ? consumed : (long) ((double) consumed * rtt / elapsed);
        restart(now, head);
        grow(perRtt);
    }

    /** The receiver's RTT estimate in nanoseconds, 0 when there is none yet. */
    long rtt() {
        if (tsRtt > 0) {
            return tsRtt;
        }
        if (fillRtt > 0) {
            return fillRtt;
        }
        RttEstimator r = c.sender.rtt;
        return r.hasSample() ? r.srtt() : 0;
    }

    private void restart(long now, long head) {
        measuring = true;
        measureStart = now;
        measureHead = head;
    }

    private void grow(long perRtt) {
        ReceiveBuffer rcv = c.rcv;
        int capacity = rcv.capacity();
        long target = 2 * perRtt;
        if (target <= capacity) {
            return;
        }
        TcpConfig cfg = c.ctx.config;
        long max = Math.min(TcpConnection.receiveBufferCeiling(cfg), 65535L << c.rcvShift);
        if (capacity >= max) {
            return;
        }
        long size = Math.min(max, Long.highestOneBit(target - 1) << 1);
        // The connection's limit counts buffer sizes (as when they are made); the stack's budget counts arrays, so
        // the step is taken only if the ring could grow to the new size now.
        boolean fits = size + c.snd.ceiling() <= cfg.connectionMemoryLimit()
                && c.ctx.memory.get() + rcv.arrayGrowth((int) size) <= cfg.globalMemoryLimit();
        if (!fits) {
            c.ctx.count(TcpCounter.RECEIVE_WINDOW_GROWTH_REFUSED);
            return;
        }
        rcv.capacity((int) size);
        c.ctx.count(TcpCounter.RECEIVE_WINDOW_GROWN);
    }

    private void sampleTimestamp(TcpSegment s, long now) {
        if (!c.tsOn || !s.options.hasTimestamps() || s.payloadLength < c.effMss) {
            return;
        }
        int ecr = s.options.tsEcr();
        if (ecr == 0 || ecr == lastTsEcr) {
            return; // nothing echoed, or this echo already gave its sample
        }
        lastTsEcr = ecr;
        int ms = (int) (now / 1_000_000L) - ecr; // the TSval clock of TcpSender
        if (ms < 0 || ms > MAX_TS_SAMPLE_MS) {
            return;
        }
        long sample = Math.max(1, ms) * 1_000_000L; // the clock ticks in milliseconds: less counts as one tick
        tsRtt = tsRtt == 0 ? sample : tsRtt + (sample - tsRtt) / 8;
    }

    private void sampleWindowFill(long now) {
        if (!filling) {
            if (SeqNum.diff(c.rcvAdv, c.rcvNxt) <= 0) {
                return; // a closed window times nothing
            }
            filling = true;
            fillEdge = c.rcvAdv;
            fillStart = now;
        } else if (SeqNum.ge(c.rcvNxt, fillEdge)) {
            // A whole window arrived: the sender cannot send more than one window per round trip.
            long sample = now - fillStart;
            if (sample > 0 && (fillRtt == 0 || sample < fillRtt)) {
                fillRtt = sample;
            }
            fillEdge = c.rcvAdv;
            fillStart = now;
        }
    }
}
