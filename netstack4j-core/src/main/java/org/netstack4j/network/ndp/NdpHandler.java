package org.netstack4j.network.ndp;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.network.neighbour.LinkAddresses;
import org.netstack4j.network.neighbour.NeighbourCache;
import org.netstack4j.network.neighbour.NeighbourConfig;
import org.netstack4j.network.neighbour.NeighbourOutput;
import org.netstack4j.network.neighbour.SendResult;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Icmpv6Message;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.NdpOptionCursor;

/**
 * IPv6 Neighbor Discovery (RFC 4861) for one Ethernet NIC: address resolution and reachability through
 * its {@link NeighbourCache}, answers to solicitations for our addresses, and optional duplicate address
 * detection (RFC 4862 section 5.4) for the addresses it is given.
 * <ul>
 *   <li>Received messages are validated as section 7.1 asks (hop limit 255, checksum, code 0, target not
 *       multicast, the rules for the unspecified source and for solicited advertisements).</li>
 *   <li>A solicitation for an assigned address is answered with an advertisement (S and O set, to the
 *       source, or to all nodes when the source is unspecified); its source link-layer address updates
 *       the cache. Router solicitations, advertisements and redirects update the cache the same way, and a
 *       router advertisement's reachable time and retransmit timer are applied.</li>
 *   <li>An advertisement updates the cache (never creating an entry); one for an address of ours is a
 *       duplicate (tentative address) or a conflict (assigned address).</li>
 *   <li>Addresses added with DAD on stay tentative while {@code dadTransmits} solicitations from the
 *       unspecified address to their solicited-node group go unanswered, one retransmit time apart.</li>
 * </ul>
 *
 * <p>Not here (left to the stack): the default router and prefix lists, address autoconfiguration from
 * prefixes, the link MTU from router advertisements, redirects of the destination cache, joining the
 * solicited-node groups on the device (see {@link LinkAddresses#ipv6Multicast}), and DAD loop detection
 * with nonces (RFC 7527).
 *
 * <p>Sans-I/O and single-threaded: packets go out through {@link NdpOutput}; timers live on the owner's
 * wheel. Messages it builds are IPv6 packets from its pool, the IPv6 header at the pool's headroom.
 */
public final class NdpHandler {
    private static final int HOP_LIMIT = 255;
    private static final int NDP_PACKET_LENGTH = Ipv6Header.LENGTH + Icmpv6Message.NEIGHBOR_SOLICITATION_LENGTH
            + NdpOptionCursor.ETHERNET_LINK_LAYER_ADDRESS_LENGTH;
    private static final long MS = 1_000_000L;

    private final long linkAddress;
    private final int dadTransmits;
    private final TimerWheel wheel;
    private final PacketBufferPool pool;
    private final NdpOutput output;
    private final NeighbourCache cache;
    private final NdpCounters counters = new NdpCounters();
    private final Ipv6Header header = new Ipv6Header();
    private final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
    private final Icmpv6Message message = new Icmpv6Message();
    private final NdpOptionCursor options = new NdpOptionCursor();
    private final List<LocalAddress> addresses = new ArrayList<>();

    /**
     * @param linkAddress  our MAC
     * @param config       the neighbour cache's limits and timers ({@link NeighbourConfig#ndp()})
     * @param dadTransmits DupAddrDetectTransmits: solicitations per added address, 0 to skip detection
     * @param wheel        the shard's timer wheel
     * @param pool         where NDP packets are built
     * @param output       where packets go
     * @param random       seeds the cache (reachable time, hash)
     */
    public NdpHandler(long linkAddress, NeighbourConfig config, int dadTransmits, TimerWheel wheel,
                      PacketBufferPool pool, NdpOutput output, RandomGenerator random) {
        if (dadTransmits < 0) {
            throw new IllegalArgumentException("dadTransmits must not be negative: " + dadTransmits);
        }
        this.linkAddress = linkAddress;
        this.dadTransmits = dadTransmits;
        this.wheel = wheel;
        this.pool = pool;
        this.output = output;
        this.cache = new NeighbourCache(config, wheel, new CacheOutput(), random);
    }

