package org.netstack4j.network.fragment;

import java.util.random.RandomGenerator;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6FragmentHeader;
import org.netstack4j.wire.Ipv6Header;

/**
 * IPv6 fragment reassembly (RFC 8200 section 4.5) for one shard: datagrams keyed by source, destination
 * and identification, bounded in memory, per source and in time (60 s by default). Sans-I/O and
 * single-threaded, like {@link Ipv4Reassembler}.
 *
 * <p>The reassembled packet is the first fragment's unfragmentable part (the IPv6 header and the
 * extension headers before the fragment header) followed by the fragmentable part: the fragment header
 * is gone, the next-header field that named it now names what it named, and the payload length is
 * set. Its network offset is the IPv6 header; its transport offset is set when the fragmentable part
 * starts with an upper-layer header (otherwise the caller walks the remaining extension headers).
 *
 * <p>Overlapping fragments discard the datagram (RFC 5722); a fragment that would make the payload
 * exceed 65535 bytes, or a non-last fragment whose length is not a multiple of 8, is dropped and reported
 * to the listener for the parameter problem RFC 8200 asks for. Atomic fragments (offset 0, M clear) are
 * not reassembled: they come back as {@link ReassemblyStatus#NOT_FRAGMENTED} (RFC 6946).
 */
public final class Ipv6Reassembler extends ReassemblerFrontEnd {
    private final Ipv6Header header = new Ipv6Header();
    private final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
    private final Fragment fragment = new Fragment();

    /**
     * @param config     limits and timeout ({@link ReassemblyConfig#ipv6()})
     * @param outputPool where reassembled packets go; its buffers must hold 40 + 65535 bytes after the headroom
     * @param listener   told about timeouts and rejected fragments (for ICMPv6 errors)
     * @param random     seeds the table's hash (so remote parties cannot aim at one chain)
     * @throws IllegalArgumentException if the pool's buffers are too small for the largest packet
     */
    public Ipv6Reassembler(ReassemblyConfig config, PacketBufferPool outputPool, ReassemblyListener listener,
                           RandomGenerator random) {
        super(config, outputPool, listener, random, Ipv6Header.LENGTH + Ipv6Header.MAX_PAYLOAD_LENGTH, "packet");
    }

    /**
     * Submits a received IPv6 packet whose header starts at its network offset (or at its start when
     * that is unset); the reassembler walks its extension headers. Takes ownership of the packet in every
     * case: it is held, copied into a reassembled packet and released, or released as a drop.
     *
     * @return {@link ReassemblyStatus#COMPLETE} when this fragment completed a packet and
     *     {@link ReassemblyStatus#NOT_FRAGMENTED} for a packet that needs no reassembly, both to be
     *     collected with {@link #takeReassembled()}; otherwise what happened to the fragment
     */
    public ReassemblyStatus submit(PacketBuffer packet, long now) {
        int at = packet.networkOffset() == PacketBuffer.UNSET ? packet.start() : packet.networkOffset();
        if (at < packet.start() || at > packet.end()
                || !header.wrap(packet.array(), at, packet.end() - at).isOk() || !chain.walk(header).isOk()) {
            return core.malformed(packet);
        }
        if (!chain.isFragment()) {
            return notFragmented(packet);
        }
        int fragmentHeader = chain.fragmentHeaderOffset();
        // The walk stops right after the fragment header of a real fragment: it is the last header walked.
        int index = chain.extensionCount() - 1;
        int namingField = index == 0 ? at + 6 : chain.extensionOffset(index - 1);
        Fragment f = fragment;
        f.sourceHigh = header.sourceAddressHigh();
        f.sourceLow = header.sourceAddressLow();
        f.destinationHigh = header.destinationAddressHigh();
        f.destinationLow = header.destinationAddressLow();
        f.tag = chain.fragmentIdentification() & 0xffff_ffffL;
        f.buffer = packet;
        f.offset = chain.fragmentOffset();
        f.dataStart = fragmentHeader + Ipv6FragmentHeader.LENGTH;
        f.dataLength = header.end() - f.dataStart;
        f.moreFragments = chain.moreFragments();
        f.headerStart = at;
        f.headerLength = fragmentHeader - at;
        f.maxEnd = Ipv6Header.MAX_PAYLOAD_LENGTH - (f.headerLength - Ipv6Header.LENGTH);
        f.ecn = header.ecn();
        f.fixupOffset = namingField - at;
        f.fixupValue = chain.upperLayerProtocol();
        ReassemblyStatus status = core.insert(f, now);
        f.buffer = null;
        if (status != ReassemblyStatus.COMPLETE) {
            return status;
        }
        Train t = core.completed();
        if (t.headerLength - Ipv6Header.LENGTH + t.end > Ipv6Header.MAX_PAYLOAD_LENGTH) {
            // Each fragment was checked against its own unfragmentable part; the first one's may be longer.
            return core.discardCompleted(ReassemblyStatus.TOO_BIG);
        }
        int ecn = Ipv4Reassembler.mergedEcn(t.ecnSeen);
        if (ecn < 0) {
            return core.discardCompleted(ReassemblyStatus.INCONSISTENT);
        }
        int fixupOffset = t.fixupOffset;
        int nextHeader = t.fixupValue;
        int headerLength = t.headerLength;
        PacketBuffer out = core.assemble();
        byte[] b = out.array();
        int h = out.networkOffset();
        Bytes.put8(b, h + fixupOffset, nextHeader);
        Bytes.put16(b, h + 4, out.end() - h - Ipv6Header.LENGTH);
        // ECN is the low two bits of the traffic class, which straddles the first two octets.
        Bytes.put8(b, h + 1, (b[h + 1] & 0xcf) | ecn << 4);
        if (!isExtensionHeader(nextHeader)) {
            out.transportOffset(h + headerLength);
        }
        return complete(out);
    }

    /**
     * Next-header values of IPv6 extension headers (RFC 8200 and RFC 7045's list), after which more headers
     * follow; ESP is opaque and counts as the upper layer, as {@link Ipv6ExtensionChain} treats it.
     */
    static boolean isExtensionHeader(int nextHeader) {
        return switch (nextHeader) {
            case Ipv6Header.NEXT_HEADER_HOP_BY_HOP, Ipv6Header.NEXT_HEADER_ROUTING, Ipv6Header.NEXT_HEADER_FRAGMENT,
                 Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS, Ipv6Header.NEXT_HEADER_AUTHENTICATION,
                 135, 139, 140, 253, 254 -> true;
            default -> false;
        };
    }
}
