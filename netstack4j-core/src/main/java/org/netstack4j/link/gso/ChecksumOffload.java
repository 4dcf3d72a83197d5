package org.netstack4j.link.gso;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

/**
 * Software completion of a partial transport checksum, what a device does for a packet marked
 * {@code NEEDS_CSUM} (virtio-net) or {@code CHECKSUM_PARTIAL} (Linux): the checksum field already
 * holds the folded pseudo-header sum (not complemented), so the one's-complement sum of the bytes
 * from {@link PacketBuffer#checksumStart()} to the end of the packet, complemented, is the checksum.
 */
public final class ChecksumOffload {
    private ChecksumOffload() {
    }

    /**
     * Completes the partial checksum of {@code packet} in place and clears its partial mark. A result
     * of zero is stored as {@code 0xffff}, its one's-complement twin, because zero means "no
     * checksum" in UDP over IPv4 and is forbidden in UDP over IPv6 (RFC 768, RFC 8200 section 8.1);
     * for TCP both encodings verify alike.
     *
     * @return true when done, or when the packet had no partial checksum; false (packet untouched)
     *     when the start and offset do not lie inside the packet
     */
    public static boolean completePartialChecksum(PacketBuffer packet) {
        if (!packet.checksumPartial()) {
            return true;
        }
        int start = packet.checksumStart();
        int offset = packet.checksumOffset();
        int end = packet.end();
        if (start < packet.start() || offset < 0 || start + offset + 2 > end) {
            return false;
        }
        byte[] b = packet.array();
        int sum = Checksum.partial(b, start, end - start, 0);
        int field = Checksum.finish(sum);
        Bytes.put16(b, start + offset, field == 0 ? 0xffff : field);
        packet.clearChecksumPartial();
        return true;
    }
}
