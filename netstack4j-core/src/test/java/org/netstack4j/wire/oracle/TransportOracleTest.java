package org.netstack4j.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.oracle.WireOracle.number;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.netstack4j.testing.CaptureOracle.OracleFrame;
import org.netstack4j.testing.Captures;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpOptions;
import org.netstack4j.wire.UdpHeader;

/**
 * {@link UdpHeader}, {@link TcpHeader} and {@link TcpOptions} against tshark on every captured segment
 * and datagram. A datagram that arrived in fragments is compared after the test reassembles it: its
 * first fragment alone is (rightly) rejected, because its Length field runs past the fragment.
 */
class TransportOracleTest extends OracleTestBase {
    /** tshark's udp.* and tcp.* of an ICMP error describe the quoted datagram, not this frame's transport. */
    private static boolean isIcmp(OracleFrame f) {
        return f.has("icmp.type") || f.has("icmpv6.type");
    }

    @ParameterizedTest
    @MethodSource("frames")
    void udpHeaderMatchesTShark(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        boolean udp = d.transportProtocol() == UdpHeader.PROTOCOL;
        assertThat(udp).as(f.where() + " carries a UDP header").isEqualTo(f.has("udp.srcport") && !isIcmp(f));
        if (!udp) {
            return;
        }
        UdpHeader header = new UdpHeader();
        ParseResult result = header.wrap(d.data, d.transportOffset(), d.transportLength());
        if (d.isFragment()) {
            assertThat(result).as(f.where() + " first fragment alone").isEqualTo(ParseResult.UDP_BAD_LENGTH);
            return;
        }
        assertThat(result).as(f.where() + " wrap").isEqualTo(ParseResult.OK);
        assertUdpHeader(f, header);
    }

    @Test
    void reassembledUdpDatagramsMatchTSharkOnTheirFirstFragment() {
        int compared = 0;
        for (String capture : Captures.NAMES) {
            for (FragmentReassembly.Datagram datagram : FragmentReassembly.reassemble(WireOracle.frames(capture))) {
                if (datagram.protocol() != UdpHeader.PROTOCOL) {
                    continue;
                }
                UdpHeader header = new UdpHeader();
                assertThat(header.wrap(datagram.message(), 0, datagram.message().length)).isEqualTo(ParseResult.OK);
                assertUdpHeader(datagram.first().frame, header);
                assertThat(header.length()).isEqualTo(datagram.message().length);
                compared++;
            }
        }
        assertThat(compared).as("fragmented UDP datagrams (IPv4 and IPv6)").isEqualTo(2);
    }

    /** Compares {@code udp} with tshark's first occurrence of the udp.* fields. */
    static void assertUdpHeader(OracleFrame f, UdpHeader udp) {
        String w = f.where() + " ";
        assertThat(udp.sourcePort()).as(w + "udp.srcport").isEqualTo(number(f.first("udp.srcport")));
        assertThat(udp.destinationPort()).as(w + "udp.dstport").isEqualTo(number(f.first("udp.dstport")));
        assertThat(udp.length()).as(w + "udp.length").isEqualTo(number(f.first("udp.length")));
        assertThat(udp.checksum()).as(w + "udp.checksum").isEqualTo(number(f.first("udp.checksum")));
        assertThat(udp.payloadLength()).isEqualTo(udp.length() - UdpHeader.LENGTH);
        assertThat(udp.payloadOffset()).isEqualTo(udp.offset() + UdpHeader.LENGTH);
    }