    /** The cache of IPv6 neighbours. */
    public NeighbourCache cache() {
        return cache;
    }

    /** Counters of this handler (the cache has its own). */
    public NdpCounters counters() {
        return counters;
    }

    /** Our MAC. */
    public long linkAddress() {
        return linkAddress;
    }

    /** Low 64 bits of our link-local address: the modified EUI-64 identifier of our MAC. */
    public long linkLocalLow() {
        return LinkAddresses.interfaceIdentifier(linkAddress);
    }

    // --- our addresses -------------------------------------------------------------------------

    /** Adds our link-local address {@code fe80::} + EUI-64 (RFC 4862 section 5.3), with DAD as configured. */
    public void addLinkLocalAddress(long now) {
        addAddress(LinkAddresses.LINK_LOCAL_PREFIX, linkLocalLow(), now);
    }

    /**
     * Adds one of our addresses: tentative while duplicate address detection runs (the first solicitation
     * leaves at once), or assigned immediately when detection is off. Adding an address twice does nothing.
     */
    public void addAddress(long high, long low, long now) {
        if (find(high, low) != null) {
            return;
        }
        LocalAddress a = new LocalAddress(this, high, low);
        addresses.add(a);
        if (dadTransmits == 0) {
            assign(a);
            return;
        }
        a.state = AddressState.TENTATIVE;
        sendDadSolicitation(a, now);
    }

    /** Removes one of our addresses (tentative or assigned); returns whether it was there. */
    public boolean removeAddress(long high, long low) {
        LocalAddress a = find(high, low);
        if (a == null) {
            return false;
        }
        a.timer.cancel();
        addresses.remove(a);
        return true;
    }

    /** The state of our address {@code (high, low)}, or {@code null} when it is not ours. */
    public AddressState addressState(long high, long low) {
        LocalAddress a = find(high, low);
        return a == null ? null : a.state;
    }

    private LocalAddress find(long high, long low) {
        for (int i = 0; i < addresses.size(); i++) {
            LocalAddress a = addresses.get(i);
            if (a.high == high && a.low == low) {
                return a;
            }
        }
        return null;
    }

    private void assign(LocalAddress a) {
        a.state = AddressState.PREFERRED;
        counters.addressesAssigned++;
        output.addressAssigned(a.high, a.low);
    }

    private void sendDadSolicitation(LocalAddress a, long now) {
        a.solicitationsSent++;
        wheel.schedule(a.timer, now + cache.retransmitTime());
        long groupHigh = 0xff02_0000_0000_0000L;
        long groupLow = 0x0000_0001_ff00_0000L | (a.low & 0xff_ffffL);
        counters.dadSolicitationsSent++;
        sendNeighborSolicitation(a.high, a.low, 0, 0, groupHigh, groupLow, LinkAddresses.ipv6Multicast(groupLow),
                Icmpv6Message.NO_LINK_LAYER_ADDRESS);
    }

    void onDadTimer(LocalAddress a, long now) {
        if (a.state != AddressState.TENTATIVE) {
            return;
        }
        if (a.solicitationsSent < dadTransmits) {
            sendDadSolicitation(a, now);
        } else {
            assign(a);
        }
    }

    private void duplicate(LocalAddress a) {
        a.timer.cancel();
        addresses.remove(a);
        counters.duplicatesDetected++;
        output.duplicateAddressDetected(a.high, a.low);
    }

    // --- sending -------------------------------------------------------------------------------

    /**
     * Sends an IPv6 packet to the neighbour {@code (high, low)} (the route's gateway, or the destination
     * on-link): at once when its MAC is known, otherwise after resolution. Takes ownership. Multicast
     * destinations need no resolution: send those straight to {@link LinkAddresses#ipv6Multicast}.
     */
    public SendResult send(long high, long low, PacketBuffer packet, long now) {
        return cache.send(high, low, packet, now);
    }

