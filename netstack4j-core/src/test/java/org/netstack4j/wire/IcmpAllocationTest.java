package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The per-packet path of the ICMP views (wrap, accessors, checksum verification, option walk and
 * the writers) allocates nothing: measured with the JVM's per-thread allocation counter over many
 * packets, so that even a single small allocation per packet would show.
 */
class IcmpAllocationTest {
    private static final int PACKETS = 20_000;

    @Test
    void parsingVerifyingAndWritingAllocateNothingPerPacket() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported()) {
            assumeTrue(false, "this JVM cannot count allocated bytes per thread");
            return;
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        byte[] ns = Icmpv6MessageTest.KERNEL_NEIGHBOR_SOLICITATION.clone();
        byte[] unreachable = Icmpv4MessageTest.KERNEL_PORT_UNREACHABLE.clone();
        byte[] out = new byte[256];
        Icmpv4Message v4 = new Icmpv4Message();
        Icmpv6Message v6 = new Icmpv6Message();
        NdpOptionCursor cursor = new NdpOptionCursor();

        long sink = run(1_000, ns, unreachable, out, v4, v6, cursor); // warm up: class loading, first calls
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += run(PACKETS, ns, unreachable, out, v4, v6, cursor);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sink).isNotZero();
        assertThat(allocated).as("bytes allocated for %d packets", PACKETS).isLessThan(PACKETS / 10);
    }

    private static long run(int packets, byte[] ns, byte[] unreachable, byte[] out, Icmpv4Message v4,
                            Icmpv6Message v6, NdpOptionCursor cursor) {
        long sink = 0;
        for (int i = 0; i < packets; i++) {
            if (v6.wrap(ns, 40, ns.length - 40).isOk() && v6.checksumValid(ns, 8, 24)) {
                sink += v6.targetAddressLow();
                cursor.reset(v6);
                while (cursor.next()) {
                    if (cursor.type() == NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS) {
                        sink += cursor.linkLayerAddress();
                    }
                }
            }
            if (v4.wrap(unreachable, 20, unreachable.length - 20).isOk() && v4.checksumValid()) {
                sink += v4.code() + v4.invokingDatagramLength();
            }
            sink += Icmpv6Message.writeNeighborAdvertisement(out, 0, Icmpv6Message.NA_FLAG_SOLICITED, 1, i,
                    0x0200_0000_0001L, 1, 2, 3, 4);
            sink += Icmpv4Message.writeEcho(out, 64, Icmpv4Message.TYPE_ECHO_REPLY, i, i, 32);
        }
        return sink;
    }
}
