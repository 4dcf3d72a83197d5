package org.netstack4j.network.ndp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.network.neighbour.LinkAddresses;
import org.netstack4j.network.neighbour.NeighbourCache;
import org.netstack4j.network.neighbour.NeighbourConfig;
import org.netstack4j.network.neighbour.NeighbourState;
import org.netstack4j.network.neighbour.SendResult;
import org.netstack4j.time.ManualClock;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Icmpv6Message;
import org.netstack4j.wire.Ipv6Address;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.MacAddress;
import org.netstack4j.wire.NdpOptionCursor;

class NdpHandlerTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long OUR_MAC = MacAddress.parse("52:54:00:12:34:56").value();
    private static final long PEER_MAC = MacAddress.parse("52:54:00:ab:cd:ef").value();
    private static final Ipv6Address OUR_LL = Ipv6Address.parse("fe80::5054:ff:fe12:3456");
    private static final Ipv6Address PEER = Ipv6Address.parse("fe80::5054:ff:feab:cdef");
    private static final Ipv6Address GLOBAL = Ipv6Address.parse("2001:db8::1");
    private static final Ipv6Address ALL_NODES = Ipv6Address.ALL_NODES;

    private final ManualClock clock = new ManualClock(S);
    private final TimerWheel wheel = new TimerWheel(MS, 256, clock.nanoTime());
    private final List<String> sent = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    private NdpHandler handler(int dadTransmits) {
        return new NdpHandler(OUR_MAC, NeighbourConfig.ndp(), dadTransmits, wheel, new PacketBufferPool(256, 32, 16),
                new NdpOutput() {
                    @Override
                    public void transmit(PacketBuffer packet, long linkAddress) {
                        sent.add(describe(packet, linkAddress));
                    }

                    @Override
                    public void addressAssigned(long high, long low) {
                        events.add("assigned " + new Ipv6Address(high, low));
                    }

                    @Override
                    public void duplicateAddressDetected(long high, long low) {
                        events.add("duplicate " + new Ipv6Address(high, low));
                    }

                    @Override
                    public void addressConflict(long high, long low, long linkAddress) {
                        events.add("conflict " + new Ipv6Address(high, low) + " " + new MacAddress(linkAddress));
                    }
                }, new SplittableRandom(3));
    }

    private long now() {
        return clock.nanoTime();
    }

    private void advance(long nanos) {
        clock.advanceNanos(nanos);
        wheel.advanceTo(clock.nanoTime());
    }

    private List<String> takeSent() {
        List<String> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    /** A readable summary of a packet the handler sent, after checking the invariants of NDP packets. */
    private static String describe(PacketBuffer p, long linkAddress) {
        byte[] b = p.toByteArray();
        Ipv6Header h = Ipv6Header.parse(b);
        if (h.nextHeader() != Icmpv6Message.NEXT_HEADER) {
            return "data to " + new MacAddress(linkAddress);
        }
        assertThat(p.networkOffset()).isEqualTo(p.start());
        assertThat(h.hopLimit()).isEqualTo(255);
        assertThat(h.payloadLength()).isEqualTo(b.length - 40);
        Icmpv6Message m = new Icmpv6Message();
        assertThat(m.wrap(b, 40, b.length - 40).isOk()).isTrue();
        assertThat(m.checksumValid(h.sourceAddressHigh(), h.sourceAddressLow(), h.destinationAddressHigh(),
                h.destinationAddressLow())).isTrue();
        StringBuilder s = new StringBuilder();
        s.append(m.type() == Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION ? "NS" : "NA");
        if (m.type() == Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT) {
            s.append(m.solicitedFlag() ? " S" : "").append(m.overrideFlag() ? " O" : "");
        }
        s.append(" ").append(h.source()).append(" > ").append(h.destination()).append(" via ")
                .append(new MacAddress(linkAddress)).append(" target ").append(m.target());
        NdpOptionCursor c = new NdpOptionCursor().reset(m);
        while (c.next()) {
            s.append(c.type() == NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS ? " slla " : " tlla ")
                    .append(new MacAddress(c.linkLayerAddress()));
        }
        return s.toString();
    }

    /** An NDP packet from a peer. */
    private static PacketBuffer packet(Ipv6Address source, Ipv6Address destination, int hopLimit, byte[] message,
                                       int length) {
        byte[] b = new byte[40 + length];
        System.arraycopy(message, 0, b, 40, length);
        Ipv6Header.write(b, 0, 0, 0, length, Icmpv6Message.NEXT_HEADER, hopLimit, source.high(), source.low(),
                destination.high(), destination.low());
        PacketBuffer p = PacketBuffer.copyOf(b, 14);
        p.networkOffset(p.start());
        return p;
    }

    private static PacketBuffer ns(Ipv6Address source, Ipv6Address destination, Ipv6Address target, long slla) {
        byte[] m = new byte[64];
        int len = Icmpv6Message.writeNeighborSolicitation(m, 0, target.high(), target.low(), slla, source.high(),
                source.low(), destination.high(), destination.low());
        return packet(source, destination, 255, m, len);
    }

    private static PacketBuffer na(Ipv6Address source, Ipv6Address destination, int flags, Ipv6Address target, long tlla) {
        byte[] m = new byte[64];
        int len = Icmpv6Message.writeNeighborAdvertisement(m, 0, flags, target.high(), target.low(), tlla,
                source.high(), source.low(), destination.high(), destination.low());
        return packet(source, destination, 255, m, len);
    }

    private static PacketBuffer data(Ipv6Address source, Ipv6Address destination) {
        byte[] b = new byte[48];
        Ipv6Header.write(b, 0, 0, 0, 8, 17, 64, source.high(), source.low(), destination.high(), destination.low());
        PacketBuffer p = PacketBuffer.copyOf(b, 14);
        p.networkOffset(p.start());
        return p;
    }

    private static final int S_O = Icmpv6Message.NA_FLAG_SOLICITED | Icmpv6Message.NA_FLAG_OVERRIDE;

    @Test
    void theLinkLocalAddressComesFromTheMacAndPassesDuplicateAddressDetection() {
        NdpHandler ndp = handler(1);
        ndp.addLinkLocalAddress(now());
        assertThat(new Ipv6Address(LinkAddresses.LINK_LOCAL_PREFIX, ndp.linkLocalLow())).isEqualTo(OUR_LL);
        assertThat(ndp.addressState(OUR_LL.high(), OUR_LL.low())).isEqualTo(AddressState.TENTATIVE);
        assertThat(takeSent()).containsExactly(
                "NS :: > ff02::1:ff12:3456 via 33:33:ff:12:34:56 target fe80::5054:ff:fe12:3456");
        advance(S - 1);
        assertThat(events).isEmpty();
        advance(1);
        assertThat(events).containsExactly("assigned fe80::5054:ff:fe12:3456");
        assertThat(ndp.addressState(OUR_LL.high(), OUR_LL.low())).isEqualTo(AddressState.PREFERRED);
    }

    @Test
    void moreTransmitsTakeOneRetransmitTimeEach() {
        NdpHandler ndp = handler(3);
        ndp.addAddress(GLOBAL.high(), GLOBAL.low(), now());
        advance(S);
        advance(S);
        assertThat(takeSent()).hasSize(3);
        assertThat(events).isEmpty();
        advance(S);
        assertThat(events).containsExactly("assigned 2001:db8::1");
        assertThat(ndp.counters().dadSolicitationsSent()).isEqualTo(3);
    }

    @Test
    void anAdvertisementForATentativeAddressIsADuplicate() {
        NdpHandler ndp = handler(1);
        ndp.addAddress(GLOBAL.high(), GLOBAL.low(), now());
        ndp.receive(na(PEER, ALL_NODES, Icmpv6Message.NA_FLAG_OVERRIDE, GLOBAL, PEER_MAC), now());
        assertThat(events).containsExactly("duplicate 2001:db8::1");
        assertThat(ndp.addressState(GLOBAL.high(), GLOBAL.low())).isNull();
        advance(5 * S);
        assertThat(events).hasSize(1);
        assertThat(wheel.size()).isZero();
    }

    @Test
    void anotherNodeProbingTheSameTentativeAddressIsADuplicate() {
        NdpHandler ndp = handler(1);
        ndp.addAddress(GLOBAL.high(), GLOBAL.low(), now());
        takeSent();
        // Resolution of a tentative address is ignored...
        ndp.receive(ns(PEER, GLOBAL.solicitedNode(), GLOBAL, PEER_MAC), now());
        assertThat(takeSent()).isEmpty();
        assertThat(events).isEmpty();
        // ...a probe for it is not.
        ndp.receive(ns(Ipv6Address.ANY, GLOBAL.solicitedNode(), GLOBAL, Icmpv6Message.NO_LINK_LAYER_ADDRESS), now());
        assertThat(events).containsExactly("duplicate 2001:db8::1");
        assertThat(ndp.counters().duplicatesDetected()).isEqualTo(1);
    }

    @Test
    void withoutDuplicateDetectionAnAddressIsAssignedAtOnce() {
        NdpHandler ndp = handler(0);
        ndp.addLinkLocalAddress(now());
        assertThat(takeSent()).isEmpty();
        assertThat(events).containsExactly("assigned fe80::5054:ff:fe12:3456");
    }

    @Test
    void aSolicitationForOurAddressGetsASolicitedAdvertisement() {
        NdpHandler ndp = handler(0);
        ndp.addLinkLocalAddress(now());
        ndp.receive(ns(PEER, OUR_LL.solicitedNode(), OUR_LL, PEER_MAC), now());
        assertThat(takeSent()).containsExactly("NA S O fe80::5054:ff:fe12:3456 > fe80::5054:ff:feab:cdef via "
                + "52:54:00:ab:cd:ef target fe80::5054:ff:fe12:3456 tlla 52:54:00:12:34:56");
        assertThat(ndp.cache().state(PEER.high(), PEER.low())).isEqualTo(NeighbourState.STALE);
        assertThat(ndp.cache().linkAddress(PEER.high(), PEER.low())).isEqualTo(PEER_MAC);
        // Someone else's target: nothing.
        ndp.receive(ns(PEER, GLOBAL.solicitedNode(), GLOBAL, PEER_MAC), now());
        assertThat(takeSent()).isEmpty();
        assertThat(ndp.counters().notForUs()).isEqualTo(1);
    }

    @Test
    void aProbeForOurAssignedAddressIsAnsweredToAllNodes() {
        NdpHandler ndp = handler(0);
        ndp.addAddress(GLOBAL.high(), GLOBAL.low(), now());
        ndp.receive(ns(Ipv6Address.ANY, GLOBAL.solicitedNode(), GLOBAL, Icmpv6Message.NO_LINK_LAYER_ADDRESS), now());
        assertThat(takeSent()).containsExactly(
                "NA O 2001:db8::1 > ff02::1 via 33:33:00:00:00:01 target 2001:db8::1 tlla 52:54:00:12:34:56");
        assertThat(ndp.cache().size()).isZero();
    }

    @Test
    void resolutionSendsAMulticastSolicitationAndFlushesOnTheAdvertisement() {
        NdpHandler ndp = handler(0);
        ndp.addLinkLocalAddress(now());
        assertThat(ndp.send(PEER.high(), PEER.low(), data(OUR_LL, PEER), now())).isEqualTo(SendResult.QUEUED);
        assertThat(takeSent()).containsExactly("NS fe80::5054:ff:fe12:3456 > ff02::1:ffab:cdef via 33:33:ff:ab:cd:ef"
                + " target fe80::5054:ff:feab:cdef slla 52:54:00:12:34:56");
        ndp.receive(na(PEER, OUR_LL, S_O, PEER, PEER_MAC), now());
        assertThat(takeSent()).containsExactly("data to 52:54:00:ab:cd:ef");
        assertThat(ndp.cache().state(PEER.high(), PEER.low())).isEqualTo(NeighbourState.REACHABLE);
        // Probing later is unicast to the cached address.
        advance(60 * S);
        ndp.send(PEER.high(), PEER.low(), data(OUR_LL, PEER), now());
        takeSent();
        advance(5 * S);
        assertThat(takeSent()).containsExactly("NS fe80::5054:ff:fe12:3456 > fe80::5054:ff:feab:cdef via 52:54:00:ab:cd:ef"
                + " target fe80::5054:ff:feab:cdef slla 52:54:00:12:34:56");
    }

    @Test
    void theSolicitationSourceFollowsThePromptingPacketWhenItIsAssigned() {
        NdpHandler ndp = handler(0);
        ndp.addLinkLocalAddress(now());
        ndp.addAddress(GLOBAL.high(), GLOBAL.low(), now());
        Ipv6Address gateway = Ipv6Address.parse("2001:db8::ff");
        ndp.send(gateway.high(), gateway.low(), data(GLOBAL, Ipv6Address.parse("2001:db8:1::1")), now());
        assertThat(takeSent().get(0)).startsWith("NS 2001:db8::1 > ff02::1:ff00:ff");
        Ipv6Address other = Ipv6Address.parse("2001:db8::fe");
        ndp.send(other.high(), other.low(), data(Ipv6Address.parse("2001:db8:9::9"), other), now());
        assertThat(takeSent().get(0)).as("not ours: the link-local").startsWith("NS fe80::5054:ff:fe12:3456 >");
    }

    @Test
    void noSolicitationWithoutAnAssignedSource() {
        NdpHandler ndp = handler(1);
        ndp.addLinkLocalAddress(now());
        takeSent();
        ndp.send(PEER.high(), PEER.low(), data(OUR_LL, PEER), now());
        assertThat(takeSent()).isEmpty();
        assertThat(ndp.counters().noSourceAddress()).isEqualTo(1);
    }

    @Test
    void aUnicastSolicitationWithoutALinkAddressIsAnsweredThroughResolution() {
        NdpHandler ndp = handler(0);
        ndp.addLinkLocalAddress(now());
        ndp.receive(ns(PEER, OUR_LL, OUR_LL, Icmpv6Message.NO_LINK_LAYER_ADDRESS), now());
        List<String> out = takeSent();
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).startsWith("NS fe80::5054:ff:fe12:3456 > ff02::1:ffab:cdef");
        ndp.receive(na(PEER, OUR_LL, S_O, PEER, PEER_MAC), now());
        assertThat(takeSent()).containsExactly("NA S O fe80::5054:ff:fe12:3456 > fe80::5054:ff:feab:cdef via "
                + "52:54:00:ab:cd:ef target fe80::5054:ff:fe12:3456 tlla 52:54:00:12:34:56");
    }

    @Test
    void anAdvertisementForOurAssignedAddressIsAConflict() {
        NdpHandler ndp = handler(0);
        ndp.addLinkLocalAddress(now());
        ndp.receive(na(PEER, ALL_NODES, Icmpv6Message.NA_FLAG_OVERRIDE, OUR_LL, PEER_MAC), now());
        assertThat(events).containsExactly("assigned fe80::5054:ff:fe12:3456",
                "conflict fe80::5054:ff:fe12:3456 52:54:00:ab:cd:ef");
        assertThat(ndp.addressState(OUR_LL.high(), OUR_LL.low())).isEqualTo(AddressState.PREFERRED);
    }

    @Test
    void invalidMessagesAreDroppedByReason() {
        NdpHandler ndp = handler(0);
        ndp.addLinkLocalAddress(now());
        byte[] m = new byte[64];
        int len = Icmpv6Message.writeNeighborSolicitation(m, 0, OUR_LL.high(), OUR_LL.low(), PEER_MAC, PEER.high(),
                PEER.low(), OUR_LL.high(), OUR_LL.low());
        ndp.receive(packet(PEER, OUR_LL, 64, m, len), now());
        assertThat(ndp.counters().badHopLimit()).isEqualTo(1);
        byte[] corrupt = m.clone();
        corrupt[10] ^= 1;
        ndp.receive(packet(PEER, OUR_LL, 255, corrupt, len), now());
        assertThat(ndp.counters().badChecksum()).isEqualTo(1);
        byte[] code = m.clone();
        code[1] = 1;
        Icmpv6Message.writeChecksum(code, 0, len, PEER.high(), PEER.low(), OUR_LL.high(), OUR_LL.low());
        ndp.receive(packet(PEER, OUR_LL, 255, code, len), now());
        assertThat(ndp.counters().badCode()).isEqualTo(1);
        ndp.receive(ns(PEER, OUR_LL, ALL_NODES, PEER_MAC), now());
        ndp.receive(ns(Ipv6Address.ANY, OUR_LL, OUR_LL, Icmpv6Message.NO_LINK_LAYER_ADDRESS), now());
        ndp.receive(ns(Ipv6Address.ANY, OUR_LL.solicitedNode(), OUR_LL, PEER_MAC), now());
        ndp.receive(na(PEER, ALL_NODES, S_O, PEER, PEER_MAC), now());
        assertThat(ndp.counters().invalid()).isEqualTo(4);
        ndp.receive(PacketBuffer.copyOf(Arrays.copyOf(new byte[] {0x60}, 20), 0), now());
        ndp.receive(data(PEER, OUR_LL), now());
        assertThat(ndp.counters().malformed()).isEqualTo(2);
        assertThat(takeSent()).isEmpty();
        assertThat(ndp.cache().size()).isZero();
    }

    @Test
    void routerAdvertisementsSetTimersAndTeachTheRouterAddress() {
        NdpHandler ndp = handler(0);
        byte[] m = new byte[64];
        m[0] = (byte) Icmpv6Message.TYPE_ROUTER_ADVERTISEMENT;
        m[4] = 64;
        Bytes.put16(m, 6, 1800);
        Bytes.put32(m, 8, 10_000); // reachable time, ms
        Bytes.put32(m, 12, 2_000); // retrans timer, ms
        int len = Icmpv6Message.ROUTER_ADVERTISEMENT_LENGTH
                + NdpOptionCursor.writeLinkLayerAddress(m, 16, NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS, PEER_MAC);
        Icmpv6Message.writeChecksum(m, 0, len, PEER.high(), PEER.low(), ALL_NODES.high(), ALL_NODES.low());
        ndp.receive(packet(PEER, ALL_NODES, 255, m, len), now());
        assertThat(ndp.cache().retransmitTime()).isEqualTo(2 * S);
        assertThat(ndp.cache().reachableTime()).isBetween(5 * S, 15 * S);
        assertThat(ndp.cache().linkAddress(PEER.high(), PEER.low())).isEqualTo(PEER_MAC);
        // From a global address: not a router advertisement to trust.
        Icmpv6Message.writeChecksum(m, 0, len, GLOBAL.high(), GLOBAL.low(), ALL_NODES.high(), ALL_NODES.low());
        ndp.receive(packet(GLOBAL, ALL_NODES, 255, m, len), now());
        assertThat(ndp.counters().invalid()).isEqualTo(1);
        assertThat(ndp.cache().state(GLOBAL.high(), GLOBAL.low())).isNull();
    }

    @Test
    void removingAnAddressStopsAnsweringForIt() {
        NdpHandler ndp = handler(1);
        ndp.addAddress(GLOBAL.high(), GLOBAL.low(), now());
        assertThat(ndp.removeAddress(GLOBAL.high(), GLOBAL.low())).isTrue();
        assertThat(ndp.removeAddress(GLOBAL.high(), GLOBAL.low())).isFalse();
        advance(5 * S);
        assertThat(events).isEmpty();
        assertThat(ndp.cache().counters().multicastSolicitations()).isZero();
        assertThat(NeighbourCache.NO_LINK_ADDRESS).isEqualTo(-1L);
    }
}
