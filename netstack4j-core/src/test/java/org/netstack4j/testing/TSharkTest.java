package org.netstack4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class TSharkTest {
    static final List<String> CAPTURES = Captures.NAMES;

    @BeforeAll
    static void needsTShark() {
        TShark.assumeAvailable();
    }

    @Test
    void reportsItsVersion() {
        assertThat(TShark.available()).isTrue();
        assertThat(TShark.version()).containsIgnoringCase("tshark");
    }

    @Test
    void decodesOneRowPerFrameWithEveryRequestedField() {
        List<Map<String, String>> rows = TShark.read(Captures.path("arp.pcap"))
                .fields("frame.number", "eth.src", "eth.dst", "arp.opcode", "arp.src.proto_ipv4", "arp.dst.proto_ipv4",
                        "ip.src");

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsExactly(
                Map.entry("frame.number", "1"),
                Map.entry("eth.src", "02:4e:53:34:4a:0a"),
                Map.entry("eth.dst", "ff:ff:ff:ff:ff:ff"),
                Map.entry("arp.opcode", "1"),
                Map.entry("arp.src.proto_ipv4", "198.18.0.1"),
                Map.entry("arp.dst.proto_ipv4", "198.18.0.2"),
                Map.entry("ip.src", ""));
        assertThat(rows.get(1)).containsEntry("arp.opcode", "2").containsEntry("eth.src", "02:4e:53:34:4a:0b");
    }

    @Test
    void joinsRepeatedOccurrencesWithCommas() {
        // Frame 9 is an ICMP port unreachable: its quoted datagram has a second IPv4 header.
        List<Map<String, String>> rows = TShark.read(Captures.path("udp-ipv4.pcap"))
                .displayFilter("icmp")
                .fields("ip.src", "ip.dst", "icmp.type", "icmp.code");

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("ip.src")).isEqualTo("198.18.0.2,198.18.0.1");
        assertThat(TShark.occurrences(rows.get(0).get("ip.dst"))).containsExactly("198.18.0.1", "198.18.0.2");
        assertThat(TShark.first(rows.get(0).get("ip.src"))).isEqualTo("198.18.0.2");
        assertThat(rows.get(0)).containsEntry("icmp.type", "3").containsEntry("icmp.code", "3");
    }

    @Test
    void passesPreferences() {
        Path fragmented = Captures.path("icmpv4-fragmented.pcap");

        List<Map<String, String>> perFrame = TShark.read(fragmented)
                .preference("ip.defragment", "FALSE").fields("frame.number", "icmp.type");
        List<Map<String, String>> reassembled = TShark.read(fragmented)
                .preference("ip.defragment", "TRUE").fields("frame.number", "icmp.type");

        // Without reassembly the ICMP header is decoded in the first fragment; with it, in the last.
        assertThat(perFrame).extracting(r -> r.get("icmp.type")).containsExactly("8", "", "", "0", "", "");
        assertThat(reassembled).extracting(r -> r.get("icmp.type")).containsExactly("", "", "8", "", "", "0");
    }

    @Test
    void singleFieldQueriesKeepFramesWithoutTheField() {
        List<Map<String, String>> rows = TShark.read(Captures.path("icmpv4-fragmented.pcap"))
                .preference("ip.defragment", "FALSE").fields("icmp.ident");

        assertThat(rows).hasSize(6);
        assertThat(rows.get(1).get("icmp.ident")).isEmpty();
    }

    @Test
    void emptySelectionGivesNoRows() {
        assertThat(TShark.read(Captures.path("arp.pcap")).displayFilter("tcp").fields("frame.number")).isEmpty();
    }

    @Test
    void failsLoudlyOnAMissingFileOrAnUnknownField() {
        assertThatThrownBy(() -> TShark.read(Path.of("does-not-exist.pcap")).fields("frame.number"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exited with");
        assertThatThrownBy(() -> TShark.read(Captures.path("arp.pcap")).fields("no.such.field"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exited with");
    }

    @Test
    void splitsOccurrences() {
        assertThat(TShark.occurrences("")).isEmpty();
        assertThat(TShark.occurrences("1")).containsExactly("1");
        assertThat(TShark.occurrences("1,,3")).containsExactly("1", "", "3");
        assertThat(TShark.first("")).isEmpty();
        assertThat(TShark.first("a,b")).isEqualTo("a");
    }

    /** PcapReader and tshark read the same frames, lengths and timestamps from every committed capture. */
    @ParameterizedTest
    @FieldSource("CAPTURES")
    void pcapReaderAgreesWithTShark(String name) {
        PcapReader.Capture capture = Captures.read(name);
        List<Map<String, String>> rows = TShark.read(Captures.path(name))
                .fields("frame.number", "frame.len", "frame.cap_len", "frame.time_epoch");

        assertThat(capture.frames()).hasSameSizeAs(rows).isNotEmpty();
        for (int i = 0; i < rows.size(); i++) {
            PcapReader.Frame frame = capture.frames().get(i);
            Map<String, String> row = rows.get(i);
            assertThat(row.get("frame.number")).isEqualTo(Integer.toString(frame.number()));
            assertThat(row.get("frame.len")).isEqualTo(Integer.toString(frame.originalLength()));
            assertThat(row.get("frame.cap_len")).isEqualTo(Integer.toString(frame.capturedLength()));
            assertThat(row.get("frame.time_epoch"))
                    .isEqualTo(String.format("%d.%09d", frame.timestampSeconds(), frame.timestampNanos()));
        }
    }
}
