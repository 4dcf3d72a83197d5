package org.netstack4j.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.netstack4j.wire.Bytes;
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
 * Decides what packet memory should be: the same wide-word one's-complement sum and a small
 * header read over a heap {@code byte[]} (array-view var handles), a heap and a direct
 * {@link ByteBuffer}, and a native {@link MemorySegment}. The stack's per-packet Java work is of
 * exactly this shape (checksums, field reads), so the fastest kind here is the buffer kind to use.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BufferKindBenchmark {
    @Param({"64", "1500", "65536"})
    int size;

    byte[] array;
    ByteBuffer heap;
    ByteBuffer direct;
    MemorySegment segment;

    @Setup
    public void setup() {
        array = new byte[size];
        ThreadLocalRandom.current().nextBytes(array);
        heap = ByteBuffer.wrap(array).order(ByteOrder.BIG_ENDIAN);
        direct = ByteBuffer.allocateDirect(size).order(ByteOrder.BIG_ENDIAN);
        direct.put(0, array);
        segment = Arena.ofAuto().allocate(size, 8);
        MemorySegment.copy(array, 0, segment, ValueLayout.JAVA_BYTE, 0, size);
    }

    private static final ValueLayout.OfLong LONG_BE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static int fold(long sum) {
        sum = (sum & 0xffff_ffffL) + (sum >>> 32);
        sum = (sum & 0xffff_ffffL) + (sum >>> 32);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    @Benchmark
    public int sumByteArray() {
        byte[] b = array;
        long sum = 0;
        int i = 0;
        for (; i + 8 <= b.length; i += 8) {
            long w = Bytes.i64(b, i);
            sum += (w >>> 32) + (w & 0xffff_ffffL);
        }
        return fold(sum);
    }

    @Benchmark
    public int sumHeapByteBuffer() {
        return sum(heap);
    }

    @Benchmark
    public int sumDirectByteBuffer() {
        return sum(direct);
    }

    // One loop for both ByteBuffer kinds: each benchmark runs in its own fork, so the call site
    // sees a single buffer class and is compiled for it.
    private static int sum(ByteBuffer b) {
        long sum = 0;
        int n = b.capacity();
        for (int i = 0; i + 8 <= n; i += 8) {
            long w = b.getLong(i);
            sum += (w >>> 32) + (w & 0xffff_ffffL);
        }
        return fold(sum);
    }

    @Benchmark
    public int sumNativeSegment() {
        MemorySegment s = segment;
        long sum = 0;
        long n = s.byteSize();
        for (long i = 0; i + 8 <= n; i += 8) {
            long w = s.get(LONG_BE, i);
            sum += (w >>> 32) + (w & 0xffff_ffffL);
        }
        return fold(sum);
    }

    /** A TCP/IPv4-style header read: a handful of scattered 8/16/32-bit fields. */
    @Benchmark
    public int headerFieldsByteArray() {
        byte[] b = array;
        return (b[0] & 0xf) + Bytes.u16(b, 2) + Bytes.u8(b, 8) + Bytes.i32(b, 12) + Bytes.i32(b, 16)
                + Bytes.u16(b, 20) + Bytes.u16(b, 22) + Bytes.i32(b, 24) + Bytes.i32(b, 28) + Bytes.u16(b, 34);
    }

    @Benchmark
    public int headerFieldsDirectByteBuffer() {
        ByteBuffer b = direct;
        return (b.get(0) & 0xf) + (b.getShort(2) & 0xffff) + (b.get(8) & 0xff) + b.getInt(12) + b.getInt(16)
                + (b.getShort(20) & 0xffff) + (b.getShort(22) & 0xffff) + b.getInt(24) + b.getInt(28)
                + (b.getShort(34) & 0xffff);
    }
}
