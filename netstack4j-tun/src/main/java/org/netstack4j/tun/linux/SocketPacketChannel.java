package org.netstack4j.tun.linux;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.ChannelFullException;

/**
 * What every message-preserving socket channel shares (AF_UNIX datagram/seqpacket, AF_PACKET): one
 * packet per {@code recv}/{@code send} straight into and out of the heap buffer (critical downcalls,
 * no copy), or up to a batch per {@code recvmmsg}/{@code sendmmsg} through a native staging area
 * ({@link SocketChannelOptions#batching()}); readiness through epoll with the close eventfd.
 *
 * <p>Errors: {@code EAGAIN} on receive waits in epoll; on send the socket is full:
 * {@link ChannelFullException} from {@link #write}, a short count from {@link #writeBatch}
 * ({@link #awaitWritable} waits for room). {@code EINTR} retries; on send {@code ENOBUFS} drops and counts
 * (a full queue discipline), {@code ENETDOWN}/{@code ENXIO} drop and count (interface down),
 * {@code EMSGSIZE} rejects the packet; a receive of 0 bytes on a seqpacket socket is the end of the
 * stream.
 */
abstract class SocketPacketChannel extends FdPacketChannel {
    static final int MSG_NOSIGNAL = 0x4000;
    /** Outcomes of {@link #sendError}. */
    private static final int RETRY = 0;
    private static final int DROPPED = 1;
    private static final int FULL = 2;
    private static final int NO_PACKET = Integer.MIN_VALUE;

    private final SocketChannelOptions options;
    private final int slotSize;
    private final boolean zeroLengthIsEnd;
    private MessageVector receiveVector;
    private MessageVector sendVector;

    SocketPacketChannel(FdCore core, SocketChannelOptions options, int defaultSlotSize, boolean zeroLengthIsEnd) {
        super(core);
        this.options = options;
        this.slotSize = options.maxPacketSize() > 0 ? options.maxPacketSize() : defaultSlotSize;
        this.zeroLengthIsEnd = zeroLengthIsEnd;
    }

    /** The options this channel was made with. */
    public SocketChannelOptions options() {
        return options;
    }

    @Override
    public int readBatch(PacketBuffer[] buffers, int[] lengths, int count) throws IOException {
        if (count <= 0) {
            return 0;
        }
        core.enterOrThrow();
        try {
            if (!options.batching() || count == 1) {
                int first = receiveOne(buffers[0], true);
                if (first < 0 && first != NO_PACKET) {
                    return -1;
                }
                lengths[0] = first;
                int n = 1;
                while (n < count) {
                    int r = receiveOne(buffers[n], false);
                    if (r == NO_PACKET || r == -1) {
                        break;
                    }
                    lengths[n++] = r;
                }
                return n;
            }
            return receiveBatch(buffers, lengths, count);
        } finally {
            core.exit();
        }
    }

    /** One {@code recv} into the buffer; {@link #NO_PACKET} when not blocking and nothing is there. */
    @Override
    final int receiveOne(PacketBuffer buffer, boolean block) throws IOException {
        int start = buffer.start();
        int room = buffer.capacity() - start;
        MemorySegment target = readSlices.at(buffer.array(), start);
        for (;;) {
            long n = Libc.recv(readState, core.fd(), target, room, Libc.MSG_TRUNC);
            if (n >= 0) {
                if (n == 0 && zeroLengthIsEnd) {
                    return -1;
                }
                return delivered(buffer, start, (int) n, Math.min((int) n, room));
            }
            int errno = Libc.errno(readState);
            if (errno == Errno.EAGAIN) {
                if (!awaitPacket(block)) {
                    return NO_PACKET;
                }
            } else if (errno != Errno.EINTR) {
                throw receiveFailure(errno);
            }
        }
    }

    private int receiveBatch(PacketBuffer[] buffers, int[] lengths, int count) throws IOException {
        MessageVector v = receiveVector;
        if (v == null) {
            v = new MessageVector(core.arena(), options.batchSize(), slotSize);
            receiveVector = v;
        }
        int want = Math.min(count, v.count());
        for (;;) {
            v.prepareReceive(want);
            int n = Libc.recvmmsg(readState, core.fd(), v.headers(), want, Libc.MSG_DONTWAIT | Libc.MSG_TRUNC);
            if (n > 0) {
                stats.increment(ChannelStats.READ_BATCH_CALLS);
                int filled = 0;
                for (int i = 0; i < n; i++) {
                    int length = v.receivedLength(i);
                    if (length == 0 && zeroLengthIsEnd) {
                        return filled == 0 ? -1 : filled; // the end follows the packets before it
                    }
                    PacketBuffer b = buffers[filled];
                    int start = b.start();
                    int kept = Math.min(length, Math.min(v.slotSize(), b.capacity() - start));
                    v.copyOut(i, b.array(), start, kept);
                    stats.increment(ChannelStats.READ_COPIES);
                    lengths[filled++] = delivered(b, start, length, kept);
                }
                return filled;
            }
            if (n == 0) {
                return zeroLengthIsEnd ? -1 : 0;
            }
            int errno = Libc.errno(readState);
            if (errno == Errno.EAGAIN) {
                awaitPacket(true);
            } else if (errno != Errno.EINTR) {
                throw receiveFailure(errno);
            }
        }
    }

