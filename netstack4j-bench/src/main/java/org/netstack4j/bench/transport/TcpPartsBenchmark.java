package org.netstack4j.bench.transport;

import java.util.concurrent.TimeUnit;
import org.netstack4j.transport.tcp.CongestionControl;
import org.netstack4j.transport.tcp.CongestionControls;
import org.netstack4j.transport.tcp.SackScoreboard;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TCP sender's per-ACK bookkeeping outside the connection: a congestion controller's onAck in
 * congestion avoidance (with a loss every 10 000 ACKs so that the window stays bounded and CUBIC keeps
 * crossing its concave and convex regions), and a SACK scoreboard taking one new block, then computing
 * pipe and the next lost segment, as an ACK during SACK recovery does. Run with {@code -prof gc}: none of
 * it should allocate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpPartsBenchmark {
    private static final int MSS = 1460;
    private static final long ACK_INTERVAL_NANOS = 10_000; // 100 000 ACKs per second
    private static final long RTT_NANOS = 20_000_000;

    private CongestionControl cubic;
    private CongestionControl newReno;
    private long now;
    private long acks;

    private SackScoreboard board;
    private final int[] segment = new int[2];
    private int sndUna;
    private int block;

    @Setup
    public void setUp() {
        cubic = CongestionControls.CUBIC.create(MSS, CongestionControls.initialWindow(MSS));
        newReno = CongestionControls.NEW_RENO.create(MSS, CongestionControls.initialWindow(MSS));
        for (CongestionControl cc : new CongestionControl[] {cubic, newReno}) {
            for (int i = 0; i < 100; i++) {
                cc.onAck(2 * MSS, RTT_NANOS, cc.cwnd(), 0); // slow start to ~300 KB
            }
            cc.onCongestionEvent(cc.cwnd(), 0);
            cc.onRecoveryEnd(0);
        }
        board = new SackScoreboard(32);
        sndUna = -1_000_000; // crosses 2^32 during the run
    }

    private long onAck(CongestionControl cc) {
        now += ACK_INTERVAL_NANOS;
        if (++acks % 10_000 == 0) {
            cc.onCongestionEvent(cc.cwnd(), now);
            cc.onRecoveryEnd(now);
        }
        cc.onAck(2 * MSS, RTT_NANOS, cc.cwnd(), now);
        return cc.cwnd();
    }

    @Benchmark
    public long cubicOnAck() {
        return onAck(cubic);
    }

    @Benchmark
    public long newRenoOnAck() {
        return onAck(newReno);
    }

    /** One ACK in SACK recovery: a new block above a hole, SetPipe and NextSeg; the holes fill every 16. */
    @Benchmark
    public long sackUpdate() {
        int sndNxt = sndUna + 64 * MSS;
        int left = sndUna + (2 * block + 1) * MSS; // every other segment SACKed: up to 16 holes
        board.addBlock(left, left + MSS, sndUna, sndNxt);
        long pipe = board.pipe(sndUna, sndNxt, sndUna - 1, MSS);
        boolean lost = board.nextLostSegment(sndUna, sndNxt, sndUna - 1, MSS, segment);
        if (++block == 16) {
            block = 0;
            sndUna += 32 * MSS; // the retransmissions arrived: the cumulative ACK passes every block
            board.advance(sndUna);
        }
        return pipe + (lost ? segment[0] : 0);
    }
}
