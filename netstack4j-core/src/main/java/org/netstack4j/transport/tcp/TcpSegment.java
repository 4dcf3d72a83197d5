package org.netstack4j.transport.tcp;

import org.netstack4j.wire.TcpOptions;

/**
 * One received segment as the connection sees it: the header fields, the parsed options, and where its
 * payload lies. A reusable holder, one per shard, filled by the protocol handler (or by a test).
 */
public final class TcpSegment {
    public int seq;
    public int ack;
    public int flags;
    /** The raw 16-bit window field. */
    public int window;
    public final TcpOptions options = new TcpOptions();
    public byte[] payload;
    public int payloadOffset;
    public int payloadLength;

    /** Sets the fields; options are left as they are (fill {@link #options} separately). */
    public TcpSegment set(int seq, int ack, int flags, int window, byte[] payload, int offset, int length) {
        this.seq = seq;
        this.ack = ack;
        this.flags = flags;
        this.window = window;
        this.payload = payload;
        this.payloadOffset = offset;
        this.payloadLength = length;
        return this;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Sequence space the segment occupies: payload plus SYN and FIN. */
    int sequenceLength() {
        return payloadLength + ((flags & 0x2) != 0 ? 1 : 0) + ((flags & 0x1) != 0 ? 1 : 0);
    }
}
