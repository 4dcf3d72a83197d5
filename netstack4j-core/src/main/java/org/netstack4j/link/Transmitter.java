package org.netstack4j.link;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.link.gso.ChecksumOffload;
import org.netstack4j.link.gso.GsoResult;
import org.netstack4j.link.gso.GsoSegmenter;
import org.netstack4j.wire.EthernetHeader;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Header;

/**
 * The outbound half of a {@link PacketEndpoint}: validates, finishes (partial checksum, software
 * GSO), frames and spreads packets over the channels by flow hash, then writes them a batch per
 * channel. Per-thread scratch arrays group a call's packets by channel, so a call allocates nothing
 * once a thread has written before.
 */
final class Transmitter {
    /** Largest super-packet accepted with software GSO (an IPv4 total length cannot exceed it). */
    static final int GSO_MAX_SIZE = 65535;
    /** Packets gathered per channel before a batch is written. */
    private static final int GROUP = 64;

    private final PacketChannel[] channels;
    private final int mtu;
    private final boolean ethernet;
    private final int linkHeaderLength;
    private final long address;
    private final GsoKind gso;
    private final boolean deviceOffload;
    private final int seed;
    private final LinkCounters counters;
    private final PacketBufferPool segmentPool;
    private final ThreadLocal<Scratch> scratch;

