package org.netstack4j.tun.macos;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.ChannelFullException;
import org.netstack4j.tun.internal.GuardedTunChannel;

/**
 * A macOS utun interface as a {@link org.netstack4j.link.PacketChannel}: one read or write is one
 * IP packet; the 4-byte protocol-family header utun puts in front of every packet is stripped on
 * read and added on write.
 *
 * <p>The socket is non-blocking; a reader with nothing to read waits in {@code poll} on the socket
 * and on a wake-up pipe, which {@link #close()} writes to. {@code poll} rather than kqueue because
 * it is enough for two descriptors and the same code then runs (and is tested) on Linux over a
 * socket pair.
 *
 * <p>Reads copy from a native buffer the size of the largest packet into the caller's buffer, which
 * keeps truncation exact: Darwin discards the rest of a datagram larger than the read silently, so a
 * read straight into a smaller heap buffer could not report the real length. Writes are serialised
 * and copy header and packet into one native buffer for one {@code write}. A packet that is neither
 * IPv4 nor IPv6 and a received entry whose family and version disagree are counted drops, not
 * exceptions. A write the socket cannot take now ({@code EAGAIN}, {@code ENOBUFS}) is not sent:
 * {@link #write} throws {@link ChannelFullException} and {@link #writeBatch} returns a short count.
 */
public final class UtunChannel extends GuardedTunChannel {
    /** Largest IP packet (IPv4 total length / IPv6 without jumbograms). */
    public static final int MAX_PACKET_SIZE = 0xFFFF;

