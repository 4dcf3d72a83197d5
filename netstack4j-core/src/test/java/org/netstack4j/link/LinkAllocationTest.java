package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.netstack4j.link.TestPackets.v4;
import static org.netstack4j.link.TestPackets.v6;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.MacAddress;

/**
 * The link layer's per-packet paths allocate nothing in steady state: inbound framing and delivery,
 * outbound hashing, grouping and framing over several channels, and software GSO. Measured with the
 * JVM's per-thread allocation counter over many packets, so that even one small allocation per packet
 * would show.
 */
class LinkAllocationTest {
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

    private static long allocatedBy(LongSupplier work) {
        long sink = work.getAsLong(); // warm up: class loading, thread-local scratch, pool fill
        sink += work.getAsLong();
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += work.getAsLong();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isNotZero();
        return allocated;
    }

    @Test
    void inboundFramingAndDeliveryAllocateNothing() throws Exception {
        try (LinkPair l = LinkPair.open(LinkPair.Transport.PIPE, 1)) {
            PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder().channel(l.endpointSide[0])
                    .ethernetHeader(true).address(MacAddress.parse("02:00:00:00:00:01")).build());
            long[] delivered = new long[1];
            e.attach((ep, remote, local, proto, p) -> delivered[0] += proto); // keeps the buffer: the test reuses it
            byte[] frame = PacketEndpointTest.ethernet(MacAddress.parse("02:00:00:00:00:01"),
                    MacAddress.parse("02:00:00:00:00:02"), 0x0800, PacketEndpointTest.udp4(100));
            PacketBuffer buf = new PacketBuffer(2048, PacketEndpoint.RX_HEADROOM);
            long bytes = allocatedBy(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    buf.reset(PacketEndpoint.RX_HEADROOM);
                    buf.appendBytes(frame, 0, frame.length);
                    e.receive(0, buf, frame.length); // the loop's per-packet step, on this thread
                }
                return delivered[0];
            });
            assertThat(bytes).as("bytes allocated for %d frames", ROUNDS).isLessThan(ROUNDS / 10);
            e.close();
        }
    }

    @Test
    void outboundHashingGroupingAndFramingAllocateNothing() {
        PacketEndpointOptions.Builder b = PacketEndpointOptions.builder().ethernetHeader(true)
                .address(MacAddress.parse("02:00:00:00:00:01"));
        for (int i = 0; i < 4; i++) {
            b.channel(new DiscardChannel());
        }
        PacketEndpoint e = PacketEndpoint.create(b.build());
        PacketBuffer[] batch = new PacketBuffer[32];
        for (int i = 0; i < batch.length; i++) {
            byte[] p = i % 2 == 0
                    ? TestPackets.ipv4Tcp(v4(10, 0, 0, 1), v4(10, 0, 1, i), 1000 + i, 80, i, 0, TestPackets.TCP_ACK, 10, new byte[0], new byte[64], i)
                    : TestPackets.ipv6Udp(v6(1), v6(i), 2000 + i, 53, new byte[64]);
            batch[i] = PacketBuffer.copyOf(p, 14);
            batch[i].remoteLinkAddress(0x0200_0000_0002L);
        }
        long bytes = allocatedBy(() -> {
            long sent = 0;
            for (int i = 0; i < ROUNDS / 32; i++) {
                sent += e.writePackets(batch, batch.length);
            }
            return sent;
        });
        assertThat(bytes).as("bytes allocated for %d packets", ROUNDS).isLessThan(ROUNDS / 10);
        e.close();
    }

    @Test
    void softwareGsoAllocatesNothing() {
        PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder().channel(new DiscardChannel())
                .channel(new DiscardChannel()).softwareGso(true).build());
        byte[] superBytes = TestPackets.ipv4Tcp(v4(10, 0, 0, 1), v4(10, 0, 0, 2), 1000, 80, 1, 0, TestPackets.TCP_ACK, 10,
                new byte[0], new byte[64_000], 1);
        PacketBuffer p = PacketBuffer.copyOf(superBytes, 0);
        p.gso(PacketBuffer.GSO_TCPV4, 1460);
        long bytes = allocatedBy(() -> {
            long sent = 0;
            for (int i = 0; i < ROUNDS / 44; i++) {
                sent += e.writePacket(p) ? 1 : 0;
            }
            return sent;
        });
        assertThat(bytes).as("bytes allocated for %d segments", ROUNDS).isLessThan(ROUNDS / 10);
        assertThat(e.statistics().totalDrops()).isZero();
        e.close();
    }

    @Test
    void flowHashAllocatesNothing() {
        FlowHash h = new FlowHash(1);
        byte[] a = TestPackets.ipv4Tcp(1, 2, 3, 4, 5, 6, TestPackets.TCP_ACK, 7, new byte[0], new byte[10], 1);
        byte[] b = TestPackets.ipv6TcpWithExtensions(v6(1), v6(2), new int[] {0}, new byte[][] {TestPackets.ipv6PadOptionsHeader()},
                1, 2, 3, TestPackets.TCP_ACK, new byte[0], new byte[10]);
        long bytes = allocatedBy(() -> {
            long sink = 0;
            for (int i = 0; i < ROUNDS; i++) {
                sink += h.hash(a, 0, a.length) + h.hash(b, 0, b.length);
            }
            return sink | 1;
        });
        assertThat(bytes).isLessThan(ROUNDS / 10);
    }

    /** Accepts and forgets every packet; a read blocks until close. */
    static final class DiscardChannel implements PacketChannel {
        private volatile boolean open = true;

        @Override
        public int read(PacketBuffer buffer) throws java.io.IOException {
            synchronized (this) {
                while (open) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            throw new java.nio.channels.AsynchronousCloseException();
        }

        @Override
        public void write(PacketBuffer packet) {
        }

        @Override
        public int writeBatch(PacketBuffer[] packets, int count) {
            return count;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            synchronized (this) {
                notifyAll();
            }
        }
    }
}
