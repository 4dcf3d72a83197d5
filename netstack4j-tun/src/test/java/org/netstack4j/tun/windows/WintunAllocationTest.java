package org.netstack4j.tun.windows;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;

/**
 * The per-packet paths allocate nothing once compiled: reads and writes through the fake library,
 * measured with the thread's allocation counter.
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
            fake.setSendPaused(adapter, true); // the send path runs into a full ring: both branches exercised
            long processed = 0;
            long readAllocated = -1;
            long writeAllocated = -1;
            // Rounds until compiled code shows no allocation, bounded: warm-up is the JIT's business.
            for (int round = 0; round < 20 && (readAllocated != 0 || writeAllocated != 0); round++) {
                for (int i = 0; i < BATCH; i++) {
                    fake.peerSend(adapter, TestPackets.ipv4(1000, i));
                }
                processed += BATCH;
                assertThat(fake.awaitProcessed(adapter, processed)).isTrue();
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < BATCH; i++) {
                    in.reset(64);
                    channel.read(in);
                }
                readAllocated = threads.getCurrentThreadAllocatedBytes() - before;
                before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < BATCH; i++) {
                    channel.writeBatch(out, 1); // the endpoint's path: a full ring is a short count
                }
                writeAllocated = threads.getCurrentThreadAllocatedBytes() - before;
                System.out.printf("round %d: %d reads allocated %d bytes, %d writes %d bytes%n",
                        round, BATCH, readAllocated, BATCH, writeAllocated);
            }
            assertThat(readAllocated).as("bytes allocated by %d reads", BATCH).isZero();
            assertThat(writeAllocated).as("bytes allocated by %d writes", BATCH).isZero();
            assertThat(fake.receiveDrops(adapter)).isZero();
        }
    }
}
