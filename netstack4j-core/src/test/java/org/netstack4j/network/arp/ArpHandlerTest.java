package org.netstack4j.network.arp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.network.neighbour.NeighbourCache;
import org.netstack4j.network.neighbour.NeighbourConfig;
import org.netstack4j.network.neighbour.NeighbourState;
import org.netstack4j.network.neighbour.SendResult;
import org.netstack4j.time.ManualClock;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.EthernetHeader;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.MacAddress;

class ArpHandlerTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long OUR_MAC = MacAddress.parse("02:00:00:00:00:01").value();
    private static final long PEER_MAC = MacAddress.parse("02:00:00:00:00:02").value();
    private static final long OTHER_MAC = MacAddress.parse("02:00:00:00:00:03").value();
    private static final long BROADCAST = MacAddress.BROADCAST.value();
    private static final int OURS = ip("192.168.1.1");
    private static final int PEER = ip("192.168.1.2");
    private static final int OTHER = ip("192.168.1.3");

    private final ManualClock clock = new ManualClock(S);
    private final TimerWheel wheel = new TimerWheel(MS, 256, clock.nanoTime());
    private final List<PacketBuffer> frames = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private ArpHandler arp;

    private static int ip(String s) {
        return Ipv4Address.parse(s).value();
    }

    @BeforeEach
    void setUp() {
        arp = new ArpHandler(OUR_MAC, NeighbourConfig.arp(), wheel, new PacketBufferPool(128, 32, 16), new ArpOutput() {
            @Override
            public void transmitFrame(PacketBuffer frame) {
                frames.add(frame);
            }

            @Override
            public void transmit(PacketBuffer packet, long linkAddress) {
                events.add("transmit " + packet.array()[packet.start() + 19] + " to " + new MacAddress(linkAddress));
            }

            @Override
            public void resolutionFailed(int address, PacketBuffer packet) {
                events.add("failed " + new Ipv4Address(address));
            }

            @Override
            public void addressConflict(int address, long linkAddress) {
                events.add("conflict " + new Ipv4Address(address) + " " + new MacAddress(linkAddress));
            }
        }, new SplittableRandom(1));
        arp.addAddress(OURS);
    }

    private long now() {
        return clock.nanoTime();
    }

    private void advance(long nanos) {
        clock.advanceNanos(nanos);
        wheel.advanceTo(clock.nanoTime());
    }

    /** An ARP frame as a peer would send it, network offset at the ARP message. */
    private static PacketBuffer arpFrame(long ethDst, int opcode, long sha, int spa, long tha, int tpa) {
        byte[] f = new byte[EthernetHeader.MIN_LENGTH + ArpMessage.LENGTH + 18]; // with Ethernet padding
        EthernetHeader.write(f, 0, ethDst, sha, EthernetHeader.ETHERTYPE_ARP);
        ArpMessage.write(f, EthernetHeader.MIN_LENGTH, opcode, sha, spa, tha, tpa);
        PacketBuffer p = PacketBuffer.copyOf(f, 0);
        p.linkOffset(0);
        p.networkOffset(EthernetHeader.MIN_LENGTH);
        return p;
    }

    /** Parses a frame the handler sent. */
    private static String describe(PacketBuffer frame) {
        EthernetHeader eth = new EthernetHeader();
        assertThat(eth.wrap(frame.array(), frame.start(), frame.length()).isOk()).isTrue();
        assertThat(eth.etherType()).isEqualTo(EthernetHeader.ETHERTYPE_ARP);
        assertThat(eth.sourceAddress()).isEqualTo(OUR_MAC);
        assertThat(frame.networkOffset()).isEqualTo(eth.payloadOffset());
        ArpMessage m = new ArpMessage();
        assertThat(m.wrap(frame.array(), eth.payloadOffset(), eth.payloadLength()).isOk()).isTrue();
        assertThat(m.senderHardwareAddress()).isEqualTo(OUR_MAC);
        return "to " + eth.destination() + " " + (m.isRequest() ? "request" : "reply") + " " + m.senderProtocol()
                + " -> " + m.targetProtocol() + " (" + m.targetHardware() + ")";
    }

    private List<String> takeFrames() {
        List<String> out = frames.stream().map(ArpHandlerTest::describe).toList();
        frames.clear();
        return out;
    }

    private static PacketBuffer ipv4Packet(int source, int destination, int tag) {
        byte[] b = new byte[28];
        Ipv4Header.write(b, 0, 0, 28, 1, 0, 0, 64, 17, source, destination);
        b[19] = (byte) tag; // the low octet of the destination doubles as a tag in the transmit log
        PacketBuffer p = PacketBuffer.copyOf(b, 14);
        p.networkOffset(p.start());
        return p;
    }

    @Test
    void addingAnAddressAnnouncesIt() {
        assertThat(takeFrames()).containsExactly("to ff:ff:ff:ff:ff:ff request 192.168.1.1 -> 192.168.1.1 (00:00:00:00:00:00)");
        assertThat(arp.counters().announcementsSent()).isEqualTo(1);
        arp.addAddress(OURS);
        assertThat(takeFrames()).isEmpty();
    }

    @Test
    void aRequestForOurAddressIsAnsweredAndTeachesUsTheRequester() {
        takeFrames();
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, PEER_MAC, PEER, 0, OURS), true, now());
        assertThat(takeFrames()).containsExactly("to 02:00:00:00:00:02 reply 192.168.1.1 -> 192.168.1.2 (02:00:00:00:00:02)");
        assertThat(arp.cache().state(0, NeighbourCache.ipv4Key(PEER))).isEqualTo(NeighbourState.STALE);
        assertThat(arp.cache().linkAddress(0, NeighbourCache.ipv4Key(PEER))).isEqualTo(PEER_MAC);
        assertThat(arp.counters().repliesSent()).isEqualTo(1);
    }

    @Test
    void aRequestForSomeoneElseOnlyRefreshesAKnownSender() {
        takeFrames();
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, PEER_MAC, PEER, 0, OTHER), true, now());
        assertThat(takeFrames()).isEmpty();
        assertThat(arp.cache().state(0, NeighbourCache.ipv4Key(PEER))).isNull();
        // Known sender with a new MAC: updated (RFC 826 merge), STALE.
        arp.cache().handleSolicitation(0, NeighbourCache.ipv4Key(PEER), PEER_MAC, now());
        arp.cache().confirmReachability(0, NeighbourCache.ipv4Key(PEER), now());
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, OTHER_MAC, PEER, 0, OTHER), true, now());
        assertThat(arp.cache().linkAddress(0, NeighbourCache.ipv4Key(PEER))).isEqualTo(OTHER_MAC);
        assertThat(arp.cache().state(0, NeighbourCache.ipv4Key(PEER))).isEqualTo(NeighbourState.STALE);
    }

    @Test
    void resolvesWithABroadcastRequestAndAUnicastReply() {
        takeFrames();
        assertThat(arp.send(PEER, ipv4Packet(OURS, PEER, 7), now())).isEqualTo(SendResult.QUEUED);
        assertThat(takeFrames()).containsExactly("to ff:ff:ff:ff:ff:ff request 192.168.1.1 -> 192.168.1.2 (00:00:00:00:00:00)");
        arp.receive(arpFrame(OUR_MAC, ArpMessage.OPCODE_REPLY, PEER_MAC, PEER, OUR_MAC, OURS), false, now());
        assertThat(events).containsExactly("transmit 7 to 02:00:00:00:00:02");
        assertThat(arp.cache().state(0, NeighbourCache.ipv4Key(PEER))).isEqualTo(NeighbourState.REACHABLE);
        assertThat(arp.send(PEER, ipv4Packet(OURS, PEER, 8), now())).isEqualTo(SendResult.TRANSMITTED);
    }

    @Test
    void aBroadcastReplyResolvesButDoesNotConfirmReachability() {
        takeFrames();
        arp.send(PEER, ipv4Packet(OURS, PEER, 7), now());
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REPLY, PEER_MAC, PEER, OUR_MAC, OURS), true, now());
        assertThat(events).containsExactly("transmit 7 to 02:00:00:00:00:02");
        assertThat(arp.cache().state(0, NeighbourCache.ipv4Key(PEER))).isEqualTo(NeighbourState.DELAY);
    }

    @Test
    void gratuitousArpUpdatesOnlyKnownNeighbours() {
        takeFrames();
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, PEER_MAC, PEER, 0, PEER), true, now());
        assertThat(arp.cache().state(0, NeighbourCache.ipv4Key(PEER))).isNull();
        arp.send(PEER, ipv4Packet(OURS, PEER, 1), now());
        arp.receive(arpFrame(OUR_MAC, ArpMessage.OPCODE_REPLY, PEER_MAC, PEER, OUR_MAC, OURS), false, now());
        // The peer moved to another MAC and announces it.
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REPLY, OTHER_MAC, PEER, BROADCAST, PEER), true, now());
        assertThat(arp.cache().linkAddress(0, NeighbourCache.ipv4Key(PEER))).isEqualTo(OTHER_MAC);
        assertThat(arp.cache().state(0, NeighbourCache.ipv4Key(PEER))).isEqualTo(NeighbourState.STALE);
        assertThat(takeFrames()).hasSize(1); // only the resolution request
    }

    @Test
    void aProbeForOurAddressIsDefendedButNotCached() {
        takeFrames();
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, PEER_MAC, 0, 0, OURS), true, now());
        assertThat(takeFrames()).containsExactly("to 02:00:00:00:00:02 reply 192.168.1.1 -> 0.0.0.0 (02:00:00:00:00:02)");
        assertThat(arp.cache().size()).isZero();
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, PEER_MAC, 0, 0, OTHER), true, now());
        assertThat(takeFrames()).isEmpty();
    }

    @Test
    void anotherHostUsingOurAddressIsAConflict() {
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, PEER_MAC, OURS, 0, OURS), true, now());
        assertThat(events).containsExactly("conflict 192.168.1.1 02:00:00:00:00:02");
        assertThat(arp.counters().addressConflicts()).isEqualTo(1);
        assertThat(arp.cache().size()).isZero();
    }

    @Test
    void ownFramesGroupSendersAndJunkAreDropped() {
        takeFrames();
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, OUR_MAC, OURS, 0, OURS), true, now());
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, BROADCAST, PEER, 0, OURS), true, now());
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, 0, PEER, 0, OURS), true, now());
        assertThat(arp.counters().badSender()).isEqualTo(3);
        arp.receive(arpFrame(BROADCAST, 9, PEER_MAC, PEER, 0, OURS), true, now());
        assertThat(arp.counters().unknownOpcode()).isEqualTo(1);
        PacketBuffer junk = PacketBuffer.copyOf(new byte[] {0, 1, 8, 0, 6}, 0);
        arp.receive(junk, false, now());
        PacketBuffer ipx = arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, PEER_MAC, PEER, 0, OURS);
        ipx.array()[EthernetHeader.MIN_LENGTH + 2] = (byte) 0x81; // protocol type 0x8100: not IPv4
        arp.receive(ipx, false, now());
        assertThat(arp.counters().malformed()).isEqualTo(2);
        assertThat(takeFrames()).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void unansweredRequestsFailResolutionAndReportTheWaitingPackets() {
        takeFrames();
        arp.send(PEER, ipv4Packet(OURS, PEER, 1), now());
        arp.send(PEER, ipv4Packet(OURS, PEER, 2), now());
        for (int i = 0; i < 3; i++) {
            advance(S);
        }
        assertThat(takeFrames()).hasSize(3);
        assertThat(events).containsExactly("failed 192.168.1.2", "failed 192.168.1.2");
        assertThat(arp.cache().counters().droppedResolutionFailed()).isEqualTo(2);
    }

    @Test
    void probingAStaleNeighbourUsesUnicastRequests() {
        takeFrames();
        arp.receive(arpFrame(BROADCAST, ArpMessage.OPCODE_REQUEST, PEER_MAC, PEER, 0, OURS), true, now());
        takeFrames();
        arp.send(PEER, ipv4Packet(OURS, PEER, 1), now());
        advance(5 * S);
        assertThat(takeFrames()).containsExactly("to 02:00:00:00:00:02 request 192.168.1.1 -> 192.168.1.2 (00:00:00:00:00:00)");
        assertThat(arp.cache().state(0, NeighbourCache.ipv4Key(PEER))).isEqualTo(NeighbourState.PROBE);
        arp.receive(arpFrame(OUR_MAC, ArpMessage.OPCODE_REPLY, PEER_MAC, PEER, OUR_MAC, OURS), false, now());
        assertThat(arp.cache().state(0, NeighbourCache.ipv4Key(PEER))).isEqualTo(NeighbourState.REACHABLE);
    }

    @Test
    void theRequestSourceIsThePromptingPacketsWhenItIsOurs() {
        int second = ip("10.0.0.1");
        arp.addAddress(second);
        takeFrames();
        arp.send(ip("10.0.0.9"), ipv4Packet(second, ip("10.0.0.9"), 1), now());
        assertThat(takeFrames()).containsExactly("to ff:ff:ff:ff:ff:ff request 10.0.0.1 -> 10.0.0.9 (00:00:00:00:00:00)");
        // A forwarded packet (source not ours): our first address.
        arp.send(ip("10.0.0.8"), ipv4Packet(ip("172.16.0.1"), ip("10.0.0.8"), 1), now());
        assertThat(takeFrames()).containsExactly("to ff:ff:ff:ff:ff:ff request 192.168.1.1 -> 10.0.0.8 (00:00:00:00:00:00)");
        assertThat(arp.removeAddress(second)).isTrue();
        assertThat(arp.isLocalAddress(second)).isFalse();
    }
}
