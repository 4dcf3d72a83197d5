package org.netstack4j.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Network-byte-order (big-endian) reads and writes on {@code byte[]}, the primitive every wire view
 * uses. Wide accesses go through array-view {@link VarHandle}s, which the JIT turns into single
 * (unaligned) loads and stores with one bounds check.
 *
 * <p>Callers check bounds once at {@code wrap} time; these methods still throw
 * {@link ArrayIndexOutOfBoundsException} on a bad index (they never read outside the array).
 */
public final class Bytes {
    private static final VarHandle SHORT_BE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    /** Unsigned byte at {@code index}. */
    public static int u8(byte[] b, int index) {
        return b[index] & 0xff;
    }

    /** Unsigned big-endian 16-bit value at {@code index}. */
    public static int u16(byte[] b, int index) {
        return (short) SHORT_BE.get(b, index) & 0xffff;
    }

    /** Big-endian 32-bit value at {@code index} (as a Java int; use {@link #u32} for unsigned). */
    public static int i32(byte[] b, int index) {
        return (int) INT_BE.get(b, index);
    }

    /** Unsigned big-endian 32-bit value at {@code index}. */
    public static long u32(byte[] b, int index) {
        return i32(b, index) & 0xffff_ffffL;
    }

    /** Big-endian 64-bit value at {@code index}. */
    public static long i64(byte[] b, int index) {
        return (long) LONG_BE.get(b, index);
    }

    /** Writes the low 8 bits of {@code value}. */
    public static void put8(byte[] b, int index, int value) {
        b[index] = (byte) value;
    }

    /** Writes the low 16 bits of {@code value}, big-endian. */
    public static void put16(byte[] b, int index, int value) {
        SHORT_BE.set(b, index, (short) value);
    }

    /** Writes {@code value} big-endian. */
    public static void put32(byte[] b, int index, int value) {
        INT_BE.set(b, index, value);
    }

    /** Writes the low 32 bits of {@code value} big-endian. */
    public static void put32(byte[] b, int index, long value) {
        INT_BE.set(b, index, (int) value);
    }

    /** Writes {@code value} big-endian. */
    public static void put64(byte[] b, int index, long value) {
        LONG_BE.set(b, index, value);
    }
}
