package org.netstack4j.tun.linux;

/**
 * Tuning of a socket-based channel ({@link UnixPacketChannel}, {@link PacketSocketChannel}).
 *
 * @param batching           use {@code recvmmsg}/{@code sendmmsg} in {@code readBatch}/{@code writeBatch}
 *                           (one system call for up to {@code batchSize} packets, at the price of a
 *                           copy through a native staging area, since the kernel can only be given
 *                           native addresses inside message headers); false: one {@code recv}/{@code send}
 *                           per packet, straight into and out of the heap buffers
 * @param batchSize          packets per batched system call (1..1024)
 * @param maxPacketSize      the largest packet a batched receive takes whole (the staging slot size);
 *                           0 for the channel's default (the interface MTU plus link header for
 *                           AF_PACKET, 65535 for Unix sockets)
 * @param receiveBufferSize  {@code SO_RCVBUF} (forced when privileged), 0 to keep the default
 * @param sendBufferSize     {@code SO_SNDBUF} (forced when privileged), 0 to keep the default
 */
public record SocketChannelOptions(boolean batching, int batchSize, int maxPacketSize, int receiveBufferSize,
                                   int sendBufferSize) {

    /** Checks ranges. */
    public SocketChannelOptions {
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batchSize " + batchSize + " outside 1..1024");
        }
        if (maxPacketSize < 0 || maxPacketSize > 1 << 20) {
            throw new IllegalArgumentException("maxPacketSize " + maxPacketSize);
        }
        if (receiveBufferSize < 0 || sendBufferSize < 0) {
            throw new IllegalArgumentException("negative socket buffer size");
        }
    }

    /** Batched system calls of 64 packets, default packet size and socket buffers. */
    public static SocketChannelOptions defaults() {
        return new SocketChannelOptions(true, 64, 0, 0, 0);
    }

    /** Turns batched system calls on or off. */
    public SocketChannelOptions withBatching(boolean on) {
        return new SocketChannelOptions(on, batchSize, maxPacketSize, receiveBufferSize, sendBufferSize);
    }

    /** Sets the packets per batched system call. */
    public SocketChannelOptions withBatchSize(int packets) {
        return new SocketChannelOptions(batching, packets, maxPacketSize, receiveBufferSize, sendBufferSize);
    }

    /** Sets the staging slot size. */
    public SocketChannelOptions withMaxPacketSize(int bytes) {
        return new SocketChannelOptions(batching, batchSize, bytes, receiveBufferSize, sendBufferSize);
    }

    /** Sets {@code SO_RCVBUF} and {@code SO_SNDBUF}. */
    public SocketChannelOptions withSocketBuffers(int receive, int send) {
        return new SocketChannelOptions(batching, batchSize, maxPacketSize, receive, send);
    }
}
