package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.netstack4j.time.Clock;

/** The shard's per-packet path (validate, answer an echo request in place, write) allocates nothing. */
class StackAllocationTest {
    private static final int PEER = RawPeer.ip("10.0.0.2");
    private static final int US = RawPeer.ip("10.0.0.1");

    @Test
    void answeringEchoRequestsAllocatesNothingOnTheShardThread() throws Exception {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.setThreadAllocatedMemoryEnabled(true);
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(1))) {
            byte[] request = RawPeer.echoRequest(PEER, US, 1, 56);
            exchange(r, request, 5000); // warm up: pools filled, code compiled
            long shard = r.stack.shardThreads().get(0).threadId();
            long before = mx.getThreadAllocatedBytes(shard);
            int n = 5000;
            exchange(r, request, n);
            long perPacket = (mx.getThreadAllocatedBytes(shard) - before) / n;
            System.out.println("shard thread allocation per echo request: " + perPacket + " bytes");
            assertThat(perPacket).isZero();
        }
    }

    private static void exchange(RawPeer r, byte[] request, int count) throws InterruptedException {
        int answered = 0;
        for (int i = 0; i < count; i++) {
            r.send(request);
            // Keep a few requests in flight at most, so neither the pipe nor the shard queue overflows.
            if (i - answered >= 32) {
                if (r.received.poll(10, TimeUnit.SECONDS) == null) {
                    throw new AssertionError("no reply");
                }
                answered++;
            }
        }
        while (answered < count) {
            if (r.received.poll(10, TimeUnit.SECONDS) == null) {
                throw new AssertionError("no reply after " + answered);
            }
            answered++;
        }
    }
}
