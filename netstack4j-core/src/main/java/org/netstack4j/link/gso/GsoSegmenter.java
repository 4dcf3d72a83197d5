package org.netstack4j.link.gso;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;

/**
 * Software segmentation of TCP super-packets (placeholder until the IPv4/IPv6/TCP views land: every
 * super-packet is reported malformed).
 */
public final class GsoSegmenter {
    private final PacketBufferPool pool;

    /** Segments are taken from {@code pool}. */
    public GsoSegmenter(PacketBufferPool pool) {
        this.pool = pool;
    }

    /** How many segments {@code superPacket} yields, or -1 when it cannot be segmented. */
    public static int segmentCount(PacketBuffer superPacket) {
        return -1;
    }

    /** Cuts {@code superPacket} into segments stored from {@code out[offset]}; returns their count or -1. */
    public int segment(PacketBuffer superPacket, PacketBuffer[] out, int offset) {
        return pool == null ? -1 : -1;
    }
}
