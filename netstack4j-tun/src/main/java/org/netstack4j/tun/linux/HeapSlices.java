package org.netstack4j.tun.linux;

import java.lang.foreign.MemorySegment;

/**
 * Heap segments for critical downcalls, cached per (array, offset): a segment over
 * {@code array[offset..]} made once and handed out again for the same buffer at the same offset.
 *
 * <p>Making the segment per call ({@code MemorySegment.ofArray(a).asSlice(o)}) costs an allocation
 * that the JIT usually, but not always, removes: when C2 declines to inline the slice's copy
 * ("low call site frequency", seen in about one JVM run in six) every packet allocates. Pooled
 * packet buffers come back at the same offsets, so a table a little larger than the pool makes the
 * steady state allocation-free whatever the compiler decides.
 *
 * <p>Open addressing with a short probe; when the probe finds no free slot the first one is
 * replaced, so the table never grows and a stream of one-off buffers only costs what it would
 * without the cache. It keeps up to {@code capacity} arrays reachable. One instance per thread (or
 * under a lock).
 */
final class HeapSlices {
    private static final int PROBE = 4;

    private final byte[][] arrays;
    private final int[] offsets;
    private final MemorySegment[] segments;
    private final int mask;

    /** @param capacity slots, rounded up to a power of two */
    HeapSlices(int capacity) {
        int size = Integer.highestOneBit(Math.max(PROBE, capacity - 1)) << 1;
        this.arrays = new byte[size][];
        this.offsets = new int[size];
        this.segments = new MemorySegment[size];
        this.mask = size - 1;
    }

    /** A segment over {@code array} from {@code offset} to its end. */
    MemorySegment at(byte[] array, int offset) {
        int h = (System.identityHashCode(array) * 0x9E3779B1 + offset) & mask;
        for (int i = 0; i < PROBE; i++) {
            int slot = (h + i) & mask;
            byte[] a = arrays[slot];
            if (a == array && offsets[slot] == offset) {
                return segments[slot];
            }
            if (a == null) {
                return fill(slot, array, offset);
            }
        }
        return fill(h, array, offset);
    }

    private MemorySegment fill(int slot, byte[] array, int offset) {
        MemorySegment s = MemorySegment.ofArray(array).asSlice(offset);
        arrays[slot] = array;
        offsets[slot] = offset;
        segments[slot] = s;
        return s;
    }
}
