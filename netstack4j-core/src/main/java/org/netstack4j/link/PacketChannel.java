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
 *
 * <p>A device that has no room for an outbound packet (a full ring or queue) does not block the
 * writer for long: {@link #write} throws {@link ChannelFullException} and {@link #writeBatch}
 * returns a short count, so that the caller counts a drop and moves on, as a real link would.
 */
public interface PacketChannel extends Closeable {

    /**
     * Blocks until one packet arrives and stores it in {@code buffer} starting at
     * {@code buffer.start()}, setting {@code buffer.end()} to its end. A packet longer than the
     * buffer's room ({@code capacity() - start()}) is truncated to it by datagram semantics and
     * reported with its real length when the device knows it, so the caller can count it as
     * oversized. A device that cannot learn the real length (a Java datagram socket) returns the
     * stored length; callers therefore read into a buffer with room for at least one byte more than
     * the largest packet they accept, and treat a packet that fills that room as oversized.
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
     * @throws ChannelFullException if the device has no room for the packet now (it was not sent)
     * @throws java.nio.channels.ClosedChannelException if this channel is closed
     * @throws IOException when the device refuses the packet or fails
     */
    void write(PacketBuffer packet) throws IOException;

    /**
     * Sends {@code packets[0..count)} in order and returns how many were sent. A count below
     * {@code count} means the packets from that index on were not sent: the device had no room for
     * them, or an error stopped the batch part-way (the error is thrown only when nothing was sent,
     * and a later call reports it again). The caller keeps ownership of the buffers.
     */
    default int writeBatch(PacketBuffer[] packets, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try {
                write(packets[i]);
            } catch (ChannelFullException e) {
                return i;
            } catch (IOException e) {
                if (i == 0) {
                    throw e;
                }
                return i;
            }
        }
        return count;
    }

    /**
     * True when the device takes segmentation and partial-checksum metadata along with the packet
     * ({@link PacketBuffer#gsoType()}, {@link PacketBuffer#checksumPartial()}), as a Linux TUN with a
     * virtio-net header does; the endpoint then leaves segmentation and checksum completion to the
     * device. The default, false, makes the endpoint finish packets in software before writing.
     */
    default boolean carriesOffloadMetadata() {
        return false;
    }

    /**
     * The largest packet a read may hand over whole beyond the link MTU, or 0 when none: a device that
     * delivers the kernel's TCP super-packets (marked with {@link PacketBuffer#gsoType()}) says how much
     * room a buffer needs to take one without cutting or copying it. The endpoint sizes its receive
     * buffers for it and accepts such a marked packet past the MTU.
     */
    default int maxSuperPacket() {
        return 0;
    }

    /** True until {@link #close()} is called. */
    boolean isOpen();

    /** Closes the channel and wakes a blocked reader; idempotent. */
    @Override
    void close() throws IOException;
}
