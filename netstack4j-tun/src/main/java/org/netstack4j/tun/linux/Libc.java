package org.netstack4j.tun.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library calls the Linux channels make, as Foreign Function and Memory downcalls.
 *
 * <p>Every call takes a <em>call-state</em> segment first ({@link #newCallState}) into which the
 * JVM stores {@code errno} right after the call, before anything else can clobber it; read it with
 * {@link #errno}. A call state belongs to one thread at a time.
 *
 * <p>Calls that never block (the fds are {@code O_NONBLOCK}) are linked <em>critical</em> with heap
 * access: no thread-state transition, and a {@code MemorySegment.ofArray} slice is passed straight to
 * the kernel, so packets move between the kernel and a heap {@code byte[]} without a copy. Calls that
 * wait ({@code epoll_wait}, {@code poll}) are normal downcalls so that the garbage collector can run
 * meanwhile. Critical calls must stay short: never link a call critical that can block.
 *
 * <p>Struct layouts and constants are those of Linux on LP64 (x86_64, aarch64).
 */
final class Libc {
    private Libc() {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // --- open(2) flags, fcntl(2) ---------------------------------------------------------------
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;

    // --- sockets -------------------------------------------------------------------------------
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_SEQPACKET = 5;
    static final int SOCK_NONBLOCK = O_NONBLOCK;
    static final int SOCK_CLOEXEC = O_CLOEXEC;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;

    // --- eventfd, epoll, poll ------------------------------------------------------------------
    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = O_CLOEXEC;
    static final int EPOLL_CLOEXEC = O_CLOEXEC;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLLIN = 0x001;
    static final int EPOLLRDHUP = 0x2000;
    /** {@code struct epoll_event} is packed on x86_64 (12 bytes) and naturally aligned elsewhere (16). */
    static final int EPOLL_EVENT_SIZE = isX86() ? 12 : 16;
    static final int EPOLL_EVENT_DATA_OFFSET = isX86() ? 4 : 8;
    static final short POLLIN = 0x001;
    static final short POLLOUT = 0x004;
    /** {@code struct pollfd}: int fd, short events, short revents. */
    static final int POLLFD_SIZE = 8;

    // --- struct msghdr / mmsghdr / iovec (LP64) ------------------------------------------------
    static final int IOVEC_SIZE = 16;
    static final int MSGHDR_NAME = 0;
    static final int MSGHDR_NAMELEN = 8;
    static final int MSGHDR_IOV = 16;
    static final int MSGHDR_IOVLEN = 24;
    static final int MSGHDR_CONTROL = 32;
    static final int MSGHDR_CONTROLLEN = 40;
    static final int MSGHDR_FLAGS = 48;
    static final int MMSGHDR_LEN = 56;
    static final int MMSGHDR_SIZE = 64;

    private static boolean isX86() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    private static MethodHandle normal(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return link(name, descriptor, options, false);
    }

    /** A downcall that never blocks: critical, with heap segments allowed as arguments. */
    private static MethodHandle critical(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return link(name, descriptor, options, true);
    }

    private static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option[] options,
                                     boolean critical) {
        MemorySegment symbol = LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library function not found: " + name));
        Linker.Option[] all = new Linker.Option[options.length + (critical ? 2 : 1)];
        System.arraycopy(options, 0, all, 0, options.length);
        all[options.length] = CAPTURE_ERRNO;
        if (critical) {
            all[options.length + 1] = Linker.Option.critical(true);
        }
        return LINKER.downcallHandle(symbol, descriptor, all);
    }

    private static final MethodHandle OPEN = normal("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = normal("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = critical("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = critical("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle IOCTL_PTR = normal("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_LONG = normal("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FCNTL_GET = normal("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FCNTL_SET = normal("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle EVENTFD = normal("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CREATE1 = normal("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = normal("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = normal("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = normal("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SOCKET = normal("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = normal("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle BIND = normal("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = normal("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = critical("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = critical("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDTO = normal("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMMSG = critical("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SENDMMSG = critical("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = normal("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LOOKUP.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    /** Layout of a call-state segment. */
    static StructLayout callStateLayout() {
        return CALL_STATE;
    }

    /** The {@code errno} the last call through {@code state} left. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static int open(MemorySegment state, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(state, path, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int close(MemorySegment state, int fd) {
        try {
            return (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code read(2)}; {@code buffer} may be a heap segment. */
    static long read(MemorySegment state, int fd, MemorySegment buffer, long length) {
        try {
            return (long) READ.invokeExact(state, fd, buffer, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code write(2)}; {@code buffer} may be a heap segment. */
    static long write(MemorySegment state, int fd, MemorySegment buffer, long length) {
        try {
            return (long) WRITE.invokeExact(state, fd, buffer, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int ioctl(MemorySegment state, int fd, long request, MemorySegment argument) {
        try {
            return (int) IOCTL_PTR.invokeExact(state, fd, request, argument);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int ioctl(MemorySegment state, int fd, long request, long argument) {
        try {
            return (int) IOCTL_LONG.invokeExact(state, fd, request, argument);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int fcntlGet(MemorySegment state, int fd, int command) {
        try {
            return (int) FCNTL_GET.invokeExact(state, fd, command);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int fcntlSet(MemorySegment state, int fd, int command, int argument) {
        try {
            return (int) FCNTL_SET.invokeExact(state, fd, command, argument);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int eventfd(MemorySegment state, int initial, int flags) {
        try {
            return (int) EVENTFD.invokeExact(state, initial, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int epollCreate1(MemorySegment state, int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(state, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int epollCtl(MemorySegment state, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(state, epfd, op, fd, event);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code epoll_wait(2)}: may block, so a normal downcall. */
    static int epollWait(MemorySegment state, int epfd, MemorySegment events, int max, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(state, epfd, events, max, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code poll(2)}: may block, so a normal downcall. */
    static int poll(MemorySegment state, MemorySegment fds, long count, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(state, fds, count, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int socketpair(MemorySegment state, int domain, int type, int protocol, MemorySegment fds) {
        try {
            return (int) SOCKETPAIR.invokeExact(state, domain, type, protocol, fds);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int bind(MemorySegment state, int fd, MemorySegment address, int length) {
        try {
            return (int) BIND.invokeExact(state, fd, address, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, int length) {
        try {
            return (int) SETSOCKOPT.invokeExact(state, fd, level, name, value, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code send(2)}; {@code buffer} may be a heap segment. */
    static long send(MemorySegment state, int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) SEND.invokeExact(state, fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code recv(2)}; {@code buffer} may be a heap segment. */
    static long recv(MemorySegment state, int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) RECV.invokeExact(state, fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sendto(2)} for control paths (netlink). */
    static long sendto(MemorySegment state, int fd, MemorySegment buffer, long length, int flags,
                       MemorySegment address, int addressLength) {
        try {
            return (long) SENDTO.invokeExact(state, fd, buffer, length, flags, address, addressLength);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code recvmmsg(2)}; the headers and the buffers they point to must be native memory. */
    static int recvmmsg(MemorySegment state, int fd, MemorySegment headers, int count, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(state, fd, headers, count, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sendmmsg(2)}; the headers and the buffers they point to must be native memory. */
    static int sendmmsg(MemorySegment state, int fd, MemorySegment headers, int count, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(state, fd, headers, count, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int ifNameToIndex(MemorySegment state, MemorySegment name) {
        try {
            return (int) IF_NAMETOINDEX.invokeExact(state, name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The C library's text for {@code errno} (error paths only). */
    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.equals(MemorySegment.NULL) ? "errno " + errno : text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("downcall failed", t);
    }
}
