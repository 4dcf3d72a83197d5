package org.netstack4j.bench.link;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.PacketChannel;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.MacAddress;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packets per second of {@link PacketEndpoint#writePackets} spreading a batch of 64 packets of 64
 * different TCP/UDP flows over four channels by flow hash (and framing them in Ethernet mode). The
 * channels discard what they are given, so this measures the endpoint: hashing, grouping, framing,
 * counting. One operation is one packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WritePacketsBenchmark {
    private static final int BATCH = 64;

    @Param({"false", "true"})
    boolean ethernet;

    @Param({"1", "4"})
    int channels;

    private PacketEndpoint endpoint;
    private final PacketBuffer[] batch = new PacketBuffer[BATCH];

    @Setup(Level.Trial)
    public void setup() {
        PacketEndpointOptions.Builder b = PacketEndpointOptions.builder().flowHashSeed(12345);
        for (int i = 0; i < channels; i++) {
            b.channel(new DiscardChannel());
        }
        if (ethernet) {
            b.ethernetHeader(true).address(MacAddress.parse("02:00:00:00:00:01"));
        }
        endpoint = PacketEndpoint.create(b.build());
        for (int i = 0; i < BATCH; i++) {
            boolean v6 = i % 4 == 3;
            byte[] p = v6 ? ipv6(i) : ipv4(i, i % 2 == 0 ? 6 : 17);
            PacketBuffer pb = PacketBuffer.copyOf(p, 32);
            pb.remoteLinkAddress(0x02_00_00_00_00_02L);
            batch[i] = pb;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        endpoint.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int writePackets() {
        return endpoint.writePackets(batch, BATCH);
    }

    private static byte[] ipv4(int flow, int protocol) {
        byte[] p = new byte[20 + 20 + 64];
        p[0] = 0x45;
        Bytes.put16(p, 2, p.length);
        p[8] = 64;
        p[9] = (byte) protocol;
        Bytes.put32(p, 12, 0x0a000001);
        Bytes.put32(p, 16, 0x0a010000 + flow);
        Bytes.put16(p, 10, Checksum.compute(p, 0, 20));
        Bytes.put16(p, 20, 40000 + flow);
        Bytes.put16(p, 22, 443);
        p[32] = 0x50; // TCP data offset, harmless for UDP
        return p;
    }

    private static byte[] ipv6(int flow) {
        byte[] p = new byte[40 + 20 + 64];
        p[0] = 0x60;
        Bytes.put16(p, 4, 20 + 64);
        p[6] = 6;
        p[7] = 64;
        p[8] = 0x20;
        p[9] = 0x01;
        p[24] = 0x20;
        p[25] = 0x01;
        p[39] = (byte) flow;
        Bytes.put16(p, 40, 40000 + flow);
        Bytes.put16(p, 42, 443);
        p[52] = 0x50;
        return p;
    }

    /** Accepts and forgets every packet; a read blocks until close. */
    static final class DiscardChannel implements PacketChannel {
        private final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read(PacketBuffer buffer) throws IOException {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new AsynchronousCloseException();
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
            return closed.getCount() > 0;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }
}
