package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.link.PacketEndpointTest.MAC_A;
import static org.netstack4j.link.PacketEndpointTest.MAC_B;
import static org.netstack4j.link.PacketEndpointTest.ethernet;
import static org.netstack4j.link.PacketEndpointTest.send;
import static org.netstack4j.link.TestPackets.v4;
import static org.netstack4j.link.TestPackets.v6;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.testing.TShark;

/**
 * The sniffer's capture opens in tshark, and tshark decodes the packets the test sent, field by field,
 * with valid checksums, in both directions and in both link modes.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SnifferTsharkTest {
    private static final String[] FIELDS = {"frame.len", "eth.src", "eth.dst", "ip.src", "ip.dst", "ipv6.src",
            "ipv6.dst", "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport", "udp.checksum.status",
            "tcp.checksum.status", "ip.checksum.status", "_ws.malformed", "tcp.seq_raw"};

    @BeforeAll
    static void requireTshark() {
        TShark.assumeAvailable();
    }

    /** One packet the test sends, and what tshark must say about it. */
    record Sent(boolean inbound, byte[] ip, String src, String dst, String proto, int sport, int dport) {
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void tsharkDecodesWhatWasSentBothWays(boolean ethernetMode, @TempDir Path dir) throws Exception {
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            boolean inbound = i % 2 == 0;
            byte[] ip;
            Sent s;
            switch (i % 4) {
                case 0 -> {
                    ip = TestPackets.ipv4Udp(v4(192, 0, 2, 1), v4(198, 51, 100, i), 5000 + i, 47000, TestPackets.payload(10 + i, i));
                    s = new Sent(inbound, ip, "192.0.2.1", "198.51.100." + i, "udp", 5000 + i, 47000);
                }
                case 1 -> {
                    ip = TestPackets.ipv6Udp(v6(1), v6(i), 6000 + i, 47001, TestPackets.payload(100 + i, i));
                    s = new Sent(inbound, ip, "2001:db8::1", "2001:db8::" + Integer.toHexString(i), "udp", 6000 + i, 47001);
                }
                case 2 -> {
                    ip = TestPackets.ipv4Tcp(v4(10, 1, 2, 3), v4(10, 3, 2, 1), 40000 + i, 47002, 1000L * i, 7, TestPackets.TCP_ACK,
                            65535, new byte[0], TestPackets.payload(200, i), i);
                    s = new Sent(inbound, ip, "10.1.2.3", "10.3.2.1", "tcp", 40000 + i, 47002);
                }
                default -> {
                    ip = TestPackets.ipv6Tcp(v6(7), v6(8), 50000 + i, 47003, 99L * i, 5, TestPackets.TCP_ACK | TestPackets.TCP_PSH,
                            1024, new byte[0], TestPackets.payload(33, i));
                    s = new Sent(inbound, ip, "2001:db8::7", "2001:db8::8", "tcp", 50000 + i, 47003);
                }
            }
            sent.add(s);
        }

        Path capture = dir.resolve(ethernetMode ? "ethernet.pcap" : "raw.pcap");
        List<byte[]> wire = new ArrayList<>();
        try (LinkPair l = LinkPair.open(LinkPair.Transport.PIPE, 1);
             OutputStream file = new BufferedOutputStream(Files.newOutputStream(capture))) {
            PacketEndpointOptions.Builder o = PacketEndpointOptions.builder().channel(l.endpointSide[0]);
            if (ethernetMode) {
                o.ethernetHeader(true).address(MAC_A);
            }
            SnifferEndpoint sniffer = new SnifferEndpoint(PacketEndpoint.create(o.build()), file);
            RecordingDispatcher d = new RecordingDispatcher();
            sniffer.attach(d);
            for (Sent s : sent) {
                if (s.inbound()) {
                    byte[] bytes = ethernetMode ? ethernet(MAC_A, MAC_B, s.ip()[0] >>> 4 == 4 ? 0x0800 : 0x86dd, s.ip()) : s.ip();
                    send(l.peerSide[0], bytes);
                    d.next(); // one at a time keeps the capture in the order sent
                } else {
                    PacketBuffer p = PacketBuffer.copyOf(s.ip(), 14);
                    p.remoteLinkAddress(MAC_B.value());
                    assertThat(sniffer.writePacket(p)).isTrue();
                    wire.add(PacketEndpointTest.receive(l.peerSide[0]));
                }
            }
            sniffer.close();
            sniffer.awaitTermination();
            sniffer.flush();
        }

        List<String[]> rows = new ArrayList<>();
        for (Map<String, String> frame : TShark.read(capture).preference("udp.check_checksum", "TRUE")
                .preference("tcp.check_checksum", "TRUE").preference("ip.check_checksum", "TRUE").fields(FIELDS)) {
            // The outermost header's value of each field, in FIELDS order.
            String[] row = new String[FIELDS.length];
            for (int f = 0; f < FIELDS.length; f++) {
                row[f] = TShark.first(frame.get(FIELDS[f]));
            }
            rows.add(row);
        }
        assertThat(rows).hasSize(sent.size());
        int outIndex = 0;
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            Sent s = sent.get(i);
            boolean v4 = s.src().indexOf(':') < 0;
            assertThat(Integer.parseInt(r[0])).as("frame.len of %d", i).isEqualTo(s.ip().length + (ethernetMode ? 14 : 0));
            if (ethernetMode) {
                assertThat(r[1]).isEqualTo(s.inbound() ? MAC_B.toString() : MAC_A.toString());
                assertThat(r[2]).isEqualTo(s.inbound() ? MAC_A.toString() : MAC_B.toString());
            }
            assertThat(v4 ? r[3] : r[5]).as("source of %d", i).isEqualTo(s.src());
            assertThat(v4 ? r[4] : r[6]).as("destination of %d", i).isEqualTo(s.dst());
            int ports = s.proto().equals("udp") ? 7 : 9;
            assertThat(r[ports]).isEqualTo(Integer.toString(s.sport()));
            assertThat(r[ports + 1]).isEqualTo(Integer.toString(s.dport()));
            assertThat(s.proto().equals("udp") ? r[11] : r[12]).as("checksum of %d (1 = good)", i).isEqualTo("1");
            if (v4) {
                assertThat(r[13]).as("IPv4 header checksum of %d", i).isEqualTo("1");
            }
            // (_ws.malformed is not asserted: application dissectors chosen by port judge the test payloads)
            if (s.proto().equals("tcp")) {
                assertThat(Long.parseLong(r[15])).as("TCP sequence number of %d", i).isEqualTo(org.netstack4j.wire.Bytes.u32(s.ip(), (v4 ? 20 : 40) + 4));
            }
            if (!s.inbound()) {
                byte[] onWire = wire.get(outIndex++);
                assertThat(onWire.length).isEqualTo(Integer.parseInt(r[0]));
            }
        }
    }
}
