package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.TcpHeader.ACK;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.netstack4j.testutil.AllocationMeter;
import org.netstack4j.time.ManualClock;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.transport.TransportHost;

/**
 * The connection's steady state allocates nothing per segment: receiving in-order data and ACKing it, and
 * sending data and taking ACKs (the sink here drops what it is given; the real one uses pooled buffers).
 */
class TcpAllocationTest {

    @Test
    void receivingAndSendingDataAllocatesNothingPerSegment() throws Exception {
        steadyState(1 << 20);
    }

    @Test
    void anAutoTunedReceiveBufferAllocatesNothingPerSegmentEither() throws Exception {
        steadyState(0); // the configuration's size, auto-tuned: the tuner measures on every data segment
    }

    private static void steadyState(int receiveBuffer) throws Exception {
        ManualClock clock = new ManualClock(1_000_000_000L);
        TimerWheel wheel = new TimerWheel(1_000_000L, 1024, clock.nanoTime());
        long[] lastAckSeq = new long[1];
        SegmentSink sink = (c, seq, ack, flags, window, options, data, off, len, gso) -> {
            lastAckSeq[0] = seq + len;
            return true;
        };
        TcpShardContext ctx = new TcpShardContext(TcpConfig.defaults(), new TcpCounters(), sink, wheel,
                clock::nanoTime, Runnable::run, new AtomicLong());
        TcpConnection c = new TcpConnection(ctx, 4, 0, 1, 40000, 0, 2, 80,
                new TransportHost.Path(1, 4, 0, 1, 1500, 0, false), 1 << 20, receiveBuffer);
        ctx.table.put(c);
        c.open(1000, clock.nanoTime());
        TcpSegment s = new TcpSegment();
        s.set(5000, 1001, 0x12, 65535, new byte[0], 0, 0);
        s.options.clear().setMss(1460).setWindowScale(7).setSackPermitted(true).setTimestamps(1, 0);
        c.segmentArrived(s, clock.nanoTime());
        byte[] payload = new byte[1448];
        byte[] sink2 = new byte[1 << 16];
        byte[] app = new byte[1448];
        int[] peerSeq = {5001};
        int[] ts = {2};
        Runnable receive = () -> {
            s.set(peerSeq[0], c.sndUna, ACK, 4000, payload, 0, 1448);
            s.options.clear().setTimestamps(ts[0]++, 0);
            c.segmentArrived(s, clock.nanoTime());
            peerSeq[0] += 1448;
            if (c.rcv.available() != 1448) {
                throw new AssertionError("segment not taken: " + c);
            }
            try {
                c.rcv.read(sink2, 0, sink2.length, Long.MAX_VALUE);
                c.snd.tryWrite(app, 0, app.length);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            c.appWake();
            // The peer acknowledges everything we sent.
            s.set(peerSeq[0], c.sndNxt, ACK, 4000, payload, 0, 0);
            s.options.clear().setTimestamps(ts[0]++, 0);
            c.segmentArrived(s, clock.nanoTime());
            clock.advanceNanos(100_000);
            wheel.advanceTo(clock.nanoTime());
        };
        for (int i = 0; i < 20_000; i++) {
            receive.run(); // warm-up: rings grown, JIT done
        }
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        long bytes = meter.measure(() -> {
            for (int i = 0; i < 5000; i++) {
                receive.run();
            }
        });
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
        if (receiveBuffer == 0) {
            assertThat(c.rcvTuner().rtt()).as("the tuner measured").isPositive();
        }
        assertThat(bytes / 5000.0).as("bytes allocated per round (data in, ACK out, data out, ACK in)")
                .isLessThan(1.0);
    }
}
