package org.netstack4j.tun.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The life cycle and readiness waiting shared by every Linux channel: one non-blocking packet fd,
 * an {@code eventfd} that {@link #close()} signals, and an epoll set holding both, in which a reader
 * waits.
 *
 * <p><b>Closing without races.</b> Each operation brackets its use of the fds with
 * {@link #enter()}/{@link #exit()}. {@link #close()} marks the core closed and signals the eventfd,
 * which wakes a reader in {@code epoll_wait} (and a writer in {@code poll}) at once; the fds are
 * closed only when no operation runs any more, normally by {@code close()} itself after the
 * operations in flight have left. So an fd number is never closed while a call may still use it, and
 * never reused under a running call. The native memory of the channel (an arena) is freed at the
 * same moment.
 */
final class FdCore {
    private static final int CLOSED = Integer.MIN_VALUE;
    private static final long WAKE_TAG = 1;
    private static final long FD_TAG = 0;

    private final int fd;
    private final int wakeFd;
    private final int epollFd;
    private final String description;
    private final Arena arena;
    /** Low 31 bits: operations running; sign bit: closed. */
    private final AtomicInteger state = new AtomicInteger();
    private final boolean ownsFd;
    private final MemorySegment waitState;
    private final MemorySegment events;

    private FdCore(int fd, int wakeFd, int epollFd, String description, Arena arena, boolean ownsFd) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.epollFd = epollFd;
        this.description = description;
        this.arena = arena;
        this.ownsFd = ownsFd;
        this.waitState = arena.allocate(Libc.callStateLayout());
        this.events = arena.allocate((long) Libc.EPOLL_EVENT_SIZE * 2, 8);
    }

    /**
     * Sets up waiting for {@code fd}, which must already be non-blocking. On failure nothing is left
     * open except {@code fd} itself, which stays the caller's.
     *
     * @param ownsFd whether {@link #close()} closes {@code fd} too
     */
    static FdCore create(int fd, String description, boolean ownsFd) throws ErrnoException {
        Arena arena = Arena.ofShared();
        int wake = -1;
        int epoll = -1;
        try {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            wake = Libc.eventfd(st, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (wake < 0) {
                throw new ErrnoException("eventfd for " + description, Libc.errno(st));
            }
            epoll = Libc.epollCreate1(st, Libc.EPOLL_CLOEXEC);
            if (epoll < 0) {
                throw new ErrnoException("epoll_create1 for " + description, Libc.errno(st));
            }
            MemorySegment ev = arena.allocate(Libc.EPOLL_EVENT_SIZE, 8);
            register(st, epoll, fd, Libc.EPOLLIN | Libc.EPOLLRDHUP, FD_TAG, ev, description);
            register(st, epoll, wake, Libc.EPOLLIN, WAKE_TAG, ev, description);
            return new FdCore(fd, wake, epoll, description, arena, ownsFd);
        } catch (ErrnoException | RuntimeException e) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            if (epoll >= 0) {
                Libc.close(st, epoll);
            }
            if (wake >= 0) {
                Libc.close(st, wake);
            }
            arena.close();
            throw e;
        }
    }

    private static void register(MemorySegment st, int epoll, int fd, int mask, long tag, MemorySegment ev,
                                 String description) throws ErrnoException {
        ev.set(ValueLayout.JAVA_INT_UNALIGNED, 0, mask);
        ev.set(ValueLayout.JAVA_LONG_UNALIGNED, Libc.EPOLL_EVENT_DATA_OFFSET, tag);
        if (Libc.epollCtl(st, epoll, Libc.EPOLL_CTL_ADD, fd, ev) < 0) {
            throw new ErrnoException("epoll_ctl ADD for " + description, Libc.errno(st));
        }
    }

    /** The packet fd (valid while an operation is entered). */
    int fd() {
        return fd;
    }

    /** The eventfd that close signals (for writers that poll). */
    int wakeFd() {
        return wakeFd;
    }

    /** For error messages: {@code "tun0 queue 1"}. */
    String description() {
        return description;
    }

    /** Native memory that lives exactly as long as the fds. */
    Arena arena() {
        return arena;
    }

    boolean isOpen() {
        return state.get() >= 0;
    }

    /** Starts an operation; false when closed (then do not call {@link #exit()}). */
    boolean enter() {
        for (;;) {
            int s = state.get();
            if (s < 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Starts an operation or throws {@link ClosedChannelException}. */
    void enterOrThrow() throws ClosedChannelException {
        if (!enter()) {
            throw new ClosedChannelException();
        }
    }

    /** Ends an operation; the last one after {@link #close()} releases the fds. */
    void exit() {
        if (state.decrementAndGet() == CLOSED) {
            release();
        }
    }

    /**
     * Closes: marks the core closed, wakes every waiter, waits for the operations in flight to leave
     * (they are short: a non-blocking call, or a wait the wake-up ends) and releases the fds and the
     * native memory on this thread. So the fds are gone when this returns, and the dispatch loops do
     * not pay for it: closing a device's last fd makes the kernel unregister the interface, which
     * takes milliseconds. Should an operation not leave within two seconds, the last one to leave
     * releases instead. Idempotent.
     *
     * @return false if it was already closed
     */
    boolean close() {
        if (!beginClose()) {
            return false;
        }
        finishClose();
        return true;
    }

    /**
     * First half of {@link #close()}: marks closed and wakes waiters, and holds the release back until
     * {@link #finishClose()} (so that several cores can be woken before any is waited for).
     *
     * @return false if it was already closed (then do not call {@link #finishClose()})
     */
    boolean beginClose() {
        for (;;) {
            int s = state.get();
            if (s < 0) {
                return false;
            }
            // Count ourselves as an operation so that nothing is released before finishClose.
            if (state.compareAndSet(s, (s + 1) | CLOSED)) {
                break;
            }
        }
        try (Arena local = Arena.ofConfined()) {
            MemorySegment st = local.allocate(Libc.callStateLayout());
            MemorySegment one = local.allocateFrom(ValueLayout.JAVA_LONG, 1L);
            Libc.write(st, wakeFd, one, 8);
        }
        return true;
    }

    /** Second half of {@link #close()}: waits for the operations in flight, then releases. */
    void finishClose() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while ((state.get() & ~CLOSED) > 1 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000);
        }
        exit();
    }

    private void release() {
        MemorySegment st = waitState;
        Libc.close(st, epollFd);
        Libc.close(st, wakeFd);
        if (ownsFd) {
            Libc.close(st, fd);
        }
        arena.close();
    }

    /**
     * Waits in {@code epoll_wait} until the fd is readable (or in error or hung up) or the core is
     * closed. Must be called inside an operation, by the reading thread only.
     *
     * @return true when the fd is ready, false when closed
     */
    boolean awaitReadable() throws IOException {
        for (;;) {
            if (state.get() < 0) {
                return false;
            }
            int n = Libc.epollWait(waitState, epollFd, events, 2, -1);
            if (n < 0) {
                int errno = Libc.errno(waitState);
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw new ErrnoException("epoll_wait on " + description, errno);
            }
            boolean ready = false;
            for (int i = 0; i < n; i++) {
                long tag = events.get(ValueLayout.JAVA_LONG_UNALIGNED,
                        (long) i * Libc.EPOLL_EVENT_SIZE + Libc.EPOLL_EVENT_DATA_OFFSET);
                if (tag == WAKE_TAG) {
                    return false;
                }
                ready = true;
            }
            if (ready) {
                return true;
            }
        }
    }

    /**
     * Waits in {@code poll} until the fd is writable, at most {@code timeoutMillis} (negative: no
     * limit). {@code pollFds} is a two-entry {@code struct pollfd} array and {@code callState} a call
     * state, both owned by the caller for the duration.
     *
     * @return true when writable (or in error), false when the time ran out
     * @throws ClosedChannelException when the core is or gets closed
     */
    boolean awaitWritable(MemorySegment callState, MemorySegment pollFds, long timeoutMillis) throws IOException {
        pollFds.set(ValueLayout.JAVA_INT, 0, fd);
        pollFds.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLOUT);
        pollFds.set(ValueLayout.JAVA_INT, 8, wakeFd);
        pollFds.set(ValueLayout.JAVA_SHORT, 12, Libc.POLLIN);
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        for (;;) {
            if (state.get() < 0) {
                throw new ClosedChannelException();
            }
            long left = deadline == Long.MAX_VALUE ? -1 : Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            pollFds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            pollFds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
            int n = Libc.poll(callState, pollFds, 2, (int) Math.min(left, Integer.MAX_VALUE));
            if (n < 0) {
                int errno = Libc.errno(callState);
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw new ErrnoException("poll on " + description, errno);
            }
            if (pollFds.get(ValueLayout.JAVA_SHORT, 14) != 0) {
                throw new ClosedChannelException();
            }
            if (pollFds.get(ValueLayout.JAVA_SHORT, 6) != 0) {
                return true;
            }
            if (n == 0 && left == 0) {
                return false;
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
