package org.netstack4j.network.fragment;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4OptionCursor;

/**
 * Cuts an IPv4 packet into fragments that fit an MTU (RFC 791 section 3.2): data on 8-byte boundaries,
 * MF set on all but the last, offsets and total lengths set and header checksums recomputed. The first
 * fragment keeps every option; later ones carry only the options whose "copied" flag is set, padded to
 * a 4-byte boundary. A packet that is itself a fragment (forwarding) is cut relative to its own offset
 * and its last piece keeps its MF flag. The identification is the packet's own: the sender assigned it.
 *
 * <p>The first fragment is the original buffer, truncated in place; the others come from the pool, with
 * its headroom for the link header. A partial (offloaded) transport checksum is completed first.
 * Single-threaded and allocation-free (fragment buffers aside, which the pool recycles).
 */
public final class Ipv4Fragmenter {
    /** The smallest MTU every IPv4 link must carry (RFC 791): a 60-byte header and 8 bytes of data. */
    public static final int MIN_MTU = 68;

    private final PacketBufferPool pool;
    private final Ipv4Header header = new Ipv4Header();
    private final Ipv4OptionCursor options = new Ipv4OptionCursor();
    /** The header of the fragments after the first (copied options only). */
    private final byte[] laterHeader = new byte[Ipv4Header.MAX_LENGTH];
    /** Fragments after the first, held until the first is ready; grows to the most a packet needed. */
    private PacketBuffer[] staged = new PacketBuffer[8];

    /** @param pool where fragments after the first come from */
    public Ipv4Fragmenter(PacketBufferPool pool) {
        this.pool = pool;
    }

    /**
     * Fragments {@code packet} (its IPv4 header at its network offset, or at its start when unset) for a
     * link of {@code mtu} bytes, or says why not. The fragment size is also limited by the pool's buffers.
     *
     * @return {@link FragmentationResult#FRAGMENTED}: the fragments went to {@code sink} in order and the
     *     packet is consumed (it became the first fragment). Any other result: nothing was sent and the
     *     caller still owns the packet; for {@link FragmentationResult#NEEDS_FRAGMENTATION} the MTU to
     *     report is {@code mtu}
     */
    public FragmentationResult fragment(PacketBuffer packet, int mtu, FragmentSink sink) {
        if (packet.gsoType() != PacketBuffer.GSO_NONE) {
            return FragmentationResult.GSO_NOT_SUPPORTED;
        }
        int h = packet.networkOffset() == PacketBuffer.UNSET ? packet.start() : packet.networkOffset();
        if (h < packet.start() || h > packet.end() || !header.wrap(packet.array(), h, packet.end() - h).isOk()) {
            return FragmentationResult.MALFORMED;
        }
        int total = header.totalLength();
        if (total <= mtu) {
            return FragmentationResult.NOT_NEEDED;
        }
        if (header.dontFragment()) {
            return FragmentationResult.NEEDS_FRAGMENTATION;
        }
        int room = Math.min(mtu, pool.bufferSize() - pool.headroom());
        int firstHeader = header.headerLength();
        int laterHeaderLength = buildLaterHeader(packet.array(), h, firstHeader);
        int firstData = (room - firstHeader) & ~7;
        int laterData = (room - laterHeaderLength) & ~7;
        if (mtu < MIN_MTU || firstData < 8 || laterData < 8) {
            return FragmentationResult.MTU_TOO_SMALL;
        }
        Checksums.completePartial(packet);
        byte[] b = packet.array();
        int dataLength = total - firstHeader;
        int dataStart = h + firstHeader;
        int baseOffset = header.fragmentOffset();
        boolean lastMore = header.moreFragments();
        int flagsBase = Bytes.u16(b, h + 6) & ~(Ipv4Header.FLAG_MORE_FRAGMENTS | 0x1fff);

        // Later fragments first, while the original is still ours to read; then the first, in place.
        int count = 0;
        for (int off = firstData; off < dataLength; off += laterData) {
            int len = Math.min(laterData, dataLength - off);
            boolean more = off + len < dataLength || lastMore;
            PacketBuffer f = pool.acquire();
            int at = f.append(laterHeaderLength + len);
            byte[] fb = f.array();
            System.arraycopy(laterHeader, 0, fb, at, laterHeaderLength);
            System.arraycopy(b, dataStart + off, fb, at + laterHeaderLength, len);
            finishHeader(fb, at, laterHeaderLength, laterHeaderLength + len, flagsBase, more, baseOffset + off);
            f.networkOffset(at);
            if (count == staged.length) {
                staged = java.util.Arrays.copyOf(staged, count * 2);
            }
            staged[count++] = f;
        }
        packet.setBounds(h, h + firstHeader + firstData);
        packet.networkOffset(h);
        finishHeader(b, h, firstHeader, firstHeader + firstData, flagsBase, true, baseOffset);
        sink.accept(packet);
        for (int i = 0; i < count; i++) {
            PacketBuffer f = staged[i];
            staged[i] = null;
            sink.accept(f);
        }
        return FragmentationResult.FRAGMENTED;
    }

    private static void finishHeader(byte[] b, int h, int headerLength, int totalLength, int flagsBase, boolean more,
                                     int offset) {
        Bytes.put16(b, h + 2, totalLength);
        Bytes.put16(b, h + 6, flagsBase | (more ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0) | offset >>> 3);
        Bytes.put16(b, h + 10, Ipv4Header.checksum(b, h, headerLength));
    }

    /** Copies the fixed header and the options with the copied flag into {@link #laterHeader}; returns its length. */
    private int buildLaterHeader(byte[] b, int h, int headerLength) {
        System.arraycopy(b, h, laterHeader, 0, Ipv4Header.MIN_LENGTH);
        int length = Ipv4Header.MIN_LENGTH;
        options.reset(b, h + Ipv4Header.MIN_LENGTH, headerLength - Ipv4Header.MIN_LENGTH);
        for (int type = options.next(); type >= 0; type = options.next()) {
            if (Ipv4Header.isOptionCopied(type)) {
                System.arraycopy(b, options.optionOffset(), laterHeader, length, options.optionLength());
                length += options.optionLength();
            }
        }
        int padded = (length + 3) & ~3;
        for (int i = length; i < padded; i++) {
            laterHeader[i] = (byte) Ipv4Header.OPTION_END_OF_LIST;
        }
        laterHeader[0] = (byte) (0x40 | padded / 4);
        return padded;
    }
}
