package org.netstack4j.link;

import java.io.IOException;

/**
 * Thrown by {@link PacketChannel#write} when the device has no room for the packet right now (a
 * full ring or queue); the packet was not sent. It is a drop, not a failure: the channel stays
 * usable. Endpoints avoid it on their hot path by using {@link PacketChannel#writeBatch}, which
 * reports a full device as a short count instead.
 */
public final class ChannelFullException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A new exception with a message naming the device. */
    public ChannelFullException(String message) {
        super(message);
    }
}
