package org.netstack4j.tun.linux;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.locks.ReentrantLock;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.ChannelFullException;
import org.netstack4j.link.PacketChannel;

/**
 * What a packet channel over one non-blocking Linux fd shares, whether the fd is a TUN/TAP queue
 * ({@link TunChannel}) or a socket ({@link SocketPacketChannel}): the {@link FdCore} (epoll, close eventfd),
 * the counters, the reader's and the writers' call state and heap slices, the write lock, entering and
 * leaving the core around each call, waiting for readiness and the per-packet write loop. How one packet
 * is read or written, and how errors map to drops, stays with the subclass.
 *
 * <p>One reader at a time; writers may be several (they serialise on the write lock).
 */
abstract class FdPacketChannel implements PacketChannel {
    final FdCore core;
    final ChannelStats stats = new ChannelStats();

    // Reader state: used only by the one reading thread.
    final MemorySegment readState;
    final HeapSlices readSlices = new HeapSlices(2048);

    // Writer state: guarded by writeLock.
    private final ReentrantLock writeLock = new ReentrantLock();
    final MemorySegment writeState;
    final HeapSlices writeSlices = new HeapSlices(2048);
    private final MemorySegment writePoll;

    FdPacketChannel(FdCore core) {
        this.core = core;
        this.readState = core.arena().allocate(Libc.callStateLayout());
        this.writeState = core.arena().allocate(Libc.callStateLayout());
        this.writePoll = core.arena().allocate(Libc.POLLFD_SIZE * 2L, 8);
    }

    /** Counters of this channel. */
    public ChannelStats stats() {
        return stats;
    }

    /** The raw file descriptor (for diagnostics; the channel owns it). */
    public int fd() {
        return core.fd();
    }

    @Override
    public boolean isOpen() {
        return core.isOpen();
    }

    /**
     * Closes the channel: wakes its reader and any waiting writer at once, and returns when the fd is
     * closed. Idempotent.
     */
    @Override
    public void close() {
        core.close();
    }

    /**
     * Waits until the fd can take a packet again (after a {@link ChannelFullException}), at most
     * {@code timeoutMillis} (negative: no limit), for a writer that prefers back-pressure to drops.
     *
     * @return true when writable, false when the time ran out
     * @throws ClosedChannelException when the channel is or gets closed
     */
    public boolean awaitWritable(long timeoutMillis) throws IOException {
        core.enterOrThrow();
        writeLock.lock();
        try {
            return core.awaitWritable(writeState, writePoll, timeoutMillis);
        } finally {
            writeLock.unlock();
            core.exit();
        }
    }

    @Override
    public int read(PacketBuffer buffer) throws IOException {
        core.enterOrThrow();
        try {
            return receiveOne(buffer, true);
        } finally {
            core.exit();
        }
    }

    /**
     * Reads one packet into {@code buffer}; inside the core.
     *
     * @param block wait for a packet; when false return a subclass-defined "no packet" value if none is ready
     */
    abstract int receiveOne(PacketBuffer buffer, boolean block) throws IOException;

    /**
     * After {@code EAGAIN} on a read: false when the caller does not block, else waits (counted) until the
     * fd is readable and returns true.
     *
     * @throws ClosedChannelException when the channel gets closed while waiting
     */
    final boolean awaitPacket(boolean block) throws IOException {
        if (!block) {
            return false;
        }
        stats.increment(ChannelStats.READ_WAITS);
        if (!core.awaitReadable()) {
            throw new ClosedChannelException();
        }
        return true;
    }

    @Override
    public void write(PacketBuffer packet) throws IOException {
        core.enterOrThrow();
        writeLock.lock();
        try {
            if (!sendOne(packet)) {
                throw new ChannelFullException(fullMessage());
            }
        } finally {
            writeLock.unlock();
            core.exit();
        }
    }

    /**
     * A batch write inside the core, holding the write lock: one packet at a time, or through
     * {@link #sendBatch} when {@code oneByOne} is false.
     */
    final int writeLocked(PacketBuffer[] packets, int count, boolean oneByOne) throws IOException {
        core.enterOrThrow();
        writeLock.lock();
        try {
            return oneByOne ? sendEach(packets, count) : sendBatch(packets, count);
        } finally {
            writeLock.unlock();
            core.exit();
        }
    }

    /**
     * Sends {@code packets[0..count)} one at a time; stops at the first that finds the fd full. A failure
     * after the first packet ends the batch short (it repeats on the next call); on the first it is thrown.
     */
    private int sendEach(PacketBuffer[] packets, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            boolean sent;
            try {
                sent = sendOne(packets[i]);
            } catch (IOException e) {
                if (i == 0) {
                    throw e;
                }
                return i;
            }
            if (!sent) {
                return i;
            }
        }
        return count;
    }

    /** Sends a batch in one go where the fd kind can; holds the write lock. */
    int sendBatch(PacketBuffer[] packets, int count) throws IOException {
        return sendEach(packets, count);
    }

    /**
     * Writes one packet; holds the write lock.
     *
     * @return true when it was sent or dropped (and counted), false when the fd was full
     */
    abstract boolean sendOne(PacketBuffer packet) throws IOException;

    /** The message of the {@link ChannelFullException} {@link #write} throws. */
    abstract String fullMessage();
}
