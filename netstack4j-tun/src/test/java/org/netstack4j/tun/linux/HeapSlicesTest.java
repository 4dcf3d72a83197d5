package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The per-(array, offset) heap segment cache behind the zero-allocation downcalls. */
class HeapSlicesTest {

    @Test
    void theSameBufferAtTheSameOffsetGetsTheSameSegment() {
        HeapSlices cache = new HeapSlices(16);
        byte[] a = new byte[100];
        byte[] b = new byte[100];
        MemorySegment a10 = cache.at(a, 10);
        assertThat(cache.at(a, 10)).isSameAs(a10);
        assertThat(cache.at(a, 12)).isNotSameAs(a10);
        assertThat(cache.at(b, 10)).isNotSameAs(a10);
        assertThat(a10.byteSize()).isEqualTo(90);
        a[10] = 42;
        a[99] = 7;
        assertThat(a10.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 42);
        assertThat(a10.get(ValueLayout.JAVA_BYTE, 89)).isEqualTo((byte) 7);
    }

    @Test
    void aFullTableReplacesEntriesAndStaysCorrect() {
        HeapSlices cache = new HeapSlices(8);
        byte[][] arrays = new byte[100][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = new byte[64];
            arrays[i][i % 64] = (byte) i;
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < arrays.length; i++) {
                MemorySegment s = cache.at(arrays[i], i % 64);
                assertThat(s.byteSize()).isEqualTo(64 - i % 64);
                assertThat(s.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) i);
            }
        }
    }
}