    Transmitter(PacketChannel[] channels, int mtu, boolean ethernet, long address, GsoKind gso,
                boolean deviceOffload, int seed, LinkCounters counters) {
        this.channels = channels;
        this.mtu = mtu;
        this.ethernet = ethernet;
        this.linkHeaderLength = ethernet ? PacketEndpoint.ETHERNET_HEADER_LENGTH : 0;
        this.address = address;
        this.gso = gso;
        this.deviceOffload = deviceOffload;
        this.seed = seed;
        this.counters = counters;
        // Segments get room in front for the Ethernet header the endpoint adds after segmenting.
        this.segmentPool = gso == GsoKind.SOFTWARE ? new PacketBufferPool(linkHeaderLength + mtu, linkHeaderLength, 256) : null;
        int n = channels.length;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(n, seed, gso == GsoKind.SOFTWARE));
    }

    /** The channel a packet (starting at its network header) hashes to. */
    int channelFor(PacketBuffer p) {
        return channels.length == 1 ? 0 : channelFor(p, scratch.get());
    }

    private int channelFor(PacketBuffer p, Scratch s) {
        int n = channels.length;
        if (n == 1) {
            return 0;
        }
        int h = s.flowHash.hash(p.array(), p.start(), p.length());
        // Multiply-shift maps the hash onto [0, n) without a division.
        return (int) (((h & 0xffff_ffffL) * n) >>> 32);
    }

    int write(PacketBuffer packet) {
        Scratch s = scratch.get();
        s.single[0] = packet;
        int sent = write(s.single, 1, s);
        s.single[0] = null;
        return sent;
    }

    int write(PacketBuffer[] packets, int count) {
        return write(packets, count, scratch.get());
    }

    private int write(PacketBuffer[] packets, int count, Scratch s) {
        int sent = 0;
        for (int i = 0; i < count; i++) {
            PacketBuffer p = packets[i];
            if (p.gsoType() != PacketBuffer.GSO_NONE && p.length() > mtu && gso == GsoKind.SOFTWARE) {
                sent += flushAll(s); // segments must not overtake the flow's earlier packets
                sent += writeSuperPacket(p, s);
                continue;
            }
            int ch = prepare(p, s);
            if (ch < 0) {
                continue;
            }
            PacketBuffer[] group = s.groups[ch];
            group[s.sizes[ch]++] = p;
            if (s.sizes[ch] == GROUP) {
                sent += flush(s, ch);
            }
        }
        return sent + flushAll(s);
    }

    /** Validates and frames one packet; returns its channel, or -1 when it was dropped. */
    private int prepare(PacketBuffer p, Scratch s) {
        int len = p.length();
        if (len == 0) {
            counters.dropped(LinkDropReason.MALFORMED);
            return -1;
        }
        boolean deviceSegments = p.gsoType() != PacketBuffer.GSO_NONE && gso == GsoKind.DEVICE;
        if (len > (deviceSegments ? GSO_MAX_SIZE : mtu)) {
            counters.dropped(LinkDropReason.OVERSIZED);
            return -1;
        }
        int protocol = protocolOf(p);
        if (protocol < 0) {
            counters.dropped(LinkDropReason.UNKNOWN_PROTOCOL);
            return -1;
        }
        if (p.checksumPartial() && !deviceOffload) {
            if (!ChecksumOffload.completePartialChecksum(p)) {
                counters.dropped(LinkDropReason.MALFORMED);
                return -1;
            }
        }
        int ch = channelFor(p, s);
        if (ethernet && !frame(p, protocol)) {
            return -1;
        }
        return ch;
    }

    private int protocolOf(PacketBuffer p) {
        int protocol = p.networkProtocol();
        if (protocol != PacketBuffer.NO_PROTOCOL) {
            return protocol;
        }
        int version = (p.array()[p.start()] & 0xff) >>> 4;
        return version == Ipv4Header.VERSION ? EthernetHeader.ETHERTYPE_IPV4
                : version == Ipv6Header.VERSION ? EthernetHeader.ETHERTYPE_IPV6 : -1;
    }

    /** Prepends the Ethernet header; false (counted) when the packet has no destination or no room. */
    private boolean frame(PacketBuffer p, int protocol) {
        long dst = p.remoteLinkAddress();
        if (dst == PacketBuffer.NO_LINK_ADDRESS) {
            counters.dropped(LinkDropReason.UNRESOLVED);
            return false;
        }
        if (p.headroom() < PacketEndpoint.ETHERNET_HEADER_LENGTH) {
            counters.dropped(LinkDropReason.NO_HEADROOM);
            return false;
        }
        long src = p.localLinkAddress();
        writeEthernet(p, dst, src == PacketBuffer.NO_LINK_ADDRESS ? address : src, protocol);
        return true;
    }

    private static void writeEthernet(PacketBuffer p, long dst, long src, int protocol) {
        int at = p.prepend(EthernetHeader.MIN_LENGTH);
        EthernetHeader.write(p.array(), at, dst, src, protocol);
    }

    private int writeSuperPacket(PacketBuffer p, Scratch s) {
        int protocol = protocolOf(p);
        if (protocol < 0) {
            counters.dropped(LinkDropReason.UNKNOWN_PROTOCOL);
            return 0;
        }
        if (p.length() > GSO_MAX_SIZE) {
            counters.dropped(LinkDropReason.OVERSIZED);
            return 0;
        }
        if (ethernet && p.remoteLinkAddress() == PacketBuffer.NO_LINK_ADDRESS) {
            counters.dropped(LinkDropReason.UNRESOLVED);
            return 0;
        }
        GsoSegmenter segmenter = s.segmenter;
        GsoResult r = segmenter.prepare(p, p.start()); // outbound packets start at their network header
        if (r != GsoResult.OK) {
            counters.dropped(LinkDropReason.MALFORMED);
            return 0;
        }
        if (segmenter.maxSegmentLength() > mtu) {
            // Segments must fit the MTU: the stack chose an MSS too large for this link.
            counters.dropped(LinkDropReason.OVERSIZED);
            return 0;
        }
        PacketBuffer[] segs = s.segments(segmenter.segmentCount());
        int n = segmenter.segment(p, segmentPool, segs, 0);
        if (n <= 0) {
            counters.dropped(LinkDropReason.OVERSIZED);
            return 0;
        }
        int ch = channelFor(segs[0], s); // all segments share the 5-tuple
        if (ethernet) {
            long src = p.localLinkAddress() == PacketBuffer.NO_LINK_ADDRESS ? address : p.localLinkAddress();
            for (int i = 0; i < n; i++) {
                writeEthernet(segs[i], p.remoteLinkAddress(), src, protocol);
            }
        }
        int sent = writeBatch(ch, segs, n);
        for (int i = 0; i < n; i++) {
            segs[i].release();
            segs[i] = null;
        }
        // The super-packet counts once; its drop (if no segment went out) was counted per segment.
        return sent > 0 ? 1 : 0;
    }

    private int flushAll(Scratch s) {
        int sent = 0;
        for (int ch = 0; ch < s.sizes.length; ch++) {
            if (s.sizes[ch] > 0) {
                sent += flush(s, ch);
            }
        }
        return sent;
    }

    private int flush(Scratch s, int ch) {
        PacketBuffer[] group = s.groups[ch];
        int n = s.sizes[ch];
        int sent = writeBatch(ch, group, n);
        for (int i = 0; i < n; i++) {
            if (ethernet) {
                group[i].trimFront(PacketEndpoint.ETHERNET_HEADER_LENGTH); // back as the caller gave it
            }
            group[i] = null;
        }
        s.sizes[ch] = 0;
        return sent;
    }

    /** Writes a batch to one channel, counting what went out and why the rest did not. */
    private int writeBatch(int ch, PacketBuffer[] batch, int n) {
        int sent;
        try {
            sent = channels[ch].writeBatch(batch, n);
        } catch (ClosedChannelException e) {
            counters.dropped(LinkDropReason.CLOSED, n);
            return 0;
        } catch (ChannelFullException e) {
            counters.dropped(LinkDropReason.CHANNEL_FULL, n);
            return 0;
        } catch (IOException | RuntimeException e) {
            counters.dropped(LinkDropReason.DEVICE_ERROR, n);
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < sent; i++) {
            bytes += batch[i].length();
        }
        counters.sent(sent, bytes);
        if (sent < n) {
            counters.dropped(channels[ch].isOpen() ? LinkDropReason.CHANNEL_FULL : LinkDropReason.CLOSED, n - sent);
        }
        return sent;
    }

    boolean writeRaw(PacketBuffer p) {
        if (p.length() == 0) {
            counters.dropped(LinkDropReason.MALFORMED);
            return false;
        }
        if (p.length() > mtu + linkHeaderLength) {
            counters.dropped(LinkDropReason.OVERSIZED);
            return false;
        }
        Scratch s = scratch.get();
        int ch = 0;
        if (channels.length > 1 && p.length() > linkHeaderLength) {
            p.trimFront(linkHeaderLength);
            ch = channelFor(p, s);
            p.prepend(linkHeaderLength);
        }
        s.single[0] = p;
        int sent = writeBatch(ch, s.single, 1);
        s.single[0] = null;
        return sent == 1;
    }

    /** One thread's scratch space and its stateful helpers (header views are per thread). */
    private static final class Scratch {
        final PacketBuffer[][] groups;
        final int[] sizes;
        final PacketBuffer[] single = new PacketBuffer[1];
        final FlowHash flowHash;
        final GsoSegmenter segmenter;
        PacketBuffer[] segments = new PacketBuffer[64];

        Scratch(int channels, int seed, boolean softwareGso) {
            groups = new PacketBuffer[channels][GROUP];
            sizes = new int[channels];
            flowHash = new FlowHash(seed);
            segmenter = softwareGso ? new GsoSegmenter() : null;
        }

        PacketBuffer[] segments(int needed) {
            if (segments.length < needed) {
                segments = new PacketBuffer[Math.max(needed, segments.length * 2)];
            }
            return segments;
        }
    }
}