    private static final ValueLayout.OfInt FAMILY = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).withByteAlignment(1);
    private static final int SCRATCH = UtunFraming.HEADER_LENGTH + MAX_PACKET_SIZE;
    private static final int END = -1;
    private static final int DROPPED = -2;

    private final Posix posix;
    private final int fd;
    private final String interfaceName;
    private final int wakeRead;
    private final int wakeWrite;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment rxState;
    private final MemorySegment rxBuffer;
    private final long rxAddress;
    private final MemorySegment pollFds;
    private final MemorySegment txState;
    private final MemorySegment txBuffer;
    private final long txAddress;

    private final AtomicLong rxPackets = new AtomicLong();
    private final AtomicLong rxBytes = new AtomicLong();
    private final AtomicLong rxTruncated = new AtomicLong();
    private final AtomicLong rxDroppedMalformed = new AtomicLong();
    private final AtomicLong txPackets = new AtomicLong();
    private final AtomicLong txBytes = new AtomicLong();
    private final AtomicLong txDroppedNotIp = new AtomicLong();
    private final AtomicLong txBusy = new AtomicLong();

    private UtunChannel(Posix posix, int fd, String interfaceName) throws IOException {
        this.posix = posix;
        this.fd = fd;
        this.interfaceName = interfaceName;
        this.rxState = Posix.allocateState(arena);
        this.txState = Posix.allocateState(arena);
        this.rxBuffer = arena.allocate(SCRATCH, 8);
        this.txBuffer = arena.allocate(SCRATCH, 8);
        this.rxAddress = rxBuffer.address();
        this.txAddress = txBuffer.address();
        this.pollFds = arena.allocate(Posix.POLLFD, 2);
        MemorySegment pipe = arena.allocate(JAVA_INT, 2);
        if (posix.pipe(rxState, pipe) < 0) {
            IOException e = posix.error("pipe", posix.errno(rxState));
            arena.close();
            throw e;
        }
        this.wakeRead = pipe.getAtIndex(JAVA_INT, 0);
        this.wakeWrite = pipe.getAtIndex(JAVA_INT, 1);
        try {
            posix.makeNonBlocking(rxState, wakeRead, "the wake-up pipe");
            posix.makeNonBlocking(rxState, wakeWrite, "the wake-up pipe");
            posix.makeNonBlocking(rxState, fd, interfaceName);
        } catch (IOException e) {
            posix.close(rxState, wakeRead);
            posix.close(rxState, wakeWrite);
            arena.close();
            throw e;
        }
    }

    /** Opens the next free utun interface. macOS only; needs root. */
    public static UtunChannel open() throws IOException {
        return open(-1);
    }

    /**
     * Opens utun{@code unit} ({@code unit} &ge; 0), or the next free utun when {@code unit} is
     * negative. The interface exists while the channel is open. macOS only; needs root.
     *
     * @throws UnsupportedOperationException off macOS
     * @throws IOException                   when the kernel refuses (the unit is taken, no privilege)
     */
    public static UtunChannel open(int unit) throws IOException {
        Posix posix = Posix.get();
        UtunControl.Opened opened = UtunControl.open(posix, unit);
        try {
            return new UtunChannel(posix, opened.fd(), opened.interfaceName());
        } catch (IOException | RuntimeException e) {
            try (Arena a = Arena.ofConfined()) {
                posix.close(Posix.allocateState(a), opened.fd());
            }
            throw e;
        }
    }

    /**
     * Takes over an already connected utun socket (for example the descriptor a macOS Network
     * Extension's packet tunnel runs on), making it non-blocking; closing the channel closes it.
     *
     * @param fd            the socket's file descriptor
     * @param interfaceName the interface's name, e.g. {@code utun4}
     */
    public static UtunChannel adopt(int fd, String interfaceName) throws IOException {
        if (fd < 0) {
            throw new IllegalArgumentException("fd " + fd);
        }
        return new UtunChannel(Posix.get(), fd, interfaceName);
    }

    @Override
    public String interfaceName() {
        return interfaceName;
    }

    @Override
    public int read(PacketBuffer buffer) throws IOException {
        enter();
        try {
            for (;;) {
                int n = receive(buffer, true);
                if (n != DROPPED) {
                    return n;
                }
            }
        } finally {
            guard.exit();
        }
    }

    @Override
    public int readBatch(PacketBuffer[] buffers, int[] lengths, int count) throws IOException {
        checkBatchCount(count);
        enter();
        try {
            int first;
            do {
                first = receive(buffers[0], true);
            } while (first == DROPPED);
            if (first == END) {
                return -1;
            }
            lengths[0] = first;
            int n = 1;
            while (n < count) {
                int r;
                try {
                    r = receive(buffers[n], false);
                } catch (IOException e) {
                    break; // keep what was read; the next read reports the failure
                }
                if (r == DROPPED) {
                    continue;
                }
                if (r < 0) {
                    break; // nothing more now, or an end of stream the next read reports
                }
                lengths[n++] = r;
            }
            return n;
        } finally {
            guard.exit();
        }
    }

    /**
     * Reads one datagram into {@code buffer}: its IP length, {@link #DROPPED} for a malformed one,
     * {@link #END} at end of stream or, when not {@code block}ing, when nothing is ready.
     */
    private int receive(PacketBuffer buffer, boolean block) throws IOException {
        for (;;) {
            long n = posix.readUnchecked(fd, rxAddress, SCRATCH);
            if (n < 0) {
                // Usually EAGAIN: read again capturing errno (once per drained socket, not per
                // packet); a datagram that arrived in between is simply read.
                n = posix.read(rxState, fd, rxBuffer, SCRATCH);
            }
            if (n > 0) {
                return deliver((int) n, buffer);
            }
            if (n == 0) {
                // A zero-length datagram, or the end of a stream socket.
                if (peerHungUp()) {
                    return END;
                }
                add(rxDroppedMalformed, 1);
                return DROPPED;
            }
            int errno = posix.errno(rxState);
            if (errno == Posix.EINTR) {
                continue;
            }
            if (errno != posix.eagain) {
                throw posix.error("read(" + interfaceName + ")", errno);
            }
            if (!block) {
                return END;
            }
            if (!awaitReadable()) {
                return END;
            }
        }
    }

    private int deliver(int n, PacketBuffer buffer) {
        int length = n - UtunFraming.HEADER_LENGTH;
        if (length <= 0 || !UtunFraming.matches(rxBuffer.get(FAMILY, 0), rxBuffer.get(JAVA_BYTE, UtunFraming.HEADER_LENGTH))) {
            add(rxDroppedMalformed, 1);
            return DROPPED;
        }
        int start = buffer.start();
        int stored = Math.min(length, buffer.capacity() - start);
        MemorySegment.copy(rxBuffer, JAVA_BYTE, UtunFraming.HEADER_LENGTH, buffer.array(), start, stored);
        buffer.setBounds(start, start + stored);
        buffer.networkOffset(start);
        add(rxPackets, 1);
        add(rxBytes, length);
        if (stored < length) {
            add(rxTruncated, 1);
        }
        return length;
    }

    /**
     * Waits until the socket is readable. Returns false when the peer hung up.
     *
     * @throws ClosedChannelException when {@link #close()} woke it
     */
    private boolean awaitReadable() throws IOException {
        for (;;) {
            if (guard.isClosed()) {
                throw new ClosedChannelException();
            }
            setPollFd(0, fd);
            setPollFd(1, wakeRead);
            int r = posix.poll(rxState, pollFds, 2, -1);
            if (r < 0) {
                int errno = posix.errno(rxState);
                if (errno == Posix.EINTR) {
                    continue;
                }
                throw posix.error("poll(" + interfaceName + ")", errno);
            }
            if (revents(1) != 0 || guard.isClosed()) {
                throw new ClosedChannelException();
            }
            short events = revents(0);
            if ((events & Posix.POLLNVAL) != 0) {
                throw new IOException("poll(" + interfaceName + "): descriptor " + fd + " is not open");
            }
            if ((events & Posix.POLLIN) != 0 || (events & Posix.POLLERR) != 0) {
                return true; // the read reports an error itself
            }
            if ((events & Posix.POLLHUP) != 0) {
                return false;
            }
        }
    }

    /** Whether the socket reports a hang-up right now (after a read returned 0). */
    private boolean peerHungUp() {
        setPollFd(0, fd);
        int r = posix.poll(rxState, pollFds, 1, 0);
        return r > 0 && (revents(0) & Posix.POLLHUP) != 0;
    }

    private void setPollFd(int index, int descriptor) {
        long base = index * Posix.POLLFD.byteSize();
        pollFds.set(JAVA_INT, base, descriptor);
        pollFds.set(JAVA_SHORT, base + 4, Posix.POLLIN);
        pollFds.set(JAVA_SHORT, base + 6, (short) 0);
    }

    private short revents(int index) {
        return pollFds.get(JAVA_SHORT, index * Posix.POLLFD.byteSize() + 6);
    }

    @Override
    protected String fullMessage() {
        return interfaceName + " cannot take a packet now";
    }

    /**
     * Frames and writes one packet; false when the interface cannot take it now. A packet that is
     * not IP counts as handled (dropped and counted). Caller holds the write lock and the guard.
     */
    @Override
    protected boolean send(PacketBuffer packet) throws IOException {
        int length = packet.length();
        int family = length == 0 ? -1 : UtunFraming.familyFor(packet.array()[packet.start()]);
        if (family < 0 || length > MAX_PACKET_SIZE) {
            add(txDroppedNotIp, 1);
            return true;
        }
        txBuffer.set(FAMILY, 0, family);
        MemorySegment.copy(packet.array(), packet.start(), txBuffer, JAVA_BYTE, UtunFraming.HEADER_LENGTH, length);
        for (;;) {
            long n = posix.writeUnchecked(fd, txAddress, UtunFraming.HEADER_LENGTH + length);
            if (n < 0) {
                // Full or failing: write again capturing errno (once per refused batch, not per packet).
                n = posix.write(txState, fd, txBuffer, UtunFraming.HEADER_LENGTH + length);
            }
            if (n >= 0) {
                add(txPackets, 1);
                add(txBytes, length);
                return true;
            }
            int errno = posix.errno(txState);
            if (errno == Posix.EINTR) {
                continue;
            }
            if (errno == posix.eagain || errno == posix.enobufs) {
                add(txBusy, 1);
                return false;
            }
            throw posix.error("write(" + interfaceName + ")", errno);
        }
    }

    /**
     * Closes the socket (which removes a utun interface it created) after waking a blocked reader,
     * which gets {@link ClosedChannelException}, and waiting until no thread uses the descriptor;
     * idempotent, a second caller waits for the first.
     */
    @Override
    public void close() throws IOException {
        if (!beginClose()) {
            return;
        }
        IOException failure = null;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = Posix.allocateState(a);
            MemorySegment one = a.allocate(1);
            one.set(JAVA_BYTE, 0, (byte) 1);
            posix.write(state, wakeWrite, one, 1);
            // The descriptor number must not be reused under a reader still polling it.
            guard.awaitEmpty();
            if (posix.close(state, fd) < 0) {
                failure = posix.error("close(" + interfaceName + ")", posix.errno(state));
            }
            posix.close(state, wakeRead);
            posix.close(state, wakeWrite);
            arena.close();
        } finally {
            closeFinished();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Threads inside read or write now (for tests). */
    int guardInside() {
        return guard.inside();
    }

    /** Counters since the channel opened. */
    public Stats stats() {
        return new Stats(rxPackets.get(), rxBytes.get(), rxTruncated.get(), rxDroppedMalformed.get(),
                txPackets.get(), txBytes.get(), txDroppedNotIp.get(), txBusy.get());
    }

    @Override
    public String toString() {
        return "UtunChannel[" + interfaceName + (isOpen() ? "" : ", closed") + "]";
    }

    /**
     * A snapshot of the channel's counters.
     *
     * @param rxPackets          packets read
     * @param rxBytes            their IP bytes (real lengths, also of truncated ones)
     * @param rxTruncated        packets larger than the reader's buffer
     * @param rxDroppedMalformed entries dropped: shorter than the header, empty, or family and IP
     *                           version disagreeing
     * @param txPackets          packets written
     * @param txBytes            their IP bytes
     * @param txDroppedNotIp     writes dropped for being empty, not IPv4/IPv6, or over
     *                           {@value #MAX_PACKET_SIZE} bytes
     * @param txBusy             writes not sent because the interface's queue was full
     */
    public record Stats(long rxPackets, long rxBytes, long rxTruncated, long rxDroppedMalformed,
            long txPackets, long txBytes, long txDroppedNotIp, long txBusy) {}
}
