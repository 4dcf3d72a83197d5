package org.netstack4j.bench.wire;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
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
 * {@link Checksum#partial} against the straightforward one-word-at-a-time loop it replaced, for
 * header-sized and packet-sized ranges. Run: {@code java -jar netstack4j-bench/target/benchmarks.jar ChecksumBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChecksumBenchmark {
    @Param({"20", "40", "64", "1500", "9000", "65535"})
    int length;

    private byte[] data;

    @Setup
    public void setUp() {
        data = new byte[65536 + 1];
        new Random(1071).nextBytes(data);
    }

    @Benchmark
    public int wide() {
        return Checksum.partial(data, 1, length, 0);
    }

    @Benchmark
    public int wordAtATime() {
        long sum = 0;
        int end = 1 + length;
        int i = 1;
        for (; i + 1 < end; i += 2) {
            sum += Bytes.u16(data, i);
        }
        if (i < end) {
            sum += (data[i] & 0xff) << 8;
        }
        return Checksum.fold(sum);
    }
}
