package org.netstack4j.tun.linux;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.gso.ChecksumOffload;
import org.netstack4j.link.gso.GsoResult;
import org.netstack4j.link.gso.GsoSegmenter;

/**
 * The receive side of the virtio-net header: checks the header the kernel (or whoever holds the
 * other end of an adopted fd) put in front of a packet, and hands the packet on whole with its offload
 * metadata, or with its partial checksum completed, or cut into segments by the link layer's
 * {@link GsoSegmenter}, one per caller buffer, over as many reads as it takes.
 * A header that does not fit its packet is a counted drop ({@link ChannelStats#readDropsMalformed()}),
 * never an exception. One instance per reader.
 */
final class VirtioReceiver {
    /** Returned when nothing is handed to the caller for this packet (dropped, or now being split). */
    static final int NO_PACKET = Integer.MIN_VALUE;

    private final ChannelStats stats;
    private final int linkHeader;
    private final boolean deliverWhole;
    private final int stagingSize;
    private final GsoSegmenter segmenter = new GsoSegmenter();
    private PacketBuffer staging;
    /** The super-packet being cut (in the staging buffer) and the next segment to hand out. */
    private PacketBuffer pending;
    private int nextSegment;
    private int segmentCount;

    /**
     * @param linkHeader   bytes of link header in front of the IP header (14 for TAP, 0 for TUN)
     * @param deliverWhole hand super-packets and partial checksums over instead of finishing them
     * @param stagingSize  size of the staging array for packets that do not fit the caller's buffer
     */
    VirtioReceiver(ChannelStats stats, int linkHeader, boolean deliverWhole, int stagingSize) {
        this.stats = stats;
        this.linkHeader = linkHeader;
        this.deliverWhole = deliverWhole;
        this.stagingSize = stagingSize;
    }

    /** True while segments of a split super-packet remain to be handed out. */
    boolean hasPendingSegments() {
        return pending != null;
    }

    /** The staging array (allocated on first use). */
    byte[] staging() {
        return stagingBuffer().array();
    }

    private PacketBuffer stagingBuffer() {
        PacketBuffer s = staging;
        if (s == null) {
            s = new PacketBuffer(stagingSize, 0);
            staging = s;
        }
        return s;
    }

