package org.netstack4j.tun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code setsockopt} helpers for the socket channels (control path). */
final class SocketOptions {
    private SocketOptions() {
    }

    /** Sets an int option. */
    static void setInt(int fd, int level, int name, int value, String what) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
            if (Libc.setsockopt(st, fd, level, name, v, 4) < 0) {
                throw new ErrnoException("setsockopt " + what, Libc.errno(st));
            }
        }
    }

    /** Applies the socket buffer sizes of {@code options}: forced when privileged, else capped by the sysctl maxima. */
    static void applyBuffers(int fd, SocketChannelOptions options, String description) throws ErrnoException {
        if (options.receiveBufferSize() > 0) {
            setForced(fd, Libc.SO_RCVBUFFORCE, Libc.SO_RCVBUF, options.receiveBufferSize(), "SO_RCVBUF " + description);
        }
        if (options.sendBufferSize() > 0) {
            setForced(fd, Libc.SO_SNDBUFFORCE, Libc.SO_SNDBUF, options.sendBufferSize(), "SO_SNDBUF " + description);
        }
    }

    private static void setForced(int fd, int forced, int plain, int value, String what) throws ErrnoException {
        try {
            setInt(fd, Libc.SOL_SOCKET, forced, value, what);
        } catch (ErrnoException e) {
            if (!e.isPermissionDenied()) {
                throw e;
            }
            setInt(fd, Libc.SOL_SOCKET, plain, value, what);
        }
    }
}
