package org.netstack4j.network.fragment;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6FragmentHeader;
import org.netstack4j.wire.Ipv6Header;

/**
 * Cuts an IPv6 packet that the stack originates into fragments (RFC 8200 section 4.5). Each fragment
 * repeats the per-fragment headers (the fixed header and the extension headers through the last routing
 * header, or the hop-by-hop header), then carries a fragment header and up to the MTU of data on 8-byte
 * boundaries. The identification comes from the supplied generator, once per packet.
 *
 * <p>Only sources fragment in IPv6: a forwarding path answers oversized packets with packet too big
 * instead of calling this. The MTU must be at least 1280 (RFC 8200 section 5), and the first fragment
 * must hold every extension header of the fragmentable part (RFC 7112), or the result is
 * {@link FragmentationResult#MTU_TOO_SMALL}. Fragments come from the pool with its headroom; a partial
 * (offloaded) transport checksum is completed first. Single-threaded and allocation-free.
 */
public final class Ipv6Fragmenter {
    /** The smallest MTU every IPv6 link must carry (RFC 8200 section 5). */
    public static final int MIN_MTU = 1280;

    private final PacketBufferPool pool;
    private final FragmentIdentifiers identifiers;
    private final Ipv6Header header = new Ipv6Header();
    private final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();

    /**
     * @param pool        where the fragments come from
     * @param identifiers supplies each fragmented packet's identification
     */
    public Ipv6Fragmenter(PacketBufferPool pool, FragmentIdentifiers identifiers) {
        this.pool = pool;
        this.identifiers = identifiers;
    }

    /**
     * Fragments {@code packet} (its IPv6 header at its network offset, or at its start when unset) for a
     * link of {@code mtu} bytes, or says why not. The fragment size is also limited by the pool's buffers.
     *
     * @return {@link FragmentationResult#FRAGMENTED}: the fragments went to {@code sink} in order and the
     *     packet was released. Any other result: nothing was sent and the caller still owns the packet
     */
    public FragmentationResult fragment(PacketBuffer packet, int mtu, FragmentSink sink) {
        if (packet.gsoType() != PacketBuffer.GSO_NONE) {
            return FragmentationResult.GSO_NOT_SUPPORTED;
        }
        int h = packet.networkOffset() == PacketBuffer.UNSET ? packet.start() : packet.networkOffset();
        if (h < packet.start() || h > packet.end() || !header.wrap(packet.array(), h, packet.end() - h).isOk()
                || !chain.walk(header).isOk() || chain.hasFragmentHeader()) {
            return FragmentationResult.MALFORMED;
        }
        int end = header.end();
        if (end - h <= mtu) {
            return FragmentationResult.NOT_NEEDED;
        }
        if (mtu < MIN_MTU) {
            return FragmentationResult.MTU_TOO_SMALL;
        }
        int unfragmentableEnd = h + Ipv6Header.LENGTH;
        int namingField = h + 6;
        for (int i = 0; i < chain.extensionCount(); i++) {
            int type = chain.extensionType(i);
            if (type == Ipv6Header.NEXT_HEADER_HOP_BY_HOP || type == Ipv6Header.NEXT_HEADER_ROUTING) {
                namingField = chain.extensionOffset(i);
                unfragmentableEnd = namingField + chain.extensionLength(i);
            }
        }
        int unfragmentable = unfragmentableEnd - h;
        int room = Math.min(mtu, pool.bufferSize() - pool.headroom());
        int perFragment = (room - unfragmentable - Ipv6FragmentHeader.LENGTH) & ~7;
        int chainInFragmentable = chain.upperLayerOffset() - unfragmentableEnd;
        if (perFragment < 8 || chainInFragmentable > perFragment) {
            return FragmentationResult.MTU_TOO_SMALL;
        }
        Checksums.completePartial(packet);
        byte[] b = packet.array();
        int nextHeader = b[namingField] & 0xff;
        int id = identifiers.next(header.sourceAddressHigh(), header.sourceAddressLow(),
                header.destinationAddressHigh(), header.destinationAddressLow());
        int fragmentable = end - unfragmentableEnd;
        for (int off = 0; off < fragmentable; off += perFragment) {
            int len = Math.min(perFragment, fragmentable - off);
            PacketBuffer f = pool.acquire();
            int at = f.append(unfragmentable + Ipv6FragmentHeader.LENGTH + len);
            byte[] fb = f.array();
            System.arraycopy(b, h, fb, at, unfragmentable);
            Bytes.put8(fb, at + (namingField - h), Ipv6Header.NEXT_HEADER_FRAGMENT);
            Ipv6FragmentHeader.write(fb, at + unfragmentable, nextHeader, off, off + len < fragmentable, id);
            System.arraycopy(b, unfragmentableEnd + off, fb, at + unfragmentable + Ipv6FragmentHeader.LENGTH, len);
            Bytes.put16(fb, at + 4, unfragmentable + Ipv6FragmentHeader.LENGTH + len - Ipv6Header.LENGTH);
            f.networkOffset(at);
            sink.accept(f);
        }
        packet.release();
        return FragmentationResult.FRAGMENTED;
    }
}