    @ParameterizedTest
    @MethodSource("frames")
    void tcpHeaderAndOptionsMatchTShark(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        boolean tcp = d.transportProtocol() == TcpHeader.PROTOCOL;
        assertThat(tcp).as(f.where() + " carries a TCP header").isEqualTo(f.has("tcp.srcport") && !isIcmp(f));
        if (!tcp) {
            return;
        }
        String w = f.where() + " ";
        TcpHeader h = new TcpHeader();
        assertThat(h.wrap(d.data, d.transportOffset(), d.transportLength())).as(w + "wrap").isEqualTo(ParseResult.OK);

        assertThat(h.sourcePort()).as(w + "tcp.srcport").isEqualTo(number(f.first("tcp.srcport")));
        assertThat(h.destinationPort()).as(w + "tcp.dstport").isEqualTo(number(f.first("tcp.dstport")));
        assertThat(Integer.toUnsignedLong(h.sequenceNumber())).as(w + "tcp.seq_raw").isEqualTo(number(f.first("tcp.seq_raw")));
        assertThat(Integer.toUnsignedLong(h.acknowledgmentNumber())).as(w + "tcp.ack_raw")
                .isEqualTo(number(f.first("tcp.ack_raw")));
        assertThat(h.headerLength()).as(w + "tcp.hdr_len").isEqualTo(number(f.first("tcp.hdr_len")));
        assertThat(h.dataOffset() * 4).isEqualTo(h.headerLength());
        assertThat(h.flags()).as(w + "tcp.flags").isEqualTo(number(f.first("tcp.flags")));
        assertThat(h.window()).as(w + "tcp.window_size_value").isEqualTo(number(f.first("tcp.window_size_value")));
        assertThat(h.checksum()).as(w + "tcp.checksum").isEqualTo(number(f.first("tcp.checksum")));
        assertThat(h.urgentPointer()).as(w + "tcp.urgent_pointer").isEqualTo(number(f.first("tcp.urgent_pointer")));
        assertThat(h.payloadLength()).as(w + "tcp.len").isEqualTo(number(f.first("tcp.len")));
        assertThat(h.optionsLength()).isEqualTo(h.headerLength() - TcpHeader.MIN_LENGTH);
        // The TCP length of the pseudo-header: header and data.
        assertThat(h.segmentLength()).isEqualTo(h.headerLength() + h.payloadLength());
        assertThat(h.sequenceSpaceLength())
                .isEqualTo(h.payloadLength() + (h.isSyn() ? 1 : 0) + (h.isFin() ? 1 : 0));

        TcpOptions options = new TcpOptions();
        assertThat(options.parse(h)).as(w + "options").isEqualTo(ParseResult.OK);
        assertThat(options.hasMss()).as(w + "MSS present").isEqualTo(f.has("tcp.options.mss_val"));
        if (options.hasMss()) {
            assertThat(options.mss()).as(w + "tcp.options.mss_val").isEqualTo(number(f.first("tcp.options.mss_val")));
        }
        assertThat(options.hasWindowScale()).as(w + "window scale present").isEqualTo(f.has("tcp.options.wscale.shift"));
        if (options.hasWindowScale()) {
            assertThat(options.windowScaleRaw()).as(w + "tcp.options.wscale.shift")
                    .isEqualTo(number(f.first("tcp.options.wscale.shift")));
        }
        assertThat(options.sackPermitted()).as(w + "tcp.options.sack_perm").isEqualTo(f.has("tcp.options.sack_perm"));
        assertThat(options.hasTimestamps()).as(w + "timestamps present").isEqualTo(f.has("tcp.options.timestamp.tsval"));
        if (options.hasTimestamps()) {
            assertThat(Integer.toUnsignedLong(options.tsVal())).as(w + "tcp.options.timestamp.tsval")
                    .isEqualTo(number(f.first("tcp.options.timestamp.tsval")));
            assertThat(Integer.toUnsignedLong(options.tsEcr())).as(w + "tcp.options.timestamp.tsecr")
                    .isEqualTo(number(f.first("tcp.options.timestamp.tsecr")));
        }
        assertThat(options.sackBlockCount()).isZero();
        // Every option kind the kernel sent is one the holder understands (no unknown kinds in these captures).
        List<Integer> kinds = f.all("tcp.option_kind").stream().map(Integer::valueOf).toList();
        assertThat(kinds).as(w + "tcp.option_kind").allMatch(k -> k == TcpOptions.KIND_NO_OPERATION
                || k == TcpOptions.KIND_MAXIMUM_SEGMENT_SIZE || k == TcpOptions.KIND_WINDOW_SCALE
                || k == TcpOptions.KIND_SACK_PERMITTED || k == TcpOptions.KIND_TIMESTAMPS);
    }

    @Test
    void theCapturesHoldHandshakesWithEveryKernelSynOption() {
        long synsWithAllOptions = WireOracle.allFrames().stream()
                .filter(f -> f.has("tcp.options.mss_val") && f.has("tcp.options.wscale.shift")
                        && f.has("tcp.options.sack_perm") && f.has("tcp.options.timestamp.tsval"))
                .count();
        long segments = WireOracle.allFrames().stream().filter(f -> f.has("tcp.srcport")).count();
        long datagrams = WireOracle.allFrames().stream().filter(f -> f.has("udp.srcport") && !isIcmp(f)).count();
        System.out.printf("oracle: %d TCP segments (%d SYNs with MSS/WS/SACK-permitted/TS), %d UDP headers%n",
                segments, synsWithAllOptions, datagrams);
        // SYN and SYN-ACK of each connection, and the SYN to the closed port: 3 per address family.
        assertThat(synsWithAllOptions).isEqualTo(6);
        assertThat(segments).isEqualTo(32);
    }
}
