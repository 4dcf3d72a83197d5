package org.netstack4j.link;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.IpProtocol;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.ParseResult;

/**
 * A seeded hash of an IP packet's flow: addresses, protocol and ports (the 5-tuple) for TCP, UDP,
 * UDP-Lite, SCTP and DCCP; addresses and protocol for other protocols; addresses alone for IP
 * fragments (IPv4 with More Fragments or an offset, IPv6 with a fragment header of a real
 * fragment), because only the first fragment carries the ports and all fragments of a datagram must
 * land in the same place. IPv6 extension headers are walked to find the transport header.
 *
 * <p>The hash is symmetric: a packet and its reply (addresses and ports swapped) hash alike, so that
 * whoever spreads packets by it (outbound channels here, stack shards above) keeps both directions
 * of a connection together. Packets that are not IP, or whose headers do not parse, hash to a
 * constant of the seed.
 *
 * <p>Allocation-free; not thread-safe (it holds reusable header views): one instance per thread.
 */
public final class FlowHash {
    private final int seed;
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();

    /** A hash function keyed by {@code seed}. */
    public FlowHash(int seed) {
        this.seed = seed;
    }

    /** The hash of {@code packet}, which starts at its network header. */
    public int hash(PacketBuffer packet) {
        return hash(packet.array(), packet.start(), packet.length());
    }

    /** The hash of the IP packet of {@code length} bytes at {@code offset}. */
    public int hash(byte[] b, int offset, int length) {
        if (length < 1) {
            return finish(seed);
        }
        int version = (b[offset] & 0xff) >>> 4;
        if (version == 4) {
            return hashIpv4(b, offset, length);
        }
        if (version == 6) {
            return hashIpv6(b, offset, length);
        }
        return finish(seed);
    }

    /**
     * The hash of a (not fragmented) IPv4 packet of {@code protocol} from {@code source}:{@code sourcePort}
     * to {@code destination}:{@code destinationPort}, without the packet: what {@link #hash(PacketBuffer)}
     * gives for it, in either direction. Ports are ignored for protocols without ports.
     */
    public int hashIpv4(int protocol, int source, int sourcePort, int destination, int destinationPort) {
        boolean swap = Integer.compareUnsigned(source, destination) > 0;
        int h = mix(mix(seed, swap ? destination : source), swap ? source : destination);
        h = mix(h, protocol);
        if (hasPorts(protocol)) {
            h = mixPorts(h, sourcePort, destinationPort, swap, source == destination);
        }
        return finish(h);
    }

    /** The hash of an IPv6 flow without a packet; see {@link #hashIpv4(int, int, int, int, int)}. */
    public int hashIpv6(int protocol, long sourceHigh, long sourceLow, int sourcePort,
                        long destinationHigh, long destinationLow, int destinationPort) {
        int order = Long.compareUnsigned(sourceHigh, destinationHigh);
        if (order == 0) {
            order = Long.compareUnsigned(sourceLow, destinationLow);
        }
        boolean swap = order > 0;
        int h = swap ? mixAddress(mixAddress(seed, destinationHigh, destinationLow), sourceHigh, sourceLow)
                : mixAddress(mixAddress(seed, sourceHigh, sourceLow), destinationHigh, destinationLow);
        h = mix(h, protocol);
        if (hasPorts(protocol)) {
            h = mixPorts(h, sourcePort, destinationPort, swap, order == 0);
        }
        return finish(h);
    }

    private int hashIpv4(byte[] b, int offset, int length) {
        if (ipv4.wrap(b, offset, length) != ParseResult.OK) {
            return finish(seed ^ 4);
        }
        int src = ipv4.sourceAddress();
        int dst = ipv4.destinationAddress();
        // Order the two ends so that both directions hash alike.
        boolean swap = Integer.compareUnsigned(src, dst) > 0;
        int lo = swap ? dst : src;
        int hi = swap ? src : dst;
        int h = mix(mix(seed, lo), hi);
        if (ipv4.isFragment()) {
            return finish(h);
        }
        int protocol = ipv4.protocol();
        h = mix(h, protocol);
        if (hasPorts(protocol) && ipv4.payloadLength() >= 4) {
            h = mixPorts(h, b, ipv4.payloadOffset(), swap, src == dst);
        }
        return finish(h);
    }

    private int hashIpv6(byte[] b, int offset, int length) {
        if (ipv6.wrap(b, offset, length) != ParseResult.OK) {
            return finish(seed ^ 6);
        }
        long srcHigh = ipv6.sourceAddressHigh();
        long srcLow = ipv6.sourceAddressLow();
        long dstHigh = ipv6.destinationAddressHigh();
        long dstLow = ipv6.destinationAddressLow();
        int order = Long.compareUnsigned(srcHigh, dstHigh);
        if (order == 0) {
            order = Long.compareUnsigned(srcLow, dstLow);
        }
        boolean swap = order > 0;
        int h = swap ? mixAddress(mixAddress(seed, dstHigh, dstLow), srcHigh, srcLow)
                : mixAddress(mixAddress(seed, srcHigh, srcLow), dstHigh, dstLow);
        if (chain.walk(ipv6) != ParseResult.OK || chain.isFragment()) {
            // A chain we cannot walk still belongs to its addresses; a fragment must hash by them alone.
            return finish(h);
        }
        int protocol = chain.upperLayerProtocol();
        h = mix(h, protocol);
        if (hasPorts(protocol) && chain.upperLayerLength() >= 4) {
            h = mixPorts(h, b, chain.upperLayerOffset(), swap, order == 0);
        }
        return finish(h);
    }

    /** Mixes the source and destination port (the first four bytes of all port-carrying transports). */
    private static int mixPorts(int h, byte[] b, int at, boolean swap, boolean sameAddress) {
        return mixPorts(h, Bytes.u16(b, at), Bytes.u16(b, at + 2), swap, sameAddress);
    }

    private static int mixPorts(int h, int sport, int dport, boolean swap, boolean sameAddress) {
        if (swap || sameAddress && sport > dport) {
            int t = sport;
            sport = dport;
            dport = t;
        }
        return mix(h, sport << 16 | dport);
    }

    private static boolean hasPorts(int protocol) {
        return protocol == IpProtocol.TCP || protocol == IpProtocol.UDP || protocol == IpProtocol.SCTP
                || protocol == IpProtocol.DCCP || protocol == IpProtocol.UDP_LITE;
    }

    private static int mixAddress(int h, long high, long low) {
        h = mix(h, (int) (high >>> 32));
        h = mix(h, (int) high);
        h = mix(h, (int) (low >>> 32));
        return mix(h, (int) low);
    }

    /** Folds one 32-bit word into the state: an odd-constant multiply spreads it, the rotation keeps order. */
    private static int mix(int h, int word) {
        return Integer.rotateLeft(h ^ word * 0x9e3779b9, 13) * 5 + 0x6b43a9b5;
    }

    /** Avalanches the state (MurmurHash3's public-domain finalizer) so every input bit reaches every output bit. */
    private static int finish(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ h >>> 16;
    }
}