    /**
     * The source for a solicitation: the prompting packet's source when it is one of our assigned
     * addresses (RFC 4861 section 7.2.2), else our assigned link-local address, else any assigned one;
     * {@code null} when none is assigned.
     */
    private LocalAddress solicitationSource(PacketBuffer prompting) {
        if (prompting != null) {
            int ip = prompting.networkOffset() == PacketBuffer.UNSET ? prompting.start() : prompting.networkOffset();
            if (ip >= prompting.start() && prompting.end() - ip >= Ipv6Header.LENGTH) {
                LocalAddress a = find(Bytes.i64(prompting.array(), ip + 8), Bytes.i64(prompting.array(), ip + 16));
                if (a != null && a.state == AddressState.PREFERRED) {
                    return a;
                }
            }
        }
        LocalAddress any = null;
        for (int i = 0; i < addresses.size(); i++) {
            LocalAddress a = addresses.get(i);
            if (a.state == AddressState.PREFERRED) {
                if (a.high == LinkAddresses.LINK_LOCAL_PREFIX) {
                    return a;
                }
                if (any == null) {
                    any = a;
                }
            }
        }
        return any;
    }

    private void sendNeighborSolicitation(long targetHigh, long targetLow, long sourceHigh, long sourceLow,
                                          long destinationHigh, long destinationLow, long destinationLink,
                                          long sourceLinkOption) {
        PacketBuffer p = pool.acquire();
        int at = p.append(NDP_PACKET_LENGTH);
        byte[] b = p.array();
        int length = Icmpv6Message.writeNeighborSolicitation(b, at + Ipv6Header.LENGTH, targetHigh, targetLow,
                sourceLinkOption, sourceHigh, sourceLow, destinationHigh, destinationLow);
        finishPacket(p, at, length, sourceHigh, sourceLow, destinationHigh, destinationLow);
        output.transmit(p, destinationLink);
    }

    private PacketBuffer neighborAdvertisement(int flags, long targetHigh, long targetLow, long destinationHigh,
                                               long destinationLow) {
        PacketBuffer p = pool.acquire();
        int at = p.append(NDP_PACKET_LENGTH);
        byte[] b = p.array();
        int length = Icmpv6Message.writeNeighborAdvertisement(b, at + Ipv6Header.LENGTH, flags, targetHigh, targetLow,
                linkAddress, targetHigh, targetLow, destinationHigh, destinationLow);
        finishPacket(p, at, length, targetHigh, targetLow, destinationHigh, destinationLow);
        return p;
    }

    private static void finishPacket(PacketBuffer p, int at, int messageLength, long sourceHigh, long sourceLow,
                                     long destinationHigh, long destinationLow) {
        Ipv6Header.write(p.array(), at, 0, 0, messageLength, Icmpv6Message.NEXT_HEADER, HOP_LIMIT,
                sourceHigh, sourceLow, destinationHigh, destinationLow);
        p.truncate(Ipv6Header.LENGTH + messageLength);
        p.networkOffset(at);
        p.transportOffset(at + Ipv6Header.LENGTH);
    }

    // --- receiving -----------------------------------------------------------------------------

