package org.netstack4j.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.netstack4j.testing.Captures;
import org.netstack4j.testing.TShark;

/**
 * The oracle itself is sound: tshark decodes every committed capture without a malformed packet or an
 * expert error, verifies every checksum it can as good (with validation switched on), and each capture
 * holds the packets it was made for. The wire-view oracle tests rely on all three.
 */
class CaptureOracleSoundnessTest {
    /** tshark's PI_ERROR severity; chats, notes and warnings (a TCP RST is a warning) are fine. */
    private static final long EXPERT_ERROR = 0x0080_0000L;
    private static final String[] FIELDS = {
            "frame.number", "_ws.malformed", "_ws.expert.severity", "_ws.expert.message",
            "eth.type", "arp.opcode",
            "ip.checksum.status", "ip.flags.mf", "ip.frag_offset", "ip.opt.type",
            "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.hopopts.nxt", "ipv6.src",
            "icmp.type", "icmp.code", "icmp.checksum.status",
            "icmpv6.type", "icmpv6.code", "icmpv6.checksum.status", "icmpv6.opt.type",
            "udp.length", "udp.checksum.status",
            "tcp.flags.syn", "tcp.flags.fin", "tcp.flags.reset", "tcp.len", "tcp.checksum.status",
            "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.sack_perm", "tcp.options.timestamp.tsval"};
    private static final List<String> CHECKSUM_STATUS_FIELDS = List.of(
            "ip.checksum.status", "icmp.checksum.status", "icmpv6.checksum.status", "udp.checksum.status",
            "tcp.checksum.status");
    /** tshark's checksum status values (proto_checksum_enum_e). */
    private static final String GOOD = "1";
    private static final String UNVERIFIED = "2";

    static final List<String> CAPTURES = Captures.NAMES;

    /** What a capture was made to contain: frame count and kinds of packet that must be present. */
    private record Expectation(int frames, Map<String, Predicate<Map<String, String>>> mustContain) {
    }

    private static final Map<String, Expectation> EXPECTED = Map.ofEntries(
            Map.entry("arp.pcap", new Expectation(2, Map.of(
                    "ARP request", f -> has(f, "arp.opcode", "1"),
                    "ARP reply", f -> has(f, "arp.opcode", "2")))),
            Map.entry("icmpv4-echo.pcap", new Expectation(10, Map.of(
                    "echo request", f -> has(f, "icmp.type", "8"),
                    "echo reply", f -> has(f, "icmp.type", "0")))),
            Map.entry("ipv4-options.pcap", new Expectation(4, Map.of(
                    "record route option", f -> has(f, "ip.opt.type", "7"),
                    "timestamp option", f -> has(f, "ip.opt.type", "68")))),
            Map.entry("icmpv4-fragmented.pcap", new Expectation(6, Map.of(
                    "first fragment with the ICMP header", f -> has(f, "ip.flags.mf", "1") && has(f, "icmp.type", "8"),
                    "last fragment", f -> has(f, "ip.flags.mf", "0") && !has(f, "ip.frag_offset", "0")))),
            Map.entry("icmpv6-echo-ndp.pcap", new Expectation(16, Map.of(
                    "NS with source link-layer option", f -> has(f, "icmpv6.type", "135") && has(f, "icmpv6.opt.type", "1"),
                    "NA with target link-layer option", f -> has(f, "icmpv6.type", "136") && has(f, "icmpv6.opt.type", "2"),
                    "echo request", f -> has(f, "icmpv6.type", "128"),
                    "echo reply", f -> has(f, "icmpv6.type", "129")))),
            Map.entry("icmpv6-fragmented.pcap", new Expectation(6, Map.of(
                    "first fragment with the ICMPv6 header", f -> has(f, "ipv6.fraghdr.more", "1") && has(f, "icmpv6.type", "128"),
                    "last fragment", f -> has(f, "ipv6.fraghdr.more", "0") && !f.get("ipv6.fraghdr.offset").isEmpty()))),
            Map.entry("udp-ipv4.pcap", new Expectation(9, Map.of(
                    "one-byte datagram", f -> has(f, "udp.length", "9"),
                    "first fragment of a 3000-byte datagram", f -> has(f, "udp.length", "3008") && has(f, "ip.flags.mf", "1"),
                    "port unreachable", f -> has(f, "icmp.type", "3") && has(f, "icmp.code", "3")))),
            Map.entry("udp-ipv6.pcap", new Expectation(9, Map.of(
                    "one-byte datagram", f -> has(f, "udp.length", "9"),
                    "first fragment of a 3000-byte datagram", f -> has(f, "udp.length", "3008") && has(f, "ipv6.fraghdr.more", "1"),
                    "port unreachable", f -> has(f, "icmpv6.type", "1") && has(f, "icmpv6.code", "4")))),
            Map.entry("tcp-ipv4.pcap", tcpExpectation()),
            Map.entry("tcp-ipv6.pcap", tcpExpectation()),
            Map.entry("ipv6-mld-dad.pcap", new Expectation(3, Map.of(
                    "MLDv2 report behind a hop-by-hop header", f -> has(f, "ipv6.hopopts.nxt", "58") && has(f, "icmpv6.type", "143"),
                    "DAD solicitation from ::", f -> has(f, "icmpv6.type", "135") && has(f, "ipv6.src", "::")))));

