package org.netstack4j.tun.windows;

import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/** Small FFM helpers shared by the Wintun classes. */
// Binding native code is this class's job; the module runs with native access enabled.
@SuppressWarnings("restricted")
final class FfmSupport {
    /**
     * All of the address space as one segment, so that memory behind a pointer returned as a raw
     * {@code long} is read and written without creating a segment per packet.
     */
    static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private FfmSupport() {}

    /** Pointers travel as {@code long}; that is only the same ABI on 64-bit platforms. */
    static void requireSixtyFourBit() {
        if (ValueLayout.ADDRESS.byteSize() != Long.BYTES) {
            throw new UnsupportedOperationException("netstack4j's Wintun binding needs a 64-bit JVM");
        }
    }

    /** The var handle reading {@code name} (e.g. "GetLastError", "errno") from a captured-state segment. */
    static VarHandle capturedStateHandle(String name) {
        return Linker.Option.captureStateLayout().varHandle(MemoryLayout.PathElement.groupElement(name));
    }

    /** Rethrows what a {@code MethodHandle.invokeExact} threw; only unchecked throwables can occur. */
    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