    /**
     * Handles a received IPv6 packet (header at the packet's network offset, or its start when unset)
     * carrying an NDP message; other packets are counted as malformed. The packet is only read; the
     * caller keeps it.
     */
    public void receive(PacketBuffer packet, long now) {
        int at = packet.networkOffset() == PacketBuffer.UNSET ? packet.start() : packet.networkOffset();
        if (at < packet.start() || at > packet.end() || !header.wrap(packet.array(), at, packet.end() - at).isOk()
                || !chain.walk(header).isOk() || chain.upperLayerProtocol() != Icmpv6Message.NEXT_HEADER
                || chain.isFragment()
                || !message.wrap(packet.array(), chain.upperLayerOffset(), chain.upperLayerLength()).isOk()
                || !message.isNdp()) {
            counters.malformed++;
            return;
        }
        if (header.hopLimit() != HOP_LIMIT) {
            counters.badHopLimit++;
            return;
        }
        long srcHigh = header.sourceAddressHigh();
        long srcLow = header.sourceAddressLow();
        long dstHigh = header.destinationAddressHigh();
        long dstLow = header.destinationAddressLow();
        if (!message.checksumValid(srcHigh, srcLow, dstHigh, dstLow)) {
            counters.badChecksum++;
            return;
        }
        if (message.code() != 0) {
            counters.badCode++;
            return;
        }
        long linkOption = linkLayerOption(message.type() == Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT
                ? NdpOptionCursor.TARGET_LINK_LAYER_ADDRESS : NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS);
        switch (message.type()) {
            case Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION ->
                    onSolicitation(srcHigh, srcLow, dstHigh, dstLow, linkOption, now);
            case Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT -> onAdvertisement(dstHigh, linkOption, now);
            case Icmpv6Message.TYPE_ROUTER_ADVERTISEMENT -> {
                if (!isLinkLocal(srcHigh)) {
                    counters.invalid++; // RFC 4861 6.1.2: routers speak from link-local addresses
                    return;
                }
                counters.routerMessagesReceived++;
                if (message.reachableTime() != 0) {
                    cache.setBaseReachableTime(message.reachableTime() * MS);
                }
                if (message.retransTimer() != 0) {
                    cache.setRetransmitTime(message.retransTimer() * MS);
                }
                learn(srcHigh, srcLow, linkOption, now);
            }
            case Icmpv6Message.TYPE_ROUTER_SOLICITATION -> {
                if (srcHigh == 0 && srcLow == 0 && linkOption != NeighbourCache.NO_LINK_ADDRESS) {
                    counters.invalid++; // 6.1.1: no source link-layer option from the unspecified address
                    return;
                }
                counters.routerMessagesReceived++;
                learn(srcHigh, srcLow, linkOption, now);
            }
            default -> counters.routerMessagesReceived++; // redirects belong to the stack's destination cache
        }
    }

    private void learn(long srcHigh, long srcLow, long linkOption, long now) {
        if (!(srcHigh == 0 && srcLow == 0) && linkOption != NeighbourCache.NO_LINK_ADDRESS) {
            cache.handleSolicitation(srcHigh, srcLow, linkOption, now);
        }
    }

    /** The first link-layer address option of {@code type}, or {@link NeighbourCache#NO_LINK_ADDRESS}. */
    private long linkLayerOption(int type) {
        options.reset(message);
        while (options.next()) {
            if (options.type() == type && options.length() == NdpOptionCursor.ETHERNET_LINK_LAYER_ADDRESS_LENGTH) {
                return options.linkLayerAddress();
            }
        }
        return NeighbourCache.NO_LINK_ADDRESS;
    }

