package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.link.PacketEndpointTest.MAC_A;
import static org.netstack4j.link.PacketEndpointTest.MAC_B;
import static org.netstack4j.link.PacketEndpointTest.ethernet;
import static org.netstack4j.link.PacketEndpointTest.receive;
import static org.netstack4j.link.PacketEndpointTest.send;
import static org.netstack4j.link.PacketEndpointTest.udp4;
import static org.netstack4j.link.PacketEndpointTest.udp6;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.LinkPair.Transport;
import org.netstack4j.testing.PcapReader;
import org.netstack4j.testing.PcapReader.Capture;
import org.netstack4j.testing.PcapReader.Frame;
import org.netstack4j.time.ManualClock;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SnifferEndpointTest {

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ipModeRecordsBothDirectionsAsRawIp(Transport t) throws Exception {
        try (LinkPair l = LinkPair.open(t, 1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PacketEndpoint inner = PacketEndpoint.create(PacketEndpointOptions.builder().channel(l.endpointSide[0]).build());
            SnifferEndpoint s = new SnifferEndpoint(inner, out);
            assertThat(s.linkType()).isEqualTo(PcapWriter.LINKTYPE_RAW);
            RecordingDispatcher d = new RecordingDispatcher();
            s.attach(d);
            send(l.peerSide[0], udp4(10));
            RecordingDispatcher.Delivery got = d.next();
            assertThat(got.endpoint()).as("the stack sees the wrapper").isSameAs(s);
            assertThat(s.writePacket(PacketBuffer.copyOf(udp6(20), 0))).isTrue();
            assertThat(receive(l.peerSide[0])).isEqualTo(udp6(20));
            s.close();
            s.awaitTermination();
            s.flush();
            Capture pcap = readPcap(out);
            assertThat(pcap.linkType()).isEqualTo(101);
            assertThat(pcap.frames()).hasSize(2);
            assertThat(pcap.frames().get(0).data()).isEqualTo(udp4(10));
            assertThat(pcap.frames().get(1).data()).isEqualTo(udp6(20));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ethernetModeRecordsWholeFramesBothWays(Transport t) throws Exception {
        try (LinkPair l = LinkPair.open(t, 1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PacketEndpoint inner = PacketEndpoint.create(PacketEndpointOptions.builder().channel(l.endpointSide[0])
                    .ethernetHeader(true).address(MAC_A).build());
            SnifferEndpoint s = new SnifferEndpoint(inner, out);
            assertThat(s.linkType()).isEqualTo(PcapWriter.LINKTYPE_ETHERNET);
            RecordingDispatcher d = new RecordingDispatcher();
            s.attach(d);
            byte[] in = ethernet(MAC_A, MAC_B, 0x0800, udp4(10));
            send(l.peerSide[0], in);
            d.next();
            PacketBuffer p = PacketBuffer.copyOf(udp6(3), 14);
            p.remoteLinkAddress(MAC_B.value());
            assertThat(s.writePacket(p)).isTrue();
            byte[] onWire = receive(l.peerSide[0]);
            s.close();
            s.awaitTermination();
            Capture pcap = readPcap(out);
            assertThat(pcap.linkType()).isEqualTo(1);
            assertThat(pcap.frames()).extracting(Frame::data).containsExactly(in, onWire);
        }
    }

    @Test
    void snapLengthCutsRecordsButKeepsTheOriginalLength() throws Exception {
        try (LinkPair l = LinkPair.open(Transport.PIPE, 1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SnifferEndpoint s = new SnifferEndpoint(
                    PacketEndpoint.create(PacketEndpointOptions.builder().channel(l.endpointSide[0]).build()),
                    out, 64, new ManualClock());
            s.writePacket(PacketBuffer.copyOf(udp4(500), 0));
            s.writePacket(PacketBuffer.copyOf(udp4(5), 0));
            s.close();
            Capture pcap = readPcap(out);
            assertThat(pcap.snapLength()).isEqualTo(64);
            assertThat(pcap.frames().get(0).data()).isEqualTo(Arrays.copyOf(udp4(500), 64));
            assertThat(pcap.frames().get(0).originalLength()).isEqualTo(528);
            assertThat(pcap.frames().get(1).data()).isEqualTo(udp4(5));
        }
    }

    @Test
    void captureCanBeSwitchedOffAndOnAtRunTime() throws Exception {
        try (LinkPair l = LinkPair.open(Transport.PIPE, 1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SnifferEndpoint s = new SnifferEndpoint(
                    PacketEndpoint.create(PacketEndpointOptions.builder().channel(l.endpointSide[0]).build()), out);
            RecordingDispatcher d = new RecordingDispatcher();
            s.attach(d);
            s.writePacket(PacketBuffer.copyOf(udp4(1), 0));
            s.capturing(false);
            assertThat(s.capturing()).isFalse();
            s.writePacket(PacketBuffer.copyOf(udp4(2), 0));
            send(l.peerSide[0], udp4(3));
            d.next();
            s.capturing(true);
            s.writePacket(PacketBuffer.copyOf(udp4(4), 0));
            send(l.peerSide[0], udp4(5));
            d.next();
            s.close();
            s.awaitTermination();
            assertThat(readPcap(out).frames()).extracting(Frame::data)
                    .containsExactly(udp4(1), udp4(4), udp4(5));
        }
    }

    @Test
    void timestampsFollowTheInjectedClockFromTheWallClockAtStart() throws Exception {
        try (LinkPair l = LinkPair.open(Transport.PIPE, 1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ManualClock clock = new ManualClock();
            long before = System.currentTimeMillis() * 1000;
            SnifferEndpoint s = new SnifferEndpoint(
                    PacketEndpoint.create(PacketEndpointOptions.builder().channel(l.endpointSide[0]).build()),
                    out, PcapWriter.DEFAULT_SNAP_LENGTH, clock);
            long after = System.currentTimeMillis() * 1000;
            s.writePacket(PacketBuffer.copyOf(udp4(1), 0));
            clock.advanceNanos(1_500_000_123L);
            s.writePacket(PacketBuffer.copyOf(udp4(2), 0));
            s.close();
            Capture pcap = readPcap(out);
            long t0 = epochMicros(pcap.frames().get(0));
            assertThat(t0).isBetween(before, after);
            assertThat(epochMicros(pcap.frames().get(1)) - t0).isEqualTo(1_500_000);
        }
    }

    @Test
    void failingCaptureStreamSwitchesCaptureOffAndTrafficFlowsOn() throws Exception {
        try (LinkPair l = LinkPair.open(Transport.PIPE, 1)) {
            FailAfterHeader out = new FailAfterHeader();
            SnifferEndpoint s = new SnifferEndpoint(
                    PacketEndpoint.create(PacketEndpointOptions.builder().channel(l.endpointSide[0]).build()), out);
            assertThat(s.writePacket(PacketBuffer.copyOf(udp4(1), 0))).isTrue();
            assertThat(s.writePacket(PacketBuffer.copyOf(udp4(2), 0))).isTrue();
            assertThat(receive(l.peerSide[0])).isEqualTo(udp4(1));
            assertThat(receive(l.peerSide[0])).isEqualTo(udp4(2));
            assertThat(s.captureErrors()).isEqualTo(1);
            assertThat(s.capturing()).isFalse();
            assertThat(s.statistics().packetsOut()).isEqualTo(2);
            s.close();
        }
    }

    /** Accepts the pcap file header, then fails every write. */
    static final class FailAfterHeader extends OutputStream {
        private int written;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written >= 24) {
                throw new IOException("disk full");
            }
            written += len;
        }
    }

    /** The capture the sniffer wrote: classic pcap 2.4 with microsecond timestamps, as the sniffer promises. */
    static Capture readPcap(ByteArrayOutputStream out) throws IOException {
        Capture pcap = PcapReader.read(out.toByteArray());
        assertThat(pcap.nanosecondTimestamps()).as("microsecond magic").isFalse();
        assertThat(pcap.versionMajor() + "." + pcap.versionMinor()).isEqualTo("2.4");
        return pcap;
    }

    private static long epochMicros(Frame frame) {
        return frame.timestampSeconds() * 1_000_000 + frame.timestampNanos() / 1000;
    }
}
