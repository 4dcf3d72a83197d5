package org.netstack4j.network.fragment;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

/** Completes a partial (offloaded) transport checksum before a packet is cut into fragments. */
final class Checksums {
    private Checksums() {
    }

    /**
     * If the packet's transport checksum was left partial (the field holds the pseudo-header sum, as with
     * virtio-net's NEEDS_CSUM), computes it over the rest of the packet and clears the offload mark:
     * fragments cannot carry a partial checksum, since no single device sees the whole segment.
     */
    static void completePartial(PacketBuffer packet) {
        if (!packet.checksumPartial()) {
            return;
        }
        int start = packet.checksumStart();
        int field = start + packet.checksumOffset();
        byte[] b = packet.array();
        int sum = Checksum.partial(b, start, packet.end() - start, 0);
        int value = Checksum.finish(sum);
        // UDP transmits a computed zero as all ones (RFC 768); for TCP the two are the same sum.
        Bytes.put16(b, field, value == 0 ? 0xffff : value);
        packet.clearOffload();
    }
}