    private static Expectation tcpExpectation() {
        return new Expectation(16, Map.of(
                "SYN with MSS, window scale, SACK permitted and timestamps", f -> has(f, "tcp.flags.syn", "1")
                        && !f.get("tcp.options.mss_val").isEmpty() && !f.get("tcp.options.wscale.shift").isEmpty()
                        && !f.get("tcp.options.sack_perm").isEmpty() && !f.get("tcp.options.timestamp.tsval").isEmpty(),
                "a full-sized data segment", f -> Integer.parseInt(orZero(f.get("tcp.len"))) > 1000,
                "FIN", f -> has(f, "tcp.flags.fin", "1"),
                "RST", f -> has(f, "tcp.flags.reset", "1")));
    }

    @BeforeAll
    static void needsTShark() {
        TShark.assumeAvailable();
    }

    @Test
    void everyCommittedCaptureHasAnExpectation() {
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(Captures.NAMES);
    }

    @ParameterizedTest
    @FieldSource("CAPTURES")
    void decodesCleanlyWithGoodChecksumsAndExpectedContent(String name) {
        assertSound(name, Captures.path(name), true);
    }

    /**
     * Checks the capture at {@code pcap}, made as {@code name}: no malformed packet, no expert error, only
     * good checksums, the packets it was made for, and (when {@code exactFrameCount}) the committed
     * number of frames. A regenerated capture may differ in the number of ACKs, so that is optional.
     */
    static void assertSound(String name, Path pcap, boolean exactFrameCount) {
        List<Map<String, String>> frames = TShark.read(pcap)
                .preference("ip.defragment", "FALSE")
                .preference("ipv6.defragment", "FALSE")
                .preference("ip.check_checksum", "TRUE")
                .preference("udp.check_checksum", "TRUE")
                .preference("tcp.check_checksum", "TRUE")
                .fields(FIELDS);
        Expectation expected = EXPECTED.get(name);

        if (exactFrameCount) {
            assertThat(frames).as(name + " frame count").hasSize(expected.frames());
        }
        for (Map<String, String> f : frames) {
            String where = name + " frame " + f.get("frame.number");
            assertThat(f.get("_ws.malformed")).as(where + " malformed").isEmpty();
            for (String severity : TShark.occurrences(f.get("_ws.expert.severity"))) {
                assertThat(Long.parseLong(severity)).as(where + " expert info " + f.get("_ws.expert.message"))
                        .isLessThan(EXPERT_ERROR);
            }
            boolean fragment = has(f, "ip.flags.mf", "1") || !f.get("ipv6.fraghdr.offset").isEmpty();
            for (String field : CHECKSUM_STATUS_FIELDS) {
                for (String status : TShark.occurrences(f.get(field))) {
                    // A first fragment's transport checksum covers bytes in later frames: unverifiable here.
                    boolean acceptable = GOOD.equals(status) || (fragment && UNVERIFIED.equals(status)
                            && !field.equals("ip.checksum.status"));
                    assertThat(acceptable).as(where + " " + field + " = " + status).isTrue();
                }
            }
            if (f.get("eth.type").equals("0x0800")) {
                assertThat(TShark.first(f.get("ip.checksum.status"))).as(where + " IPv4 header checksum").isEqualTo(GOOD);
            }
        }
        expected.mustContain().forEach((what, predicate) ->
                assertThat(frames).as(name + " contains " + what).anyMatch(predicate));
    }

    private static boolean has(Map<String, String> frame, String field, String value) {
        return TShark.occurrences(frame.get(field)).contains(value);
    }

    private static String orZero(String s) {
        return s == null || s.isEmpty() ? "0" : TShark.first(s);
    }
}
