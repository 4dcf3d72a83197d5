package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.link.TestPackets.v4;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;

/**
 * A channel that hands super-packets over whole: the endpoint's receive buffers have room for one, a
 * GSO-marked packet past the MTU is delivered whole with its metadata, a small packet moves into an
 * MTU-sized buffer (its partial checksum with it), and an unmarked packet past the MTU is still oversized.
 * Each read batch ends with {@link NetworkDispatcher#endOfBatch}.
 */
class PacketEndpointSuperPacketTest {
    private static final int MTU = 1500;
    private static final int SUPER = 65_600;

    /** One scripted read: the bytes and the offload metadata a device would attach. */
    private record Read(byte[] bytes, int gsoType, int gsoSize, int checksumStart, int checksumOffset) {
    }

    /** Hands out scripted reads, blocking (bounded) when none is queued; reports super-packet support. */
    private static final class ScriptedChannel implements PacketChannel {
        final BlockingQueue<Read> reads = new LinkedBlockingQueue<>();
        volatile boolean open = true;
        volatile int smallestRoom = Integer.MAX_VALUE;

        @Override
        public int read(PacketBuffer buffer) throws IOException {
            while (open) {
                Read r;
                try {
                    r = reads.poll(20, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClosedChannelException();
                }
                if (r == null) {
                    continue;
                }
                int room = buffer.capacity() - buffer.start();
                smallestRoom = Math.min(smallestRoom, room);
                int at = buffer.start();
                System.arraycopy(r.bytes, 0, buffer.array(), at, r.bytes.length);
                buffer.setBounds(at, at + r.bytes.length);
                if (r.gsoType != PacketBuffer.GSO_NONE) {
                    buffer.gso(r.gsoType, r.gsoSize);
                }
                if (r.checksumStart >= 0) {
                    buffer.checksumPartial(at + r.checksumStart, r.checksumOffset);
                }
                return r.bytes.length;
            }
            throw new ClosedChannelException();
        }

        @Override
        public void write(PacketBuffer packet) {
        }

        @Override
        public boolean carriesOffloadMetadata() {
            return true;
        }

        @Override
        public int maxSuperPacket() {
            return SUPER;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** What the dispatcher saw of one packet. */
    private record Seen(byte[] bytes, int gsoType, int gsoSize, int capacity, int checksumFromStart, int checksumOffset) {
    }

    @Test
    void superPacketsArriveWholeSmallPacketsInMtuBuffersAndUnmarkedBigOnesAreOversized() throws Exception {
        ScriptedChannel channel = new ScriptedChannel();
        BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        AtomicInteger batchesEnded = new AtomicInteger();
        PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder().channel(channel).mtu(MTU)
                .softwareGso(true).build());
        try {
            e.attach(new NetworkDispatcher() {
                @Override
                public void deliverNetworkPacket(LinkEndpoint ep, long remote, long local, int protocol, PacketBuffer p) {
                    seen.add(new Seen(p.toByteArray(), p.gsoType(), p.gsoSize(), p.capacity(),
                            p.checksumPartial() ? p.checksumStart() - p.start() : -1, p.checksumOffset()));
                    p.release();
                }

                @Override
                public void endOfBatch(LinkEndpoint ep) {
                    batchesEnded.incrementAndGet();
                }
            });
            byte[] big = TestPackets.ipv4Udp(v4(10, 0, 0, 1), v4(10, 0, 0, 2), 1000, 2000,
                    TestPackets.payload(30_000, 1));
            byte[] small = TestPackets.ipv4Udp(v4(10, 0, 0, 1), v4(10, 0, 0, 2), 1000, 2000,
                    TestPackets.payload(72, 2));
            byte[] unmarked = TestPackets.ipv4Udp(v4(10, 0, 0, 1), v4(10, 0, 0, 2), 1000, 2000,
                    TestPackets.payload(3000, 3));
            channel.reads.add(new Read(big, PacketBuffer.GSO_TCPV4, 1448, 20, 16));
            channel.reads.add(new Read(small, PacketBuffer.GSO_NONE, 0, 20, 6));
            channel.reads.add(new Read(unmarked, PacketBuffer.GSO_NONE, 0, -1, 0));
            channel.reads.add(new Read(small, PacketBuffer.GSO_NONE, 0, -1, 0));

            Seen whole = seen.poll(10, TimeUnit.SECONDS);
            assertThat(whole).isNotNull();
            assertThat(whole.bytes()).isEqualTo(big);
            assertThat(whole.gsoType()).isEqualTo(PacketBuffer.GSO_TCPV4);
            assertThat(whole.gsoSize()).isEqualTo(1448);
            assertThat(whole.checksumFromStart()).isEqualTo(20);
            assertThat(channel.smallestRoom).as("every read buffer has room for a super-packet")
                    .isGreaterThanOrEqualTo(SUPER);

            Seen moved = seen.poll(10, TimeUnit.SECONDS);
            assertThat(moved).isNotNull();
            assertThat(moved.bytes()).isEqualTo(small);
            assertThat(moved.capacity()).as("a small packet does not keep a 64 KiB buffer").isLessThan(4096);
            assertThat(moved.checksumFromStart()).isEqualTo(20);
            assertThat(moved.checksumOffset()).isEqualTo(6);

            Seen after = seen.poll(10, TimeUnit.SECONDS);
            assertThat(after).isNotNull();
            assertThat(after.bytes()).isEqualTo(small);
            assertThat(after.checksumFromStart()).isEqualTo(-1);
            assertThat(e.statistics().drops(LinkDropReason.OVERSIZED)).isEqualTo(1);
            assertThat(e.statistics().packetsIn()).isEqualTo(3);
            assertThat(batchesEnded.get()).isPositive();
        } finally {
            e.close();
            e.awaitTermination();
        }
    }
}
