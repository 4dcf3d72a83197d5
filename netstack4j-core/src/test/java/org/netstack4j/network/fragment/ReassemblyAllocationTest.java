package org.netstack4j.network.fragment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.testutil.AllocationMeter;

/** Reassembling datagrams from pooled fragments into pooled output allocates nothing once warm. */
class ReassemblyAllocationTest {
    private static final int DATAGRAMS = 5_000;

    @Test
    void steadyStateReassemblyAllocatesNothing() {
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        PacketBufferPool fragments = new PacketBufferPool(2048, 64, 64);
        PacketBufferPool output = new PacketBufferPool(65_535 + 40 + 64, 64, 4);
        Ipv4Reassembler v4 = new Ipv4Reassembler(ReassemblyConfig.ipv4(), output, new ReassemblyListener() { },
                new SplittableRandom(1));
        Ipv6Reassembler v6 = new Ipv6Reassembler(ReassemblyConfig.ipv6(), output, new ReassemblyListener() { },
                new SplittableRandom(2));
        byte[] d4 = TestPackets.ipv4(1, TestPackets.random(2500, 1));
        byte[] d6 = TestPackets.ipv6(new int[0], new int[0], 17, TestPackets.random(2500, 2));
        byte[][] v4Fragments = {
            TestPackets.ipv4Fragment(d4, 0, 1480, true).toByteArray(),
            TestPackets.ipv4Fragment(d4, 1480, 1020, false).toByteArray(),
        };
        byte[][] v6Fragments = {
            TestPackets.ipv6Fragment(d6, 40, 6, 0, 1456, true, 9).toByteArray(),
            TestPackets.ipv6Fragment(d6, 40, 6, 1456, 1044, false, 9).toByteArray(),
        };
        long[] sink = {0};
        long[] now = {0};
        Runnable run = () -> {
            for (int i = 0; i < DATAGRAMS; i++) {
                now[0] += 1_000;
                // Out of order and interleaved, so sorting and two pending trains are exercised.
                submit(v4, fragments, v4Fragments[1], now[0]);
                submit(v6, fragments, v6Fragments[1], now[0]);
                sink[0] += take(v4, submitStatus(v4, fragments, v4Fragments[0], now[0]));
                sink[0] += take(v6, submitStatus(v6, fragments, v6Fragments[0], now[0]));
            }
        };
        run.run();
        long allocated = meter.measure(run);
        assertThat(sink[0]).isEqualTo(2L * DATAGRAMS * (2520 + 2540));
        assertThat(allocated).as("bytes allocated for %d datagrams", 2 * DATAGRAMS).isLessThan(5_000);
    }

    private static void submit(Object reassembler, PacketBufferPool pool, byte[] bytes, long now) {
        submitStatus(reassembler, pool, bytes, now);
    }

    private static ReassemblyStatus submitStatus(Object reassembler, PacketBufferPool pool, byte[] bytes, long now) {
        PacketBuffer p = pool.acquire();
        p.appendBytes(bytes, 0, bytes.length);
        return reassembler instanceof Ipv4Reassembler v4 ? v4.submit(p, now) : ((Ipv6Reassembler) reassembler).submit(p, now);
    }

    private static long take(Object reassembler, ReassemblyStatus status) {
        if (status != ReassemblyStatus.COMPLETE) {
            return -1_000_000;
        }
        PacketBuffer out = reassembler instanceof Ipv4Reassembler v4 ? v4.takeReassembled()
                : ((Ipv6Reassembler) reassembler).takeReassembled();
        long length = out.length();
        out.release();
        return length;
    }
}
