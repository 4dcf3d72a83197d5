package org.netstack4j.tun.windows;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The raw per-packet calls of one Wintun session. Packet addresses are plain {@code long}s into the
 * session's rings; nothing here allocates. Used by {@link WintunChannel}, which owns the ordering
 * and the threading rules; tests use it directly to hold packets.
 */
final class WintunSession {
    private final WintunLibrary library;
    private final MethodHandle receivePacket;
    private final MethodHandle receivePacketUnchecked;
    private final MethodHandle releaseReceivePacket;
    private final MethodHandle allocateSendPacket;
    private final MethodHandle allocateSendPacketUnchecked;
    private final MethodHandle sendPacket;
    final long handle;
    /** The session's read-wait event handle; owned by the session, never closed by us. */
    final long readEvent;

    WintunSession(WintunLibrary library, long handle, long readEvent) {
        this.library = library;
        this.receivePacket = library.receivePacket;
        this.receivePacketUnchecked = library.receivePacketUnchecked;
        this.releaseReceivePacket = library.releaseReceivePacket;
        this.allocateSendPacket = library.allocateSendPacket;
        this.allocateSendPacketUnchecked = library.allocateSendPacketUnchecked;
        this.sendPacket = library.sendPacket;
        this.handle = handle;
        this.readEvent = readEvent;
    }

    /**
     * {@code WintunReceivePacket}: the address of the next packet (its size stored in
     * {@code sizeOut}), or 0 with the error in {@code state}.
     */
    long receive(MemorySegment state, MemorySegment sizeOut) {
        try {
            return (long) receivePacket.invokeExact(state, handle, sizeOut);
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    /**
     * {@code WintunReceivePacket} without capturing the error: the next packet's address (its size
     * stored at the native address {@code sizeOut}), or 0, after which {@link #receive} tells why.
     */
    long receiveUnchecked(long sizeOut) {
        try {
            return (long) receivePacketUnchecked.invokeExact(handle, sizeOut);
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    /** {@code WintunAllocateSendPacket} without capturing the error: an address, or 0, after which {@link #allocate} tells why. */
    long allocateUnchecked(int size) {
        try {
            return (long) allocateSendPacketUnchecked.invokeExact(handle, size);
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    /** {@code WintunReleaseReceivePacket}. */
    void release(long packet) {
        try {
            releaseReceivePacket.invokeExact(handle, packet);
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    /** {@code WintunAllocateSendPacket}: the address to write {@code size} bytes at, or 0 with the error in {@code state}. */
    long allocate(MemorySegment state, int size) {
        try {
            return (long) allocateSendPacket.invokeExact(state, handle, size);
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    /** {@code WintunSendPacket}. */
    void send(long packet) {
        try {
            sendPacket.invokeExact(handle, packet);
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    /** {@code WintunEndSession}: frees the rings and the read event. */
    void end() {
        try {
            library.endSession.invokeExact(handle);
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    int lastError(MemorySegment state) {
        return library.lastError(state);
    }
}
