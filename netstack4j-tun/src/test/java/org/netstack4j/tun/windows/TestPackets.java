package org.netstack4j.tun.windows;

import org.netstack4j.buffer.PacketBuffer;

/** Minimal IP-shaped packets whose bytes encode a sequence number, for ordering checks. */
final class TestPackets {
    private TestPackets() {}

    /** {@code length} bytes starting with an IPv4 version/IHL byte, the sequence number at bytes 4..7. */
    static byte[] ipv4(int length, int seq) {
        return fill(new byte[length], 0x45, seq);
    }

    /** {@code length} bytes starting with an IPv6 version nibble, the sequence number at bytes 4..7. */
    static byte[] ipv6(int length, int seq) {
        return fill(new byte[length], 0x60, seq);
    }

    private static byte[] fill(byte[] p, int first, int seq) {
        p[0] = (byte) first;
        for (int i = 1; i < p.length; i++) {
            p[i] = (byte) (i * 31 + seq);
        }
        if (p.length >= 8) {
            p[4] = (byte) (seq >>> 24);
            p[5] = (byte) (seq >>> 16);
            p[6] = (byte) (seq >>> 8);
            p[7] = (byte) seq;
        }
        return p;
    }

    static int seq(byte[] p) {
        return ((p[4] & 0xFF) << 24) | ((p[5] & 0xFF) << 16) | ((p[6] & 0xFF) << 8) | (p[7] & 0xFF);
    }

    static PacketBuffer buffer(byte[] packet) {
        return PacketBuffer.copyOf(packet, 64);
    }
}
