package org.netstack4j.tun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A native {@code struct mmsghdr} array for {@code recvmmsg}/{@code sendmmsg}, each message with
 * one iovec pointing at its own slot of a native staging area. The kernel only accepts native
 * addresses inside message headers, so packets are copied between these slots and the heap buffers.
 * Built once; a batch only rewrites lengths.
 */
final class MessageVector {
    private final MemorySegment headers;
    private final MemorySegment iovecs;
    private final MemorySegment slots;
    private final int count;
    private final int slotSize;

    MessageVector(Arena arena, int count, int slotSize) {
        this.count = count;
        this.slotSize = slotSize;
        this.headers = arena.allocate((long) Libc.MMSGHDR_SIZE * count, 8);
        this.iovecs = arena.allocate((long) Libc.IOVEC_SIZE * count, 8);
        this.slots = arena.allocate((long) slotSize * count, 64);
        for (int i = 0; i < count; i++) {
            long h = (long) i * Libc.MMSGHDR_SIZE;
            long v = (long) i * Libc.IOVEC_SIZE;
            iovecs.set(ValueLayout.ADDRESS, v, slots.asSlice((long) i * slotSize, slotSize));
            iovecs.set(ValueLayout.JAVA_LONG, v + 8, slotSize);
            headers.set(ValueLayout.ADDRESS, h + Libc.MSGHDR_IOV, iovecs.asSlice(v, Libc.IOVEC_SIZE));
            headers.set(ValueLayout.JAVA_LONG, h + Libc.MSGHDR_IOVLEN, 1);
        }
    }

    int count() {
        return count;
    }

    int slotSize() {
        return slotSize;
    }

    /** The header array to pass to the system call. */
    MemorySegment headers() {
        return headers;
    }

    /** Resets every iovec to the full slot, for a receive. */
    void prepareReceive(int n) {
        for (int i = 0; i < n; i++) {
            iovecs.set(ValueLayout.JAVA_LONG, (long) i * Libc.IOVEC_SIZE + 8, slotSize);
            headers.set(ValueLayout.JAVA_INT, (long) i * Libc.MMSGHDR_SIZE + Libc.MSGHDR_FLAGS, 0);
        }
    }

    /** {@code msg_len} of message {@code i} after a receive (the real length with {@code MSG_TRUNC}). */
    int receivedLength(int i) {
        return headers.get(ValueLayout.JAVA_INT, (long) i * Libc.MMSGHDR_SIZE + Libc.MMSGHDR_LEN);
    }

    /** Copies {@code length} bytes of slot {@code i} into {@code dst[offset..]}. */
    void copyOut(int i, byte[] dst, int offset, int length) {
        MemorySegment.copy(slots, ValueLayout.JAVA_BYTE, (long) i * slotSize, dst, offset, length);
    }

    /** Stages {@code length} bytes of {@code src} as message {@code i} of a send. */
    void stage(int i, byte[] src, int offset, int length) {
        MemorySegment.copy(src, offset, slots, ValueLayout.JAVA_BYTE, (long) i * slotSize, length);
        iovecs.set(ValueLayout.JAVA_LONG, (long) i * Libc.IOVEC_SIZE + 8, length);
    }
}