    private void onSolicitation(long srcHigh, long srcLow, long dstHigh, long dstLow, long sourceLink, long now) {
        long targetHigh = message.targetAddressHigh();
        long targetLow = message.targetAddressLow();
        boolean unspecifiedSource = srcHigh == 0 && srcLow == 0;
        if (isMulticast(targetHigh)
                || (unspecifiedSource && (!isSolicitedNodeGroup(dstHigh, dstLow)
                        || sourceLink != NeighbourCache.NO_LINK_ADDRESS))) {
            counters.invalid++;
            return;
        }
        counters.solicitationsReceived++;
        LocalAddress ours = find(targetHigh, targetLow);
        if (ours == null) {
            counters.notForUs++;
            return;
        }
        if (ours.state == AddressState.TENTATIVE) {
            // RFC 4862 5.4.3: another node probing the same address is a duplicate; resolution of a
            // tentative address is silently ignored.
            if (unspecifiedSource) {
                duplicate(ours);
            } else {
                counters.notForUs++;
            }
            return;
        }
        if (unspecifiedSource) {
            PacketBuffer na = neighborAdvertisement(Icmpv6Message.NA_FLAG_OVERRIDE, targetHigh, targetLow,
                    Ipv6AllNodes.HIGH, Ipv6AllNodes.LOW);
            counters.advertisementsSent++;
            output.transmit(na, LinkAddresses.ipv6Multicast(Ipv6AllNodes.LOW));
            return;
        }
        if (sourceLink != NeighbourCache.NO_LINK_ADDRESS) {
            cache.handleSolicitation(srcHigh, srcLow, sourceLink, now);
        }
        PacketBuffer na = neighborAdvertisement(Icmpv6Message.NA_FLAG_SOLICITED | Icmpv6Message.NA_FLAG_OVERRIDE,
                targetHigh, targetLow, srcHigh, srcLow);
        counters.advertisementsSent++;
        if (sourceLink != NeighbourCache.NO_LINK_ADDRESS) {
            output.transmit(na, sourceLink);
        } else {
            cache.send(srcHigh, srcLow, na, now); // a unicast solicitation without the option: resolve
        }
    }

    private void onAdvertisement(long dstHigh, long targetLink, long now) {
        long targetHigh = message.targetAddressHigh();
        long targetLow = message.targetAddressLow();
        boolean solicited = message.solicitedFlag();
        if (isMulticast(targetHigh) || (solicited && isMulticast(dstHigh))) {
            counters.invalid++;
            return;
        }
        counters.advertisementsReceived++;
        LocalAddress ours = find(targetHigh, targetLow);
        if (ours != null) {
            if (ours.state == AddressState.TENTATIVE) {
                duplicate(ours);
            } else {
                counters.addressConflicts++;
                output.addressConflict(targetHigh, targetLow, targetLink);
            }
            return;
        }
        cache.handleAdvertisement(targetHigh, targetLow, targetLink, solicited, message.overrideFlag(),
                message.routerFlag(), now);
    }

    private static boolean isLinkLocal(long high) {
        return (high >>> 54) == (0xfe80L >>> 6);
    }

    private static boolean isMulticast(long high) {
        return (high >>> 56) == 0xff;
    }

    private static boolean isSolicitedNodeGroup(long high, long low) {
        return high == 0xff02_0000_0000_0000L && (low & 0xffff_ffff_ff00_0000L) == 0x0000_0001_ff00_0000L;
    }

    /** ff02::1. */
    private static final class Ipv6AllNodes {
        static final long HIGH = 0xff02_0000_0000_0000L;
        static final long LOW = 1;
    }

    @Override
    public String toString() {
        return "NdpHandler[" + Long.toHexString(linkAddress) + ", " + addresses.size() + " addresses, " + cache + "]";
    }

    /** The cache's requests become neighbour solicitations; resolved packets and failures go to the output. */
    private final class CacheOutput implements NeighbourOutput {
        @Override
        public void sendSolicitation(long high, long low, long unicastTo, PacketBuffer prompting) {
            LocalAddress source = solicitationSource(prompting);
            if (source == null) {
                counters.noSourceAddress++;
                return;
            }
            counters.solicitationsSent++;
            if (unicastTo == NeighbourCache.NO_LINK_ADDRESS) {
                long groupLow = 0x0000_0001_ff00_0000L | (low & 0xff_ffffL);
                sendNeighborSolicitation(high, low, source.high, source.low, 0xff02_0000_0000_0000L, groupLow,
                        LinkAddresses.ipv6Multicast(groupLow), linkAddress);
            } else {
                sendNeighborSolicitation(high, low, source.high, source.low, high, low, unicastTo, linkAddress);
            }
        }

        @Override
        public void transmit(PacketBuffer packet, long linkAddress) {
            output.transmit(packet, linkAddress);
        }

        @Override
        public void resolutionFailed(long high, long low, PacketBuffer packet) {
            output.resolutionFailed(high, low, packet);
        }
    }
}