    /**
     * Processes one packet read with its virtio-net header.
     *
     * @param buffer       the caller's buffer
     * @param src          the array the packet was read into (the buffer's, or {@link #staging()})
     * @param header       index of the virtio-net header in {@code src}
     * @param dataAt       index of the packet in {@code src}
     * @param stored       bytes of the packet present in {@code src}
     * @param packetLength the packet's real length
     * @param direct       whether {@code src} is the buffer's own array (and the packet is in place)
     * @return the packet length to report, or {@link #NO_PACKET}
     */
    int deliver(PacketBuffer buffer, byte[] src, int header, int dataAt, int stored,
                                  int packetLength, boolean direct) {
        int flags = VirtioNetHeader.flags(src, header);
        int gso = VirtioNetHeader.gsoType(src, header) & ~VirtioNetHeader.GSO_ECN;
        int gsoSize = VirtioNetHeader.gsoSize(src, header);
        boolean needsChecksum = (flags & VirtioNetHeader.F_NEEDS_CSUM) != 0;
        int checksumStart = VirtioNetHeader.checksumStart(src, header);
        int checksumOffset = VirtioNetHeader.checksumOffset(src, header);
        if (needsChecksum && checksumStart + checksumOffset + 2 > stored) {
            stats.increment(ChannelStats.READ_DROPS_MALFORMED);
            return NO_PACKET;
        }
        if (gso != VirtioNetHeader.GSO_NONE) {
            int type = switch (gso) {
                case VirtioNetHeader.GSO_TCPV4 -> PacketBuffer.GSO_TCPV4;
                case VirtioNetHeader.GSO_TCPV6 -> PacketBuffer.GSO_TCPV6;
                case VirtioNetHeader.GSO_UDP_L4 -> PacketBuffer.GSO_UDP_L4;
                default -> -1;
            };
            if (type < 0 || gsoSize == 0 || !needsChecksum || stored < packetLength) {
                stats.increment(ChannelStats.READ_DROPS_MALFORMED);
                return NO_PACKET;
            }
            stats.increment(ChannelStats.SUPER_PACKETS_READ);
            int room = buffer.capacity() - buffer.start();
            if (deliverWhole && (direct || room >= packetLength)) {
                int at = direct ? dataAt : buffer.start();
                if (!direct) {
                    copyIn(buffer, src, dataAt, packetLength);
                } else {
                    buffer.setBounds(dataAt, dataAt + packetLength);
                }
                buffer.gso(type, gsoSize);
                buffer.checksumPartial(at + checksumStart, checksumOffset);
                count(packetLength);
                return packetLength;
            }
            if (type == PacketBuffer.GSO_UDP_L4) {
                // The link layer segments TCP only; USO is granted only to readers taking super-packets whole.
                stats.increment(ChannelStats.READ_DROPS_MALFORMED);
                return NO_PACKET;
            }
            PacketBuffer sp = stagingBuffer();
            if (direct) {
                // The segments are cut into the caller's buffer, which holds the super-packet: move it aside.
                System.arraycopy(src, dataAt, sp.array(), 0, packetLength);
                sp.setBounds(0, packetLength);
            } else {
                sp.setBounds(dataAt, dataAt + packetLength);
            }
            sp.gso(type, gsoSize);
            if (segmenter.prepare(sp, sp.start() + linkHeader) != GsoResult.OK) {
                stats.increment(ChannelStats.READ_DROPS_MALFORMED);
                return NO_PACKET;
            }
            pending = sp;
            nextSegment = 0;
            segmentCount = segmenter.segmentCount();
            return NO_PACKET;
        }
        int kept;
        int at;
        if (direct) {
            buffer.setBounds(dataAt, dataAt + stored);
            kept = stored;
            at = dataAt;
        } else {
            at = buffer.start();
            kept = copyIn(buffer, src, dataAt, stored);
        }
        if (kept < packetLength) {
            stats.increment(ChannelStats.READS_TRUNCATED);
        }
        // A truncated packet may have lost its checksum field: then it keeps no partial mark.
        if (needsChecksum && checksumStart + checksumOffset + 2 <= kept) {
            buffer.checksumPartial(at + checksumStart, checksumOffset);
            if (!deliverWhole && ChecksumOffload.completePartialChecksum(buffer)) {
                stats.increment(ChannelStats.CHECKSUMS_COMPLETED);
            }
        }
        count(kept);
        return packetLength;
    }

    /** Hands out the next segment of the super-packet being cut; its length (reported truncated when the buffer is too small). */
    int nextSegment(PacketBuffer buffer) {
        int length = segmenter.segment(pending, nextSegment, buffer);
        if (length < 0) {
            // A buffer too small for one MTU-sized segment: the rest of this super-packet is lost.
            stats.increment(ChannelStats.READS_TRUNCATED);
            pending = null;
            buffer.setBounds(buffer.start(), buffer.start());
            return segmenter.maxSegmentLength() + linkHeader;
        }
        if (++nextSegment == segmentCount) {
            pending = null;
        }
        stats.increment(ChannelStats.SEGMENTS_SPLIT);
        count(length);
        return length;
    }

    private int copyIn(PacketBuffer buffer, byte[] src, int from, int length) {
        int start = buffer.start();
        int kept = Math.min(length, buffer.capacity() - start);
        System.arraycopy(src, from, buffer.array(), start, kept);
        buffer.setBounds(start, start + kept);
        stats.increment(ChannelStats.READ_COPIES);
        return kept;
    }

    private void count(int bytes) {
        stats.increment(ChannelStats.PACKETS_READ);
        stats.add(ChannelStats.BYTES_READ, bytes);
    }
}
