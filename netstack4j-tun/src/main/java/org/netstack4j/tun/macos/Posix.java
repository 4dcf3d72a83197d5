package org.netstack4j.tun.macos;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The POSIX calls the utun channel makes, bound through FFM with {@code errno} captured after each
 * call, plus the constants whose values differ between Darwin and Linux (the channel's framing and
 * wake-up logic is exercised on Linux over a socket pair).
 *
 * <p>Every call takes the captured-state segment first; callers keep one per thread role so that
 * nothing is allocated per packet.
 */
// Binding native code is this class's job; the module runs with native access enabled.
@SuppressWarnings("restricted")
final class Posix {
    static final int EINTR = 4;
    static final int F_SETFD = 2;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int FD_CLOEXEC = 1;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;
    /** {@code struct pollfd}: int fd; short events; short revents. */
    static final MemoryLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    /** The platform this process runs on. */
    static final boolean DARWIN = isDarwin(System.getProperty("os.name", ""));

    final int eagain;
    final int ewouldblock;
    final int enobufs;
    final int oNonblock;

    private static volatile Posix instance;

    private final VarHandle errno = Linker.Option.captureStateLayout()
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private final MethodHandle read;
    private final MethodHandle write;
    private final MethodHandle readUnchecked;
    private final MethodHandle writeUnchecked;
    private final MethodHandle close;
    private final MethodHandle poll;
    private final MethodHandle pipe;
    private final MethodHandle fcntl;
    private final MethodHandle socket;
    private final MethodHandle ioctl;
    private final MethodHandle connect;
    private final MethodHandle getsockopt;
    private final MethodHandle strerror;

    private Posix() {
        if (ADDRESS.byteSize() != Long.BYTES) {
            throw new UnsupportedOperationException("netstack4j's utun binding needs a 64-bit JVM");
        }
        eagain = DARWIN ? 35 : 11;
        ewouldblock = eagain;
        enobufs = DARWIN ? 55 : 105;
        oNonblock = DARWIN ? 0x4 : 0x800;
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errnoOption = Linker.Option.captureCallState("errno");
        read = linker.downcallHandle(libc.findOrThrow("read"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errnoOption);
        write = linker.downcallHandle(libc.findOrThrow("write"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errnoOption);
        // read and write again without errno capture and with the buffer as a raw address, for the
        // per-packet path: passing the capture segment makes the JDK slice it on every call, an
        // allocation only escape analysis removes, and not reliably. A failure is followed by the
        // capturing call, which reports errno.
        readUnchecked = linker.downcallHandle(libc.findOrThrow("read"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
        writeUnchecked = linker.downcallHandle(libc.findOrThrow("write"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
        close = linker.downcallHandle(libc.findOrThrow("close"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), errnoOption);
        // nfds_t is unsigned int on Darwin and unsigned long on Linux; callers always pass a long.
        MethodHandle rawPoll = linker.downcallHandle(libc.findOrThrow("poll"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, DARWIN ? JAVA_INT : JAVA_LONG, JAVA_INT), errnoOption);
        poll = MethodHandles.explicitCastArguments(rawPoll,
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class, int.class));
        pipe = linker.downcallHandle(libc.findOrThrow("pipe"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS), errnoOption);
        // fcntl and ioctl are variadic: on Apple silicon variadic arguments go on the stack.
        fcntl = linker.downcallHandle(libc.findOrThrow("fcntl"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errnoOption, Linker.Option.firstVariadicArg(2));
        socket = linker.downcallHandle(libc.findOrThrow("socket"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errnoOption);
        ioctl = linker.downcallHandle(libc.findOrThrow("ioctl"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), errnoOption, Linker.Option.firstVariadicArg(2));
        connect = linker.downcallHandle(libc.findOrThrow("connect"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errnoOption);
        getsockopt = linker.downcallHandle(libc.findOrThrow("getsockopt"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errnoOption);
        strerror = linker.downcallHandle(libc.findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    static Posix get() {
        Posix p = instance;
        if (p == null) {
            synchronized (Posix.class) {
                p = instance;
                if (p == null) {
                    p = new Posix();
                    instance = p;
                }
            }
        }
        return p;
    }

    static boolean isDarwin(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        return os.startsWith("mac") || os.startsWith("darwin");
    }

    /** A segment for {@link Linker.Option#captureCallState} results. */
    static MemorySegment allocateState(Arena arena) {
        return arena.allocate(Linker.Option.captureStateLayout());
    }

    int errno(MemorySegment state) {
        return (int) errno.get(state, 0L);
    }

    long read(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return (long) read.invokeExact(state, fd, buf, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code read} into native memory at {@code address}, without errno. */
    long readUnchecked(int fd, long address, long count) {
        try {
            return (long) readUnchecked.invokeExact(fd, address, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code write} from native memory at {@code address}, without errno. */
    long writeUnchecked(int fd, long address, long count) {
        try {
            return (long) writeUnchecked.invokeExact(fd, address, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    long write(MemorySegment state, int fd, MemorySegment buf, long count) {
        try {
            return (long) write.invokeExact(state, fd, buf, count);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int close(MemorySegment state, int fd) {
        try {
            return (int) close.invokeExact(state, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int poll(MemorySegment state, MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) poll.invokeExact(state, fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int pipe(MemorySegment state, MemorySegment fds) {
        try {
            return (int) pipe.invokeExact(state, fds);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int fcntl(MemorySegment state, int fd, int cmd, int arg) {
        try {
            return (int) fcntl.invokeExact(state, fd, cmd, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return (int) socket.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int ioctl(MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            return (int) ioctl.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int connect(MemorySegment state, int fd, MemorySegment address, int length) {
        try {
            return (int) connect.invokeExact(state, fd, address, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    int getsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, MemorySegment length) {
        try {
            return (int) getsockopt.invokeExact(state, fd, level, name, value, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Sets {@code O_NONBLOCK} and {@code FD_CLOEXEC} on {@code fd}. */
    void makeNonBlocking(MemorySegment state, int fd, String what) throws IOException {
        int flags = fcntl(state, fd, F_GETFL, 0);
        if (flags < 0 || fcntl(state, fd, F_SETFL, flags | oNonblock) < 0) {
            throw error("fcntl(O_NONBLOCK) on " + what, errno(state));
        }
        if (fcntl(state, fd, F_SETFD, FD_CLOEXEC) < 0) {
            throw error("fcntl(FD_CLOEXEC) on " + what, errno(state));
        }
    }

    /** An exception for a failed call, with the system's text for {@code errno}. */
    IOException error(String call, int errno) {
        String text;
        try {
            MemorySegment s = (MemorySegment) strerror.invokeExact(errno);
            text = s.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            text = "errno " + errno;
        }
        return new IOException(call + " failed: " + text + " (errno " + errno + ")");
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
