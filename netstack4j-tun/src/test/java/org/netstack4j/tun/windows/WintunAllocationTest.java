package org.netstack4j.tun.windows;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;

/**
 * The per-packet paths allocate nothing once compiled: reads and writes through the fake library,
 * measured with the thread's allocation counter. (A refused batch, ring full, makes one
 * error-capturing call, which is allocation-free only once the JIT has removed the JDK's slice of
 * the capture segment; that is per batch, not per packet, and not measured here.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WintunAllocationTest {
    private static final int BATCH = 5_000;

    @Test
    void steadyStateReadsAndWritesAllocateNothing() throws Throwable {
        FakeWintun fake = FakeWintun.get();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (WintunChannel channel = WintunChannel.open(WintunOptions.builder("alloc" + System.nanoTime() % 100000)
                .libraryPath(FakeWintun.LIBRARY).natives(fake).build())) {
            WintunAdapter adapter = channel.adapter();
            PacketBuffer in = new PacketBuffer(2048, 64);
            PacketBuffer[] out = {TestPackets.buffer(TestPackets.ipv4(1000, 1))};
            byte[] inbound = TestPackets.ipv4(1000, 0);
            long processed = 0;
            long readAllocated = -1;
            long writeAllocated = -1;
            // Rounds until compiled code shows no allocation, bounded: warm-up is the JIT's business.
            for (int round = 0; round < 30 && (readAllocated != 0 || writeAllocated != 0); round++) {
                for (int i = 0; i < BATCH; i++) {
                    fake.peerSend(adapter, inbound);
                }
                processed += BATCH;
                assertThat(fake.awaitProcessed(adapter, processed)).isTrue();
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < BATCH; i++) {
                    in.reset(64);
                    channel.read(in);
                }
                readAllocated = threads.getCurrentThreadAllocatedBytes() - before;

                // An 8 MiB ring holds the whole batch: every write is accepted.
                fake.setSendPaused(adapter, true);
                before = threads.getCurrentThreadAllocatedBytes();
                int accepted = 0;
                for (int i = 0; i < BATCH; i++) {
                    accepted += channel.writeBatch(out, 1);
                }
                writeAllocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertThat(accepted).isEqualTo(BATCH);
                fake.setSendPaused(adapter, false);
                for (int i = 0; i < BATCH; i++) {
                    assertThat(fake.peerReceive(adapter, 10_000)).isNotNull();
                }
                System.out.printf("round %d: %d reads allocated %d bytes, %d writes %d bytes%n",
                        round, BATCH, readAllocated, BATCH, writeAllocated);
            }
            assertThat(readAllocated).as("bytes allocated by %d reads", BATCH).isZero();
            assertThat(writeAllocated).as("bytes allocated by %d writes", BATCH).isZero();
            assertThat(fake.receiveDrops(adapter)).isZero();
        }
    }
}
