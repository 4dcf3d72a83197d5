package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.buffer.PacketBuffer;

/**
 * The channels' per-packet paths allocate nothing in steady state: the FFM downcalls with heap
 * segments, the errno capture, the batch vectors. Measured with the JVM's per-thread allocation
 * counter over many packets once the path is compiled, so that one small allocation per packet would
 * show.
 */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class ChannelAllocationTest {
    private static final int ROUNDS = 20_000;
    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void counter() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)
                || !t.isThreadAllocatedMemorySupported()) {
            assumeTrue(false, "this JVM cannot count allocated bytes per thread");
            return;
        }
        t.setThreadAllocatedMemoryEnabled(true);
        threads = t;
    }

    @FunctionalInterface
    interface Work {
        long run() throws Exception;
    }

    /**
     * Bytes one run of {@code work} allocates once the JIT has compiled it: runs it until a run
     * allocates (almost) nothing, at most 40 times, and returns the smallest figure. The heap segments
     * handed to the downcalls are only free once C2 has compiled the path (escape analysis removes
     * them); on a busy machine that takes a variable number of runs, hence no fixed warm-up.
     */
    private static long allocatedBy(Work work) throws Exception {
        long sink = work.run() + work.run(); // class loading, native vectors
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 40 && least >= ROUNDS / 10; i++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            sink += work.run();
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(sink).isNotZero();
        return least;
    }

    @ParameterizedTest(name = "batching={0}")
    @ValueSource(booleans = {false, true})
    void unixPairWriteAndReadAllocateNothing(boolean batching) throws Exception {
        SocketChannelOptions options = SocketChannelOptions.defaults().withBatching(batching).withBatchSize(8);
        try (UnixPacketChannel.Pair pair = UnixPacketChannel.pair(UnixPacketChannel.Type.SEQPACKET, options)) {
            PacketBuffer[] out = new PacketBuffer[8];
            PacketBuffer[] in = new PacketBuffer[8];
            for (int i = 0; i < out.length; i++) {
                out[i] = PacketBuffer.copyOf(new byte[100 + i], 64);
                in[i] = new PacketBuffer(2048, 64);
            }
            int[] lengths = new int[in.length];
            long bytes = allocatedBy(() -> {
                long total = 0;
                for (int r = 0; r < ROUNDS / 8; r++) {
                    int sent = pair.first().writeBatch(out, out.length);
                    int got = 0;
                    while (got < sent) {
                        for (PacketBuffer b : in) {
                            b.reset(64);
                        }
                        got += pair.second().readBatch(in, lengths, in.length);
                    }
                    pair.first().write(out[0]);
                    in[0].reset(64);
                    total += got + pair.second().read(in[0]);
                }
                return total;
            });
            assertThat(bytes).as("bytes allocated for %d packets", ROUNDS).isLessThan(ROUNDS / 10);
        }
    }

    @Test
    @RequiresNetAdmin
    void tunWriteAndReadAllocateNothing() throws Exception {
        try (TunDevice tun = TunDevice.open(TunOptions.tun(TestSupport.uniqueName("nz")))) {
            TestSupport.disableIpv6(tun.name());
            tun.setUp(true).addAddress(InetAddress.getByName("10.87.0.1"), 24);
            TunChannel q = tun.queue(0);
            PacketBuffer request = PacketBuffer.copyOf(TestPackets.icmpEcho(true, TestPackets.ipv4("10.87.0.2"),
                    TestPackets.ipv4("10.87.0.1"), 1, 1, new byte[32]), 64);
            PacketBuffer reply = new PacketBuffer(2048, 64);
            long bytes = allocatedBy(() -> {
                long total = 0;
                for (int r = 0; r < ROUNDS / 4; r++) {
                    q.write(request); // the kernel answers each echo request on the device
                    reply.reset(64);
                    total += q.read(reply); // usually waits in epoll first
                }
                return total;
            });
            assertThat(bytes).as("bytes allocated for %d round trips", ROUNDS / 4).isLessThan(ROUNDS / 10);
        }
    }
}
