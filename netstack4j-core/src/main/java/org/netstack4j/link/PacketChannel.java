package org.netstack4j.link;

import java.io.Closeable;
import java.io.IOException;
import org.netstack4j.buffer.PacketBuffer;

/**
 * One boundary-preserving packet pipe: a TUN queue, a datagram or seqpacket socket, a Wintun
 * session, an in-memory pipe. One {@link #read} returns exactly one packet; one {@link #write}
 * sends exactly one.
 *
 * <p>Reads are made by one thread at a time (the endpoint's dispatch loop for this channel); writes
 * may come from several threads and implementations must make them safe. {@link #close()} may be
 * called from any thread and wakes a reader blocked in {@link #read}.
 *
 * <p>Batch methods have a one-at-a-time default; devices that can batch ({@code recvmmsg}, a ring)
 * override them.
 */
public interface PacketChannel extends Closeable {

    /**
     * Blocks until one packet arrives and stores it in {@code buffer} starting at
     * {@code buffer.start()}, setting {@code buffer.end()} to its end. A packet longer than the
     * buffer's room is truncated to it by datagram semantics and reported with its real length so
     * the caller can count it as oversized.
     *
     * @return the packet's length in bytes (may exceed the stored bytes when truncated), or
     *     {@code -1} at end of stream: the peer closed its side
     * @throws java.nio.channels.ClosedChannelException if this channel was closed (also when closed
     *     while the call was blocked)
     * @throws IOException when the device fails
     */
    int read(PacketBuffer buffer) throws IOException;

    /**
     * Reads at least one and at most {@code count} packets into {@code buffers[0..count)}, blocking
     * only for the first. The default reads one.
     *
     * @param lengths receives each packet's length as {@link #read} would return it
     * @return how many buffers were filled, or {@code -1} at end of stream
     */
    default int readBatch(PacketBuffer[] buffers, int[] lengths, int count) throws IOException {
        int n = read(buffers[0]);
        if (n < 0) {
            return -1;
        }
        lengths[0] = n;
        return 1;
    }

    /**
     * Sends the bytes {@code [packet.start(), packet.end())} as one packet. The caller keeps
     * ownership of {@code packet}.
     *
     * @throws java.nio.channels.ClosedChannelException if this channel is closed
     * @throws IOException when the device refuses the packet or fails
     */
    void write(PacketBuffer packet) throws IOException;

    /**
     * Sends {@code packets[0..count)} in order; returns how many were sent (all unless an error
     * stopped the batch part-way, in which case the error is thrown if none was sent).
     */
    default int writeBatch(PacketBuffer[] packets, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            write(packets[i]);
        }
        return count;
    }

    /** True until {@link #close()} is called. */
    boolean isOpen();

    /** Closes the channel and wakes a blocked reader; idempotent. */
    @Override
    void close() throws IOException;
}