    private int delivered(PacketBuffer buffer, int start, int length, int kept) {
        buffer.setBounds(start, start + kept);
        if (kept < length) {
            stats.increment(ChannelStats.READS_TRUNCATED);
        }
        stats.increment(ChannelStats.PACKETS_READ);
        stats.add(ChannelStats.BYTES_READ, kept);
        received(buffer);
        return length;
    }

    /** Hook for subclasses to record link metadata of a received packet. */
    void received(PacketBuffer buffer) {
    }

    IOException receiveFailure(int errno) {
        return new ErrnoException("receive on " + core, errno);
    }

    @Override
    final String fullMessage() {
        return "send on " + core + ": socket buffer full";
    }

    @Override
    public int writeBatch(PacketBuffer[] packets, int count) throws IOException {
        if (count <= 0) {
            return 0;
        }
        return writeLocked(packets, count, !options.batching() || count == 1);
    }

    /**
     * One {@code send} straight from the heap buffer.
     *
     * @return true when sent or dropped (and counted), false when the socket was full
     */
    @Override
    final boolean sendOne(PacketBuffer packet) throws IOException {
        int length = packet.length();
        MemorySegment source = writeSlices.at(packet.array(), packet.start());
        for (;;) {
            long n = Libc.send(writeState, core.fd(), source, length, MSG_NOSIGNAL);
            if (n >= 0) {
                stats.increment(ChannelStats.PACKETS_WRITTEN);
                stats.add(ChannelStats.BYTES_WRITTEN, length);
                return true;
            }
            int outcome = sendError(Libc.errno(writeState), length);
            if (outcome != RETRY) {
                return outcome == DROPPED;
            }
        }
    }

    /** Up to a vector of packets per {@code sendmmsg}; one too large for a staging slot goes on its own. */
    @Override
    final int sendBatch(PacketBuffer[] packets, int count) throws IOException {
        MessageVector v = sendVector;
        if (v == null) {
            v = new MessageVector(core.arena(), options.batchSize(), slotSize);
            sendVector = v;
        }
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, v.count());
            int staged = 0;
            while (staged < n) {
                PacketBuffer p = packets[done + staged];
                if (p.length() > v.slotSize()) {
                    break; // sent on its own below
                }
                v.stage(staged, p.array(), p.start(), p.length());
                staged++;
            }
            if (staged == 0) {
                boolean sent;
                try {
                    sent = sendOne(packets[done]);
                } catch (IOException e) {
                    if (done == 0) {
                        throw e;
                    }
                    return done;
                }
                if (!sent) {
                    return done;
                }
                done++;
                continue;
            }
            stats.add(ChannelStats.WRITE_COPIES, staged);
            int sent = Libc.sendmmsg(writeState, core.fd(), v.headers(), staged, MSG_NOSIGNAL);
            if (sent > 0) {
                stats.increment(ChannelStats.WRITE_BATCH_CALLS);
                for (int i = 0; i < sent; i++) {
                    stats.increment(ChannelStats.PACKETS_WRITTEN);
                    stats.add(ChannelStats.BYTES_WRITTEN, packets[done + i].length());
                }
                done += sent;
                continue;
            }
            int outcome;
            try {
                outcome = sendError(Libc.errno(writeState), packets[done].length());
            } catch (IOException e) {
                if (done == 0) {
                    throw e;
                }
                return done;
            }
            if (outcome == FULL) {
                return done;
            }
            if (outcome == DROPPED) {
                done++;
            }
        }
        return done;
    }

    /**
     * Classifies a failed send of one packet: {@link #RETRY} ({@code EINTR}), {@link #DROPPED}
     * (counted: no buffer space, interface down) or {@link #FULL} ({@code EAGAIN}, counted).
     *
     * @throws IOException when the packet is refused or the channel failed
     */
    private int sendError(int errno, int length) throws IOException {
        switch (errno) {
            case Errno.EINTR:
                return RETRY;
            case Errno.EAGAIN:
                stats.increment(ChannelStats.WRITES_FULL);
                return FULL;
            case Errno.ENOBUFS:
            case Errno.ENOMEM:
                stats.increment(ChannelStats.WRITE_DROPS_NO_BUFFERS);
                return DROPPED;
            case Errno.ENETDOWN:
            case Errno.ENXIO:
                stats.increment(ChannelStats.WRITE_DROPS_LINK_DOWN);
                return DROPPED;
            case Errno.EMSGSIZE:
            case Errno.EINVAL:
                stats.increment(ChannelStats.WRITES_REJECTED);
                throw new PacketRejectedException("send " + length + " bytes on " + core, errno);
            default:
                throw new ErrnoException("send on " + core, errno);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + core + "]";
    }
}
