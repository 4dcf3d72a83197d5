package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.link.TestPackets.v4;
import static org.netstack4j.link.TestPackets.v6;

import java.io.EOFException;
import java.io.IOException;
import java.net.PortUnreachableException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.LinkPair.Transport;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.MacAddress;

/** One test (or more) per option of {@link PacketEndpointOptions}, over the in-memory pipe and UDP. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PacketEndpointTest {
    static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:00:0b");
    static final MacAddress MAC_C = MacAddress.parse("02:00:00:00:00:0c");

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private LinkPair link(Transport t, int channels) throws IOException {
        LinkPair l = LinkPair.open(t, channels);
        toClose.add(l);
        return l;
    }

    private PacketEndpoint endpoint(PacketEndpointOptions.Builder b) {
        PacketEndpoint e = PacketEndpoint.create(b.build());
        toClose.add(e);
        return e;
    }

    static PacketEndpointOptions.Builder options(LinkPair l) {
        return PacketEndpointOptions.builder().channels(l.endpointChannels());
    }

    static byte[] udp4(int n) {
        return TestPackets.ipv4Udp(v4(10, 0, 0, 1), v4(10, 0, 0, 2), 1000, 2000, TestPackets.payload(n, 0));
    }

    static byte[] udp6(int n) {
        return TestPackets.ipv6Udp(v6(1), v6(2), 1000, 2000, TestPackets.payload(n, 0));
    }

    static byte[] ethernet(MacAddress dst, MacAddress src, int type, byte[] payload) {
        byte[] f = new byte[14 + payload.length];
        dst.writeTo(f, 0);
        src.writeTo(f, 6);
        Bytes.put16(f, 12, type);
        System.arraycopy(payload, 0, f, 14, payload.length);
        return f;
    }

    static void send(PacketChannel c, byte[] bytes) throws IOException {
        c.write(PacketBuffer.copyOf(bytes, 0));
    }

    static byte[] receive(PacketChannel c) throws IOException {
        PacketBuffer b = new PacketBuffer(70_000, 0);
        int n = c.read(b);
        assertThat(n).isEqualTo(b.length());
        return b.toByteArray();
    }

    static PacketBuffer outbound(byte[] packet, int headroom) {
        return PacketBuffer.copyOf(packet, headroom);
    }

    // --- channels ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void channels_eachChannelHasItsOwnLoopAndInboundMayArriveOnAny(Transport t) throws Exception {
        LinkPair l = link(t, 3);
        PacketEndpoint e = endpoint(options(l));
        RecordingDispatcher d = new RecordingDispatcher();
        e.attach(d);
        assertThat(e.channelCount()).isEqualTo(3);
        Set<String> threads = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            send(l.peerSide[i], udp4(i + 1));
            RecordingDispatcher.Delivery got = d.next();
            assertThat(got.bytes()).isEqualTo(udp4(i + 1));
            threads.add(got.thread());
        }
        assertThat(threads).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void channels_outboundFlowAlwaysLeavesThroughOneChannel(Transport t) throws Exception {
        LinkPair l = link(t, 4);
        PacketEndpoint e = endpoint(options(l));
        Set<Integer> used = new HashSet<>();
        for (int flow = 0; flow < 32; flow++) {
            byte[] p = TestPackets.ipv4Udp(v4(10, 0, 0, 1), v4(10, 0, 1, flow), 1000 + flow, 53, TestPackets.payload(4, flow));
            int ch = e.channelFor(outbound(p, 0));
            used.add(ch);
            for (int k = 0; k < 3; k++) {
                assertThat(e.writePacket(outbound(p, 0))).isTrue();
                assertThat(receive(l.peerSide[ch])).isEqualTo(p);
            }
        }
        assertThat(used).as("32 flows spread over 4 channels").hasSizeGreaterThan(1);
    }

    // --- IP mode -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ipMode_guessesIpv4AndIpv6FromTheVersionNibble(Transport t) throws Exception {
        LinkPair l = link(t, 1);
        PacketEndpoint e = endpoint(options(l));
        RecordingDispatcher d = new RecordingDispatcher();
        e.attach(d);
        send(l.peerSide[0], udp4(10));
        send(l.peerSide[0], udp6(10));
        RecordingDispatcher.Delivery a = d.next();
        RecordingDispatcher.Delivery b = d.next();
        assertThat(a.protocol()).isEqualTo(0x0800);
        assertThat(a.bytes()).isEqualTo(udp4(10));
        assertThat(a.remote()).isEqualTo(PacketBuffer.NO_LINK_ADDRESS);
        assertThat(a.local()).isEqualTo(PacketBuffer.NO_LINK_ADDRESS);
        assertThat(a.linkHeader()).isNull();
        assertThat(a.endpoint()).isSameAs(e);
        assertThat(b.protocol()).isEqualTo(0x86dd);
        assertThat(b.bytes()).isEqualTo(udp6(10));
        assertThat(e.capabilities().resolutionRequired()).isFalse();
        assertThat(e.maxHeaderLength()).isZero();
        assertThat(e.linkAddress()).isEqualTo(PacketBuffer.NO_LINK_ADDRESS);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ipMode_writesPacketsAsTheyAre(Transport t) throws Exception {
        LinkPair l = link(t, 1);
        PacketEndpoint e = endpoint(options(l));
        PacketBuffer p = outbound(udp6(33), 0);
        assertThat(e.writePacket(p)).isTrue();
        assertThat(receive(l.peerSide[0])).isEqualTo(udp6(33));
        assertThat(p.toByteArray()).isEqualTo(udp6(33));
    }

    // --- ethernetHeader + address ------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ethernetHeader_inboundFramesAreParsed(Transport t) throws Exception {
        LinkPair l = link(t, 1);
        PacketEndpoint e = endpoint(options(l).ethernetHeader(true).address(MAC_A));
        RecordingDispatcher d = new RecordingDispatcher();
        e.attach(d);
        byte[] frame = ethernet(MAC_A, MAC_B, 0x0800, udp4(20));
        send(l.peerSide[0], frame);
        send(l.peerSide[0], ethernet(MacAddress.BROADCAST, MAC_C, 0x0806, new byte[28]));
        RecordingDispatcher.Delivery got = d.next();
        assertThat(got.protocol()).isEqualTo(0x0800);
        assertThat(got.remote()).isEqualTo(MAC_B.value());
        assertThat(got.local()).isEqualTo(MAC_A.value());
        assertThat(got.bytes()).isEqualTo(udp4(20));
        assertThat(got.linkHeader()).isEqualTo(java.util.Arrays.copyOf(frame, 14));
        RecordingDispatcher.Delivery arp = d.next();
        assertThat(arp.protocol()).isEqualTo(0x0806);
        assertThat(arp.local()).isEqualTo(MacAddress.BROADCAST.value());
        assertThat(arp.remote()).isEqualTo(MAC_C.value());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ethernetHeader_outboundGetsDestinationFromTheRouteAndSourceFromTheRouteOrTheAddress(Transport t) throws Exception {
        LinkPair l = link(t, 1);
        PacketEndpoint e = endpoint(options(l).ethernetHeader(true).address(MAC_A));
        PacketBuffer p = outbound(udp4(5), 32);
        p.remoteLinkAddress(MAC_B.value());
        p.networkProtocol(0x0800);
        assertThat(e.writePacket(p)).isTrue();
        assertThat(receive(l.peerSide[0])).isEqualTo(ethernet(MAC_B, MAC_A, 0x0800, udp4(5)));
        assertThat(p.toByteArray()).as("caller's bounds restored").isEqualTo(udp4(5));

        PacketBuffer q = outbound(udp6(5), 14);
        q.remoteLinkAddress(MAC_B.value());
        q.localLinkAddress(MAC_C.value()); // the route's local address wins over the endpoint's
        assertThat(e.writePacket(q)).isTrue();
        assertThat(receive(l.peerSide[0])).as("type guessed from the nibble").isEqualTo(ethernet(MAC_B, MAC_C, 0x86dd, udp6(5)));
    }

    @Test
    void ethernetHeader_reportsResolutionRequiredAndItsHeaderLength() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l).ethernetHeader(true).address(MAC_A));
        assertThat(e.capabilities().resolutionRequired()).isTrue();
        assertThat(e.maxHeaderLength()).isEqualTo(14);
        assertThat(e.linkAddress()).isEqualTo(MAC_A.value());
        assertThat(e.macAddress()).isEqualTo(MAC_A);
        assertThatThrownBy(() -> options(l).ethernetHeader(true).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("address");
    }

    @Test
    void ethernetHeader_outboundWithoutDestinationOrHeadroomIsDroppedAndCounted() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l).ethernetHeader(true).address(MAC_A));
        assertThat(e.writePacket(outbound(udp4(5), 14))).isFalse();
        PacketBuffer tight = outbound(udp4(5), 13);
        tight.remoteLinkAddress(MAC_B.value());
        assertThat(e.writePacket(tight)).isFalse();
        LinkStatistics s = e.statistics();
        assertThat(s.drops(LinkDropReason.UNRESOLVED)).isEqualTo(1);
        assertThat(s.drops(LinkDropReason.NO_HEADROOM)).isEqualTo(1);
        assertThat(s.packetsOut()).isZero();
        assertThat(((PacketPipe.End) l.peerSide[0]).queued()).isZero();
    }

    // --- mtu -----------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void mtu_packetsUpToItPassAndLongerOnesAreDroppedBothWays(Transport t) throws Exception {
        LinkPair l = link(t, 1);
        PacketEndpoint e = endpoint(options(l).mtu(1280));
        RecordingDispatcher d = new RecordingDispatcher();
        e.attach(d);
        assertThat(e.mtu()).isEqualTo(1280);
        byte[] fits = udp4(1280 - 28);
        byte[] tooBig = udp4(1281 - 28);
        send(l.peerSide[0], tooBig);
        send(l.peerSide[0], fits);
        assertThat(d.next().bytes()).isEqualTo(fits);
        assertThat(e.statistics().drops(LinkDropReason.OVERSIZED)).isEqualTo(1);

        assertThat(e.writePacket(outbound(tooBig, 0))).isFalse();
        assertThat(e.writePacket(outbound(fits, 0))).isTrue();
        assertThat(receive(l.peerSide[0])).isEqualTo(fits);
        assertThat(e.statistics().drops(LinkDropReason.OVERSIZED)).isEqualTo(2);
    }

    @Test
    void mtu_inEthernetModeExcludesTheHeader() throws Exception {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l).mtu(576).ethernetHeader(true).address(MAC_A));
        RecordingDispatcher d = new RecordingDispatcher();
        e.attach(d);
        send(l.peerSide[0], ethernet(MAC_A, MAC_B, 0x0800, udp4(577 - 28)));
        send(l.peerSide[0], ethernet(MAC_A, MAC_B, 0x0800, udp4(576 - 28)));
        assertThat(d.next().bytes()).hasSize(576);
        assertThat(e.statistics().drops(LinkDropReason.OVERSIZED)).isEqualTo(1);
    }

    // --- closedCallback ------------------------------------------------------------------------

    @Test
    void closedCallback_peerClosingThePipeCallsItOnceWithEndOfStream() throws Exception {
        LinkPair l = link(Transport.PIPE, 2);
        List<Throwable> causes = new CopyOnWriteArrayList<>();
        PacketEndpoint e = endpoint(options(l).closedCallback(causes::add));
        e.attach(new RecordingDispatcher());
        l.peerSide[1].close();
        assertThat(e.awaitTermination(java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(causes).hasSize(1);
        assertThat(causes.get(0)).isInstanceOf(EOFException.class).hasMessageContaining("channel 1");
        assertThat(e.isClosed()).isTrue();
        assertThat(l.endpointSide[0].isOpen()).as("the other channel was closed too").isFalse();
    }

    @Test
    void closedCallback_udpPeerGoingAwayCallsItWithPortUnreachable() throws Exception {
        LinkPair l = link(Transport.UDP, 1);
        CompletableFuture<Throwable> cause = new CompletableFuture<>();
        PacketEndpoint e = endpoint(options(l).closedCallback(cause::complete));
        e.attach(new RecordingDispatcher());
        l.peerSide[0].close();
        // The kernel learns the peer is gone from the ICMP error our next datagram draws.
        for (int i = 0; i < 100 && !cause.isDone(); i++) {
            e.writePacket(outbound(udp4(1), 0));
            try {
                cause.get(100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException retry) {
                // not yet
            }
        }
        assertThat(cause.get(10, TimeUnit.SECONDS)).isInstanceOf(PortUnreachableException.class);
        assertThat(e.awaitTermination(java.time.Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void closedCallback_readFailureCallsItWithTheError() throws Exception {
        IOException boom = new IOException("device vanished");
        PacketChannel failing = new FailingChannel(boom);
        List<Throwable> causes = new CopyOnWriteArrayList<>();
        PacketEndpoint e = endpoint(PacketEndpointOptions.builder().channel(failing).closedCallback(causes::add));
        e.attach(new RecordingDispatcher());
        e.awaitTermination();
        assertThat(causes).containsExactly(boom);
        assertThat(failing.isOpen()).isFalse();
    }

    @Test
    void closedCallback_deliberateCloseDoesNotCallIt() throws Exception {
        LinkPair l = link(Transport.PIPE, 2);
        List<Throwable> causes = new CopyOnWriteArrayList<>();
        PacketEndpoint e = endpoint(options(l).closedCallback(causes::add));
        e.attach(new RecordingDispatcher());
        e.close();
        e.awaitTermination();
        // A peer close after the deliberate one changes nothing.
        l.peerSide[0].close();
        assertThat(causes).isEmpty();
        assertThat(e.isClosed()).isTrue();
        assertThat(l.endpointSide[0].isOpen()).isFalse();
        assertThat(l.endpointSide[1].isOpen()).isFalse();
    }

    // --- saveRestore, disconnectOk -----------------------------------------------------------------

    @Test
    void saveRestore_isReportedInCapabilities() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        assertThat(endpoint(options(l).saveRestore(true)).capabilities().saveRestore()).isTrue();
        assertThat(endpoint(options(l)).capabilities().saveRestore()).isFalse();
    }

    @Test
    void disconnectOk_isReportedInCapabilities() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        assertThat(endpoint(options(l).disconnectOk(true)).capabilities().disconnectOk()).isTrue();
        assertThat(endpoint(options(l)).capabilities().disconnectOk()).isFalse();
    }

    @Test
    void defaults_reportNoCapabilityButTheLinkKind() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        assertThat(endpoint(options(l)).capabilities()).isEqualTo(LinkCapabilities.NONE);
    }

    // --- txChecksumOffload ---------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void txChecksumOffload_partialChecksumsAreCompletedBeforeTheDevice(Transport t) throws Exception {
        LinkPair l = link(t, 1);
        PacketEndpoint e = endpoint(options(l).txChecksumOffload(true));
        assertThat(e.capabilities().txChecksumOffload()).isTrue();
        byte[] complete = udp4(101);
        byte[] partial = complete.clone();
        // What a stack with TX offload leaves: the pseudo-header sum, not complemented, in the field.
        Bytes.put16(partial, 26, Checksum.pseudoHeaderIpv4(v4(10, 0, 0, 1), v4(10, 0, 0, 2), 17, 8 + 101));
        PacketBuffer p = outbound(partial, 0);
        p.checksumPartial(p.start() + 20, 6);
        assertThat(e.writePacket(p)).isTrue();
        assertThat(receive(l.peerSide[0])).isEqualTo(complete);
        assertThat(p.checksumPartial()).as("mark cleared: the buffer now holds a complete checksum").isFalse();
    }

    @Test
    void txChecksumOffload_partialMarkOutsideThePacketIsDroppedAsMalformed() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l).txChecksumOffload(true));
        PacketBuffer p = outbound(udp4(4), 0);
        p.checksumPartial(p.start() + 20, 40);
        assertThat(e.writePacket(p)).isFalse();
        assertThat(e.statistics().drops(LinkDropReason.MALFORMED)).isEqualTo(1);
    }

    // --- rxChecksumOffload ---------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void rxChecksumOffload_marksInboundPacketsVerified(Transport t) throws Exception {
        LinkPair l = link(t, 2);
        PacketEndpoint with = endpoint(PacketEndpointOptions.builder().channel(l.endpointSide[0]).rxChecksumOffload(true));
        PacketEndpoint without = endpoint(PacketEndpointOptions.builder().channel(l.endpointSide[1]));
        RecordingDispatcher d1 = new RecordingDispatcher();
        RecordingDispatcher d2 = new RecordingDispatcher();
        with.attach(d1);
        without.attach(d2);
        send(l.peerSide[0], udp4(3));
        send(l.peerSide[1], udp4(3));
        assertThat(d1.next().checksumVerified()).isTrue();
        assertThat(d2.next().checksumVerified()).isFalse();
        assertThat(with.capabilities().rxChecksumOffload()).isTrue();
        assertThat(without.capabilities().rxChecksumOffload()).isFalse();
    }

    // --- softwareGso ----------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void softwareGso_superPacketsLeaveAsMtuSizedSegmentsInBothModes(Transport t) throws Exception {
        for (boolean eth : new boolean[] {false, true}) {
            LinkPair l = link(t, 1);
            PacketEndpointOptions.Builder o = options(l).softwareGso(true).mtu(1500);
            if (eth) {
                o.ethernetHeader(true).address(MAC_A);
            }
            PacketEndpoint e = endpoint(o);
            assertThat(e.capabilities().gsoKind()).isEqualTo(GsoKind.SOFTWARE);
            assertThat(e.capabilities().gsoMaxSize()).isEqualTo(65535);
            for (boolean v6 : new boolean[] {false, true}) {
                int mss = v6 ? 1440 : 1460;
                int payload = 30_000;
                byte[] superBytes = v6
                        ? TestPackets.ipv6Tcp(v6(1), v6(2), 1000, 2000, 77, 88, TestPackets.TCP_ACK | TestPackets.TCP_PSH, 500, new byte[0], TestPackets.payload(payload, 1))
                        : TestPackets.ipv4Tcp(v4(10, 0, 0, 1), v4(10, 0, 0, 2), 1000, 2000, 77, 88, TestPackets.TCP_ACK | TestPackets.TCP_PSH, 500, new byte[0], TestPackets.payload(payload, 1), 100);
                PacketBuffer p = outbound(superBytes, 14);
                p.gso(v6 ? PacketBuffer.GSO_TCPV6 : PacketBuffer.GSO_TCPV4, mss);
                p.remoteLinkAddress(MAC_B.value());
                long before = e.statistics().packetsOut();
                assertThat(e.writePacket(p)).isTrue();
                int segments = (payload + mss - 1) / mss;
                assertThat(e.statistics().packetsOut() - before).isEqualTo(segments);
                java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < segments; i++) {
                    byte[] got = receive(l.peerSide[0]);
                    if (eth) {
                        assertThat(java.util.Arrays.copyOf(got, 14)).isEqualTo(java.util.Arrays.copyOf(ethernet(MAC_B, MAC_A, v6 ? 0x86dd : 0x0800, new byte[0]), 14));
                        got = java.util.Arrays.copyOfRange(got, 14, got.length);
                    }
                    assertThat(got.length).isLessThanOrEqualTo(1500);
                    int tcpAt = v6 ? 40 : 20;
                    org.netstack4j.wire.TcpHeader tcp = org.netstack4j.wire.TcpHeader.parse(java.util.Arrays.copyOfRange(got, tcpAt, got.length));
                    assertThat(tcp.sequenceNumber()).isEqualTo(77 + i * mss);
                    assertThat(tcp.isPsh()).isEqualTo(i == segments - 1);
                    boolean ok = v6 ? tcp.verifyChecksum(Checksum.pseudoHeaderIpv6(got, 8, 24, 6, got.length - 40))
                            : tcp.verifyChecksumIpv4(v4(10, 0, 0, 1), v4(10, 0, 0, 2));
                    assertThat(ok).as("checksum of segment %d", i).isTrue();
                    data.write(got, tcpAt + 20, got.length - tcpAt - 20);
                }
                assertThat(data.toByteArray()).isEqualTo(TestPackets.payload(payload, 1));
                assertThat(p.toByteArray()).as("super-packet left as given").isEqualTo(superBytes);
            }
        }
    }

    @Test
    void softwareGso_offMeansSuperPacketsAreOversized() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l));
        assertThat(e.capabilities().gsoKind()).isEqualTo(GsoKind.NONE);
        PacketBuffer p = outbound(TestPackets.ipv4Tcp(1, 2, 3, 4, 5, 6, TestPackets.TCP_ACK, 7, new byte[0], new byte[5000], 1), 0);
        p.gso(PacketBuffer.GSO_TCPV4, 1000);
        assertThat(e.writePacket(p)).isFalse();
        assertThat(e.statistics().drops(LinkDropReason.OVERSIZED)).isEqualTo(1);
    }

    @Test
    void softwareGso_segmentsMustFitTheMtuAndHeadersMustParse() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l).softwareGso(true).mtu(1500));
        PacketBuffer tooBig = outbound(TestPackets.ipv4Tcp(1, 2, 3, 4, 5, 6, TestPackets.TCP_ACK, 7, new byte[0], new byte[5000], 1), 0);
        tooBig.gso(PacketBuffer.GSO_TCPV4, 1461);
        assertThat(e.writePacket(tooBig)).isFalse();
        assertThat(e.statistics().drops(LinkDropReason.OVERSIZED)).isEqualTo(1);
        PacketBuffer udp = outbound(TestPackets.ipv4Udp(1, 2, 3, 4, new byte[5000]), 0);
        udp.gso(PacketBuffer.GSO_TCPV4, 1000);
        assertThat(e.writePacket(udp)).isFalse();
        assertThat(e.statistics().drops(LinkDropReason.MALFORMED)).isEqualTo(1);
        assertThat(((PacketPipe.End) l.peerSide[0]).queued()).isZero();
    }

    @Test
    void softwareGso_superPacketsWithinTheMtuGoOutWhole() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l).softwareGso(true));
        byte[] small = TestPackets.ipv4Tcp(1, 2, 3, 4, 5, 6, TestPackets.TCP_ACK, 7, new byte[0], new byte[100], 1);
        PacketBuffer p = outbound(small, 0);
        p.gso(PacketBuffer.GSO_TCPV4, 1000);
        assertThat(e.writePacket(p)).isTrue();
        assertThat(receive(l.peerSide[0])).isEqualTo(small);
    }

    // --- attach / dispatcher -------------------------------------------------------------------

    @Test
    void attach_startsTheLoopsAndNullDetaches() throws Exception {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l));
        send(l.peerSide[0], udp4(1)); // waits in the pipe: no loop yet
        RecordingDispatcher d = new RecordingDispatcher();
        e.attach(d);
        assertThat(e.isAttached()).isTrue();
        assertThat(d.next().bytes()).isEqualTo(udp4(1));
        e.attach(null);
        assertThat(e.isAttached()).isFalse();
        send(l.peerSide[0], udp4(2));
        RecordingDispatcher d2 = new RecordingDispatcher();
        awaitDrops(e, LinkDropReason.NO_DISPATCHER, 1);
        e.attach(d2);
        send(l.peerSide[0], udp4(3));
        assertThat(d2.next().bytes()).isEqualTo(udp4(3));
        e.close();
        assertThatThrownBy(() -> e.attach(d)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void dispatcherThatThrowsCostsOnePacketNotTheLoop() throws Exception {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l));
        RecordingDispatcher good = new RecordingDispatcher();
        e.attach((ep, r, lo, proto, p) -> {
            if (p.length() == 29) {
                throw new IllegalStateException("dispatcher bug");
            }
            good.deliverNetworkPacket(ep, r, lo, proto, p);
        });
        send(l.peerSide[0], udp4(1));
        send(l.peerSide[0], udp4(2));
        assertThat(good.next().bytes()).isEqualTo(udp4(2));
        assertThat(e.statistics().drops(LinkDropReason.DISPATCHER_ERROR)).isEqualTo(1);
        assertThat(e.isClosed()).isFalse();
    }

    // --- counters ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void counters_countPacketsAndBytesBothWays(Transport t) throws Exception {
        LinkPair l = link(t, 2);
        PacketEndpoint e = endpoint(options(l).ethernetHeader(true).address(MAC_A));
        RecordingDispatcher d = new RecordingDispatcher();
        e.attach(d);
        for (int i = 0; i < 2; i++) {
            send(l.peerSide[i], ethernet(MAC_A, MAC_B, 0x0800, udp4(10)));
            d.next();
        }
        PacketBuffer[] out = new PacketBuffer[3];
        for (int i = 0; i < 3; i++) {
            out[i] = outbound(udp4(20 + i), 14);
            out[i].remoteLinkAddress(MAC_B.value());
        }
        assertThat(e.writePackets(out, 3)).isEqualTo(3);
        LinkStatistics s = e.statistics();
        assertThat(s.packetsIn()).isEqualTo(2);
        assertThat(s.bytesIn()).isEqualTo(2 * (14 + 38));
        assertThat(s.packetsOut()).isEqualTo(3);
        assertThat(s.bytesOut()).isEqualTo(3 * (14 + 48) + 0 + 1 + 2);
        assertThat(s.totalDrops()).isZero();
    }

    @Test
    void counters_fullChannelCountsChannelFullDrops() throws Exception {
        LinkPair l = LinkPair.open(Transport.PIPE, 1, 4, 2000);
        toClose.add(l);
        PacketEndpoint e = endpoint(options(l));
        PacketBuffer[] out = new PacketBuffer[10];
        for (int i = 0; i < out.length; i++) {
            out[i] = outbound(udp4(i), 0);
        }
        assertThat(e.writePackets(out, 10)).isEqualTo(4);
        assertThat(e.writePacket(out[0])).isFalse();
        LinkStatistics s = e.statistics();
        assertThat(s.packetsOut()).isEqualTo(4);
        assertThat(s.drops(LinkDropReason.CHANNEL_FULL)).isEqualTo(7);
    }

    @Test
    void counters_writesAfterCloseAreCountedClosed() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l));
        e.close();
        assertThat(e.writePackets(new PacketBuffer[] {outbound(udp4(1), 0), outbound(udp4(2), 0)}, 2)).isZero();
        assertThat(e.writeRawPacket(outbound(udp4(1), 0))).isFalse();
        assertThat(e.statistics().drops(LinkDropReason.CLOSED)).isEqualTo(3);
    }

    // --- raw writes ----------------------------------------------------------------------------

    @Test
    void writeRawPacket_sendsTheBytesUnframed() throws IOException {
        LinkPair l = link(Transport.PIPE, 1);
        PacketEndpoint e = endpoint(options(l).ethernetHeader(true).address(MAC_A));
        byte[] frame = ethernet(MAC_C, MAC_B, 0x0800, udp4(9));
        assertThat(e.writeRawPacket(outbound(frame, 0))).isTrue();
        assertThat(receive(l.peerSide[0])).isEqualTo(frame);
    }

    // --- two stacks ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Transport.class)
    void twoEndpointsJoinedByOneLinkExchangePacketsBothWays(Transport t) throws Exception {
        LinkPair l = link(t, 1);
        PacketEndpoint a = endpoint(PacketEndpointOptions.builder().channel(l.endpointSide[0]).ethernetHeader(true).address(MAC_A));
        PacketEndpoint b = endpoint(PacketEndpointOptions.builder().channel(l.peerSide[0]).ethernetHeader(true).address(MAC_B));
        RecordingDispatcher da = new RecordingDispatcher();
        RecordingDispatcher db = new RecordingDispatcher();
        a.attach(da);
        // b echoes every packet back to its sender, as a stack answering would
        b.attach((ep, remote, local, proto, p) -> {
            byte[] bytes = p.toByteArray();
            p.remoteLinkAddress(remote);
            p.localLinkAddress(PacketBuffer.NO_LINK_ADDRESS);
            ep.writePacket(p);
            p.release();
            // recorded after the write, so that the counters include it when the test looks
            db.deliveries.add(new RecordingDispatcher.Delivery(ep, remote, local, proto, bytes, null, false, ""));
        });
        for (int i = 0; i < 100; i++) {
            PacketBuffer p = outbound(i % 2 == 0 ? udp4(i) : udp6(i), 14);
            p.remoteLinkAddress(MAC_B.value());
            assertThat(a.writePacket(p)).isTrue();
            RecordingDispatcher.Delivery atB = db.next();
            assertThat(atB.remote()).isEqualTo(MAC_A.value());
            RecordingDispatcher.Delivery back = da.next();
            assertThat(back.bytes()).isEqualTo(i % 2 == 0 ? udp4(i) : udp6(i));
            assertThat(back.remote()).isEqualTo(MAC_B.value());
            assertThat(back.local()).isEqualTo(MAC_A.value());
        }
        assertThat(a.statistics().packetsIn()).isEqualTo(100);
        assertThat(b.statistics().packetsOut()).isEqualTo(100);
    }

    /** Waits (bounded) until {@code n} inbound packets were delivered or dropped. */
    static void awaitAccounted(LinkEndpoint e, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (;;) {
            LinkStatistics s = e.statistics();
            long inbound = s.packetsIn() + s.totalDrops();
            if (inbound >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + inbound + " of " + n + " inbound packets accounted for: " + s);
            }
            Thread.sleep(1);
        }
    }

    static void awaitDrops(LinkEndpoint e, LinkDropReason reason, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (e.statistics().drops(reason) < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " drops for " + reason + ", have " + e.statistics().drops(reason));
            }
            Thread.sleep(1);
        }
    }

    /** A channel whose reads fail at once. */
    static final class FailingChannel implements PacketChannel {
        private final IOException failure;
        private volatile boolean open = true;

        FailingChannel(IOException failure) {
            this.failure = failure;
        }

        @Override
        public int read(PacketBuffer buffer) throws IOException {
            throw failure;
        }

        @Override
        public void write(PacketBuffer packet) {
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
