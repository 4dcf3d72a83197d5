package org.netstack4j.tun.macos;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * An {@code AF_UNIX}/{@code SOCK_SEQPACKET} socket pair standing in for a utun control socket and
 * the kernel behind it: boundaries are kept like utun's datagrams, and closing one end is seen as
 * an end of stream by the other. The test keeps {@link #peer} and gives {@link #channelFd} to the
 * channel.
 */
// Binding native code is this class's job; the module runs with native access enabled.
@SuppressWarnings("restricted")
final class SocketPair implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final MethodHandle SOCKETPAIR = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("socketpair"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS));

    private final Posix posix = Posix.get();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = Posix.allocateState(arena);
    final int channelFd;
    final int peer;
    private boolean peerClosed;

    SocketPair() throws Throwable {
        MemorySegment sv = arena.allocate(JAVA_INT, 2);
        if ((int) SOCKETPAIR.invokeExact(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) {
            throw new IOException("socketpair failed");
        }
        channelFd = sv.getAtIndex(JAVA_INT, 0);
        peer = sv.getAtIndex(JAVA_INT, 1);
    }

    /** The kernel side sends one utun datagram: the family in network byte order, then the packet. */
    void sendFramed(int family, byte[] packet) throws IOException {
        byte[] d = ByteBuffer.allocate(4 + packet.length).putInt(family).put(packet).array();
        sendRaw(d);
    }

    void sendRaw(byte[] datagram) throws IOException {
        MemorySegment buf = arena.allocate(Math.max(1, datagram.length));
        MemorySegment.copy(datagram, 0, buf, JAVA_BYTE, 0, datagram.length);
        if (posix.write(state, peer, buf, datagram.length) != datagram.length) {
            throw posix.error("write(peer)", posix.errno(state));
        }
    }

    /** The next datagram the channel wrote, or null when none arrives within {@code timeoutMillis}; empty at end of stream. */
    byte[] receiveRaw(int timeoutMillis) throws IOException {
        MemorySegment fds = arena.allocate(Posix.POLLFD);
        fds.set(JAVA_INT, 0, peer);
        fds.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, Posix.POLLIN);
        if (posix.poll(state, fds, 1, timeoutMillis) == 0) {
            return null;
        }
        MemorySegment buf = arena.allocate(70_000);
        long n = posix.read(state, peer, buf, 70_000);
        if (n < 0) {
            throw posix.error("read(peer)", posix.errno(state));
        }
        return buf.asSlice(0, n).toArray(JAVA_BYTE);
    }

    void closePeer() {
        if (!peerClosed) {
            peerClosed = true;
            posix.close(state, peer);
        }
    }

    @Override
    public void close() {
        closePeer();
        arena.close();
    }
}
