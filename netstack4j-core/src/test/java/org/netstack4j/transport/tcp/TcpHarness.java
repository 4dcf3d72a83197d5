package org.netstack4j.transport.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.time.ManualClock;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpOptions;

/**
 * One connection driven by hand: a manual clock and timer wheel, a sink that captures every emitted segment,
 * and helpers to feed segments from "the peer". Local 10.0.0.1:40000, remote 10.0.0.2:80.
 */
final class TcpHarness {
    static final int LOCAL = 0x0a000001;
    static final int REMOTE = 0x0a000002;

    /** One captured segment. */
    record Seg(int seq, int ack, int flags, int window, TcpOptions options, byte[] payload) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        @Override
        public String toString() {
            return "Seg{seq=" + Integer.toUnsignedString(seq) + " ack=" + Integer.toUnsignedString(ack) + " flags="
                    + Integer.toHexString(flags) + " win=" + window + " len=" + payload.length + " " + options + "}";
        }
    }

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final TimerWheel wheel = new TimerWheel(1_000_000L, 1024, clock.nanoTime());
    final List<Seg> out = new ArrayList<>();
    /** The GSO size of each captured segment (0: a plain segment). */
    final List<Integer> gso = new ArrayList<>();
    final TcpCounters counters = new TcpCounters();
    final AtomicLong memory = new AtomicLong();
    /** Tasks handed to the shard (run at once): each one is a wake-up of the shard thread in a stack. */
    final AtomicLong submitted = new AtomicLong();
    final TcpShardContext ctx;
    TcpConnection c;
    /** The peer's next sequence number and what it has acknowledged of ours. */
    int peerSeq = 5000;
    int peerTs = 777;

    TcpHarness(TcpConfig config) {
        SegmentSink sink = (conn, seq, ack, flags, window, options, data, off, len, gsoSize) -> {
            TcpOptions copy = new TcpOptions();
            if (options != null) {
                copy.copyFrom(options);
            }
            byte[] p = new byte[len];
            if (len > 0) {
                data.copy(off, p, 0, len);
            }
            out.add(new Seg(seq, ack, flags, window, copy, p));
            gso.add(gsoSize);
            return true;
        };
        ctx = new TcpShardContext(config, counters, sink, wheel, clock::nanoTime, r -> {
            submitted.incrementAndGet();
            r.run();
        }, memory);
    }

    TcpConnection newConnection(int mtu, int sendBuffer, int receiveBuffer) {
        return newConnection(new TransportHost.Path(1, 4, 0, LOCAL, mtu, 0, false), sendBuffer, receiveBuffer);
    }

    TcpConnection newConnection(TransportHost.Path path, int sendBuffer, int receiveBuffer) {
        c = new TcpConnection(ctx, 4, 0, LOCAL, 40000, 0, REMOTE, 80, path, sendBuffer, receiveBuffer);
        ctx.table.put(c);
        return c;
    }

    /** Active open with ISN 1000; returns the SYN. */
    Seg open() {
        newConnection(1500, 64 * 1024, 64 * 1024);
        c.open(1000, clock.nanoTime());
        return last();
    }

    /**
     * Active open completed by a SYN-ACK with MSS 1460, window scale 7, SACK-permitted and timestamps;
     * returns the ACK.
     */
    Seg established() {
        open();
        return finishHandshake();
    }

    Seg finishHandshake() {
        TcpSegment s = segment(peerSeq, 1001, TcpHeader.SYN | TcpHeader.ACK, 65535, 0);
        s.options.setMss(1460).setWindowScale(7).setSackPermitted(true).setTimestamps(peerTs, last().options().tsVal());
        c.segmentArrived(s, clock.nanoTime());
        peerSeq++;
        return last();
    }

    TcpSegment segment(int seq, int ack, int flags, int window, int length) {
        TcpSegment s = new TcpSegment();
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (seq + i);
        }
        s.set(seq, ack, flags, window, payload, 0, length);
        s.options.clear();
        return s;
    }

    /** The peer acknowledges {@code ack} with {@code window} (already scaled down by 7), with a timestamp. */
    void ack(int ack, int window) {
        TcpSegment s = segment(peerSeq, ack, TcpHeader.ACK, window, 0);
        if (c.tsOn) {
            s.options.setTimestamps(++peerTs, c.tsRecent == 0 ? 0 : lastTsVal());
        }
        c.segmentArrived(s, clock.nanoTime());
    }

    /** The peer acknowledges {@code ack} (window 1000) with SACK blocks given as {@code [left, right)} pairs. */
    void sackAck(int ack, int... edges) {
        TcpSegment s = segment(peerSeq, ack, TcpHeader.ACK, 1000, 0);
        s.options.setTimestamps(++peerTs, lastTsVal());
        for (int i = 0; i < edges.length; i += 2) {
            s.options.addSackBlock(edges[i], edges[i + 1]);
        }
        c.segmentArrived(s, clock.nanoTime());
    }

    /** The peer sends {@code length} bytes at its next sequence number (or at {@code seq}). */
    void data(int seq, int length, int flags) {
        TcpSegment s = segment(seq, c.sndNxt, TcpHeader.ACK | flags, 1000, length);
        if (c.tsOn) {
            s.options.setTimestamps(++peerTs, lastTsVal());
        }
        c.segmentArrived(s, clock.nanoTime());
    }

    int lastTsVal() {
        for (int i = out.size() - 1; i >= 0; i--) {
            if (out.get(i).options().hasTimestamps()) {
                return out.get(i).options().tsVal();
            }
        }
        return 0;
    }

    void write(int length) throws Exception {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) i;
        }
        int done = 0;
        while (done < length) {
            done += c.snd.write(b, done, length - done, System.nanoTime() + 1_000_000_000L);
        }
        c.appWake();
    }

    void advanceMillis(long ms) {
        clock.advanceMillis(ms);
        wheel.advanceTo(clock.nanoTime());
    }

    Seg last() {
        return out.get(out.size() - 1);
    }

    List<Seg> take() {
        List<Seg> l = new ArrayList<>(out);
        out.clear();
        gso.clear();
        return l;
    }
}
