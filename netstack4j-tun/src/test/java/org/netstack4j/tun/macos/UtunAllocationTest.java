package org.netstack4j.tun.macos;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;

/** The utun channel's per-packet paths allocate nothing once compiled (over a socket pair). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UtunAllocationTest {
    private static final int BATCH = 100;

    @Test
    void steadyStateReadsAndWritesAllocateNothing() throws Throwable {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (SocketPair pair = new SocketPair(); UtunChannel channel = UtunChannel.adopt(pair.channelFd, "utun-alloc")) {
            byte[] packet = new byte[200];
            packet[0] = 0x45;
            PacketBuffer[] out = {PacketBuffer.copyOf(packet, 0)};
            PacketBuffer in = new PacketBuffer(2048, 64);
            long readAllocated = -1;
            long writeAllocated = -1;
            for (int round = 0; round < 500 && (readAllocated != 0 || writeAllocated != 0); round++) {
                for (int i = 0; i < BATCH; i++) {
                    pair.sendFramed(UtunFraming.AF_INET, packet);
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < BATCH; i++) {
                    in.reset(64);
                    channel.read(in);
                }
                readAllocated = threads.getCurrentThreadAllocatedBytes() - before;
                before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < BATCH; i++) {
                    channel.writeBatch(out, 1);
                }
                writeAllocated = threads.getCurrentThreadAllocatedBytes() - before;
                while (pair.receiveRaw(0) != null) {
                    // drain what the channel wrote so the next round's writes are not all drops
                }
                if (round % 50 == 0 || (readAllocated == 0 && writeAllocated == 0)) {
                    System.out.printf("round %d: %d reads allocated %d bytes, %d writes %d bytes%n",
                            round, BATCH, readAllocated, BATCH, writeAllocated);
                }
            }
            assertThat(readAllocated).as("bytes allocated by %d reads", BATCH).isZero();
            assertThat(writeAllocated).as("bytes allocated by %d writes", BATCH).isZero();
            assertThat(channel.stats().rxDroppedMalformed()).isZero();
        }
    }
}
