package org.netstack4j.transport.tcp;

import org.netstack4j.wire.TcpOptions;

/**
 * Where a connection's segments go. The protocol handler builds IP + TCP into a pooled buffer and sends it;
 * tests capture the segments. Called on the connection's shard only.
 */
public interface SegmentSink {

    /**
     * Emits one segment (or one super-segment when {@code gsoSize > 0} and the payload is longer).
     *
     * @param c           the connection (addresses, ports, path)
     * @param seq         sequence number
     * @param ack         acknowledgment number (meaningful with ACK)
     * @param flags       TCP flags
     * @param window      the 16-bit window field (already scaled down)
     * @param options     options to write (only those that belong in this segment), or null
     * @param data        the send buffer holding the payload, or null when {@code length == 0}
     * @param dataOffset  stream offset of the payload's first byte in {@code data}
     * @param length      payload bytes
     * @param gsoSize     payload bytes per wire segment of a super-segment, 0 for one segment
     * @return false when the packet was dropped on the way out (counted by the stack)
     */
    boolean emit(TcpConnection c, int seq, int ack, int flags, int window, TcpOptions options, SendBuffer data,
                 long dataOffset, int length, int gsoSize);
}
