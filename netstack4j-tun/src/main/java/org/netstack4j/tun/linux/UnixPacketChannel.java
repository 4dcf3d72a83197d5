package org.netstack4j.tun.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One end of a Unix-domain datagram or seqpacket socket as a {@link org.netstack4j.link.PacketChannel}:
 * a message-preserving pipe between two stacks or processes (the way gVisor's fdbased endpoints are
 * wired in tests and sandboxes). {@link #pair} makes both ends; {@link #adopt} wraps an inherited
 * one. Batched reads and writes use {@code recvmmsg}/{@code sendmmsg} ({@link SocketChannelOptions}).
 *
 * <p>A seqpacket channel reports the end of the stream ({@code -1}) when the peer closes; a datagram
 * channel has no end (an empty datagram is an empty packet) and its writes fail with
 * {@code ECONNREFUSED} once the peer is gone.
 */
public final class UnixPacketChannel extends SocketPacketChannel {
    /** Default staging slot: the largest IP packet. */
    static final int DEFAULT_MAX_PACKET = 65535;

    /** The socket type. */
    public enum Type {
        /** {@code SOCK_SEQPACKET}: reliable, ordered, with an end of stream. */
        SEQPACKET(Libc.SOCK_SEQPACKET),
        /** {@code SOCK_DGRAM}: unix datagrams (reliable within one host, but no end of stream). */
        DATAGRAM(Libc.SOCK_DGRAM);

        final int value;

        Type(int value) {
            this.value = value;
        }
    }

    /** Both ends of a {@link #pair}. */
    public record Pair(UnixPacketChannel first, UnixPacketChannel second) implements AutoCloseable {
        /** Closes both ends. */
        @Override
        public void close() {
            first.close();
            second.close();
        }
    }

    private final Type type;

    private UnixPacketChannel(FdCore core, Type type, SocketChannelOptions options) {
        super(core, options, DEFAULT_MAX_PACKET, type == Type.SEQPACKET);
        this.type = type;
    }

    /** The socket type. */
    public Type type() {
        return type;
    }

    /** {@code socketpair(AF_UNIX, type)}: two connected channels. */
    public static Pair pair(Type type, SocketChannelOptions options) throws IOException {
        int a;
        int b;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            if (Libc.socketpair(st, Libc.AF_UNIX, type.value | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0, fds) < 0) {
                throw new ErrnoException("socketpair AF_UNIX " + type, Libc.errno(st));
            }
            a = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
            b = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
        }
        UnixPacketChannel first;
        try {
            first = wrap(a, type, options, "unix " + type + " pair[0]");
        } catch (IOException | RuntimeException e) {
            closeQuietly(a);
            closeQuietly(b);
            throw e;
        }
        try {
            return new Pair(first, wrap(b, type, options, "unix " + type + " pair[1]"));
        } catch (IOException | RuntimeException e) {
            first.close();
            closeQuietly(b);
            throw e;
        }
    }

    /**
     * Wraps an inherited, connected Unix socket of the given type; the channel takes ownership and
     * makes it non-blocking. If this throws, the fd stays the caller's.
     */
    public static UnixPacketChannel adopt(int fd, Type type, SocketChannelOptions options) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            int fl = Libc.fcntlGet(st, fd, Libc.F_GETFL);
            if (fl < 0 || Libc.fcntlSet(st, fd, Libc.F_SETFL, fl | Libc.O_NONBLOCK) < 0) {
                throw new ErrnoException("fcntl O_NONBLOCK on fd " + fd, Libc.errno(st));
            }
        }
        return wrap(fd, type, options, "unix " + type + " fd " + fd);
    }

    private static UnixPacketChannel wrap(int fd, Type type, SocketChannelOptions options, String description)
            throws IOException {
        SocketOptions.applyBuffers(fd, options, description);
        return new UnixPacketChannel(FdCore.create(fd, description, true), type, options);
    }

    private static void closeQuietly(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.close(arena.allocate(Libc.callStateLayout()), fd);
        }
    }

    @Override
    IOException receiveFailure(int errno) {
        if (errno == Errno.ECONNRESET) {
            return new ErrnoException("receive on " + core + " (peer closed)", errno);
        }
        return super.receiveFailure(errno);
    }
}
