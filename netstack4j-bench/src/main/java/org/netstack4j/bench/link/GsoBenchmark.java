package org.netstack4j.bench.link;

import java.util.concurrent.TimeUnit;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.link.FlowHash;
import org.netstack4j.link.gso.GsoResult;
import org.netstack4j.link.gso.GsoSegmenter;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv4Header;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Software GSO: cutting one TCP/IPv4 super-packet into 1448-byte segments (headers copied, lengths,
 * IDs, sequence numbers and flags fixed, IPv4 and TCP checksums computed) into pooled buffers, then
 * releasing them. One operation is one super-packet; divide by the segment count for per segment.
 * Also the flow hash of one packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GsoBenchmark {
    @Param({"14480", "64000"})
    int payload;

    private final GsoSegmenter segmenter = new GsoSegmenter();
    private final PacketBufferPool pool = new PacketBufferPool(1600, 64, 64);
    private final FlowHash flowHash = new FlowHash(7);
    private PacketBuffer superPacket;
    private PacketBuffer[] out;

    @Setup
    public void setup() {
        byte[] p = new byte[20 + 32 + payload];
        Ipv4Header.write(p, 0, 0, p.length, 1, Ipv4Header.FLAG_DONT_FRAGMENT, 0, 64, Ipv4Header.PROTOCOL_TCP,
                0x0a000001, 0x0a000002);
        Bytes.put16(p, 20, 40000);
        Bytes.put16(p, 22, 443);
        Bytes.put32(p, 24, 1);
        p[32] = (byte) 0x80; // data offset 8 words: timestamps
        p[33] = 0x18;        // ACK PSH
        p[40] = 1;
        p[41] = 1;
        p[42] = 8;
        p[43] = 10;
        superPacket = PacketBuffer.copyOf(p, 0);
        superPacket.gso(PacketBuffer.GSO_TCPV4, 1448);
        out = new PacketBuffer[(payload + 1447) / 1448];
    }

    @Benchmark
    public int segment() {
        if (segmenter.prepare(superPacket) != GsoResult.OK) {
            throw new IllegalStateException();
        }
        int n = segmenter.segment(superPacket, pool, out, 0);
        for (int i = 0; i < n; i++) {
            out[i].release();
            out[i] = null;
        }
        return n;
    }

    @Benchmark
    public int flowHash() {
        return flowHash.hash(superPacket.array(), superPacket.start(), superPacket.length());
    }
}
