package org.netstack4j.bench.wire;

import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpOptions;
import org.netstack4j.wire.TcpOptionsWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-segment TCP receive work of the wire layer: wrap (with option validation), option parse and
 * checksum verification of a 1460-byte segment, and the emit side. Run with {@code -prof gc} to see
 * that none of it allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpParseBenchmark {
    private static final int SRC = 0xc000_0201;
    private static final int DST = 0xc000_0202;

    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptions options = new TcpOptions();
    private byte[] syn;
    private byte[] segment;
    private byte[] out;

    @Setup
    public void setUp() {
        syn = HexFormat.of().parseHex(
                "de020050469e70af00000000a002faf0f3930000020405b40402080af6df48f4000000000103030a");
        segment = new byte[32 + 1460];
        int n = TcpOptionsWriter.writeTimestamps(segment, TcpHeader.MIN_LENGTH, 1, 2);
        TcpHeader.write(segment, 0, 443, 50000, 1000, 2000, TcpHeader.MIN_LENGTH + n, TcpHeader.ACK, 501, 0);
        tcp.wrap(segment, 0, segment.length);
        tcp.setChecksum(tcp.computeChecksumIpv4(SRC, DST));
        out = new byte[60];
    }

    @Benchmark
    public int wrapAndParseSynOptions() {
        if (tcp.wrap(syn, 0, syn.length) != ParseResult.OK || options.parse(tcp) != ParseResult.OK) {
            return -1;
        }
        return options.mss() + options.windowScale();
    }

    @Benchmark
    public boolean wrapParseAndVerifyDataSegment() {
        return tcp.wrap(segment, 0, segment.length) == ParseResult.OK
                && options.parse(tcp) == ParseResult.OK
                && tcp.verifyChecksumIpv4(SRC, DST);
    }

    @Benchmark
    public int writeAckWithTimestamps() {
        int n = TcpOptionsWriter.writeTimestamps(out, TcpHeader.MIN_LENGTH, 12345, 678);
        TcpHeader.write(out, 0, 443, 50000, 1000, 2000, TcpHeader.MIN_LENGTH + n, TcpHeader.ACK, 501, 0);
        return n;
    }
}
