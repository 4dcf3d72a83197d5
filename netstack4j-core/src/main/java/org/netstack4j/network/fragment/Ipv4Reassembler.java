package org.netstack4j.network.fragment;

import java.util.random.RandomGenerator;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv4Header;

/**
 * IPv4 fragment reassembly (RFC 791, RFC 815) for one shard: datagrams keyed by source, destination,
 * protocol and identification, bounded in memory, per source and in time. Sans-I/O and single-threaded:
 * the shard submits fragments with the current time and calls {@link #expire} when
 * {@link #nextDeadline()} passes.
 *
 * <p>The reassembled datagram carries the first fragment's header, options included, with the total
 * length set, the fragment offset and MF cleared and the checksum recomputed; its network offset is the
 * header and its transport offset the payload. The caller verifies each fragment's header checksum
 * before submitting it (as for any received packet). See {@link Reassembler} for the rules on overlaps,
 * duplicates and caps; drops are counted in {@link #counters()} by {@link ReassemblyStatus}.
 */
public final class Ipv4Reassembler extends ReassemblerFrontEnd {
    private static final int NOT_ECT = 0;
    private static final int CE = 3;

    private final Ipv4Header header = new Ipv4Header();
    private final Fragment fragment = new Fragment();

    /**
     * @param config     limits and timeout ({@link ReassemblyConfig#ipv4()})
     * @param outputPool where reassembled datagrams go; its buffers must hold 65535 bytes after the headroom
     * @param listener   told about timeouts and rejected fragments (for ICMP errors)
     * @param random     seeds the table's hash (so remote parties cannot aim at one chain)
     * @throws IllegalArgumentException if the pool's buffers are too small for a 65535-byte datagram
     */
    public Ipv4Reassembler(ReassemblyConfig config, PacketBufferPool outputPool, ReassemblyListener listener,
                           RandomGenerator random) {
        super(config, outputPool, listener, random, Ipv4Header.MAX_TOTAL_LENGTH, "datagram");
    }

    /**
     * Submits a received IPv4 packet whose header starts at its network offset (or at its start when
     * that is unset). Takes ownership of the packet in every case: it is held, copied into a reassembled
     * datagram and released, or released as a drop.
     *
     * @return {@link ReassemblyStatus#COMPLETE} when this fragment completed a datagram and
     *     {@link ReassemblyStatus#NOT_FRAGMENTED} for a packet that is no fragment, both to be collected
     *     with {@link #takeReassembled()}; otherwise what happened to the fragment
     */
    public ReassemblyStatus submit(PacketBuffer packet, long now) {
        int at = packet.networkOffset() == PacketBuffer.UNSET ? packet.start() : packet.networkOffset();
        if (at < packet.start() || at > packet.end()
                || !header.wrap(packet.array(), at, packet.end() - at).isOk()) {
            return core.malformed(packet);
        }
        if (!header.isFragment()) {
            return notFragmented(packet);
        }
        Fragment f = fragment;
        f.sourceHigh = 0;
        f.sourceLow = header.sourceAddress() & 0xffff_ffffL;
        f.destinationHigh = 0;
        f.destinationLow = header.destinationAddress() & 0xffff_ffffL;
        f.tag = (long) header.protocol() << 16 | header.identification();
        f.buffer = packet;
        f.offset = header.fragmentOffset();
        f.dataStart = header.payloadOffset();
        f.dataLength = header.payloadLength();
        f.moreFragments = header.moreFragments();
        f.maxEnd = Ipv4Header.MAX_TOTAL_LENGTH - header.headerLength();
        f.ecn = header.ecn();
        f.headerStart = at;
        f.headerLength = header.headerLength();
        ReassemblyStatus status = core.insert(f, now);
        f.buffer = null;
        if (status != ReassemblyStatus.COMPLETE) {
            return status;
        }
        Train t = core.completed();
        if (t.headerLength + t.end > Ipv4Header.MAX_TOTAL_LENGTH) {
            // Each fragment was checked against its own header; the first one's may be longer.
            return core.discardCompleted(ReassemblyStatus.TOO_BIG);
        }
        int ecn = mergedEcn(t.ecnSeen);
        if (ecn < 0) {
            return core.discardCompleted(ReassemblyStatus.INCONSISTENT);
        }
        PacketBuffer out = core.assemble();
        finishHeader(out, ecn);
        return complete(out);
    }

    /**
     * RFC 3168 section 5.3: a datagram whose fragments mix Not-ECT with ECT is dropped (-1); one with a
     * CE fragment is marked CE; otherwise it keeps the common codepoint.
     */
    static int mergedEcn(int seen) {
        if ((seen & 1 << NOT_ECT) != 0) {
            return seen == 1 << NOT_ECT ? NOT_ECT : -1;
        }
        if ((seen & 1 << CE) != 0) {
            return CE;
        }
        return Integer.numberOfTrailingZeros(seen);
    }

    private static void finishHeader(PacketBuffer out, int ecn) {
        byte[] b = out.array();
        int h = out.networkOffset();
        int headerLength = (b[h] & 0xf) * 4;
        Bytes.put8(b, h + 1, (b[h + 1] & 0xfc) | ecn);
        Bytes.put16(b, h + 2, out.end() - h);
        // Keep DF and the reserved bit as the first fragment had them; clear MF and the offset.
        Bytes.put16(b, h + 6, Bytes.u16(b, h + 6) & Ipv4Header.FLAG_DONT_FRAGMENT);
        Bytes.put16(b, h + 10, Ipv4Header.checksum(b, h, headerLength));
        out.transportOffset(h + headerLength);
    }
}
