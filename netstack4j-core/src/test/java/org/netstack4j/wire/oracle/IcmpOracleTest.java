package org.netstack4j.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.oracle.WireOracle.bool;
import static org.netstack4j.wire.oracle.WireOracle.number;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.netstack4j.testing.CaptureOracle.OracleFrame;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Icmpv6Message;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.NdpOptionCursor;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.UdpHeader;

/**
 * {@link Icmpv4Message}, {@link Icmpv6Message} and {@link NdpOptionCursor} against tshark on every
 * captured ICMP message, including the datagram an ICMP error quotes (wrapped with our IP and UDP
 * views and compared with tshark's second occurrence of the ip/ipv6 fields).
 */
class IcmpOracleTest extends OracleTestBase {
    @ParameterizedTest
    @MethodSource("frames")
    void icmpv4MessageMatchesTShark(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        boolean icmp = d.transportProtocol() == Icmpv4Message.PROTOCOL_NUMBER;
        assertThat(icmp).as(f.where() + " carries an ICMPv4 header").isEqualTo(f.has("icmp.type"));
        if (!icmp) {
            return;
        }
        Icmpv4Message m = new Icmpv4Message();
        String w = f.where() + " ";
        assertThat(m.wrap(d.data, d.transportOffset(), d.transportLength())).as(w + "wrap").isEqualTo(ParseResult.OK);

        assertThat(m.type()).as(w + "icmp.type").isEqualTo(number(f.first("icmp.type")));
        assertThat(m.code()).as(w + "icmp.code").isEqualTo(number(f.first("icmp.code")));
        assertThat(m.checksum()).as(w + "icmp.checksum").isEqualTo(number(f.first("icmp.checksum")));
        assertThat(m.isError()).isEqualTo(Icmpv4Message.isError(m.type()));
        if (m.type() == Icmpv4Message.TYPE_ECHO_REQUEST || m.type() == Icmpv4Message.TYPE_ECHO_REPLY) {
            assertThat(m.identifier()).as(w + "icmp.ident").isEqualTo(number(f.first("icmp.ident")));
            assertThat(m.sequenceNumber()).as(w + "icmp.seq").isEqualTo(number(f.first("icmp.seq")));
            assertThat(m.payloadOffset()).isEqualTo(m.offset() + Icmpv4Message.HEADER_LENGTH);
        }
        if (m.type() == Icmpv4Message.TYPE_DESTINATION_UNREACHABLE) {
            assertThat(m.isError()).isTrue();
            assertQuotedIpv4Datagram(f, m);
        }
    }

    /** The datagram an ICMPv4 error quotes: tshark's second ip.* occurrence and its first udp.* one. */
    private static void assertQuotedIpv4Datagram(OracleFrame f, Icmpv4Message m) {
        Ipv4Header inner = new Ipv4Header();
        assertThat(inner.wrap(m.buffer(), m.invokingDatagramOffset(), m.invokingDatagramLength()))
                .as(f.where() + " quoted IPv4 header").isEqualTo(ParseResult.OK);
        NetworkLayerOracleTest.assertIpv4Header(f, inner, 1);
        assertThat(inner.protocol()).isEqualTo(UdpHeader.PROTOCOL);
        UdpHeader udp = new UdpHeader();
        assertThat(udp.wrap(inner.buffer(), inner.payloadOffset(), inner.payloadLength())).isEqualTo(ParseResult.OK);
        TransportOracleTest.assertUdpHeader(f, udp);
        assertThat(udp.verifyChecksumIpv4(inner.sourceAddress(), inner.destinationAddress()))
                .as(f.where() + " quoted UDP checksum").isTrue();
    }

    @ParameterizedTest
    @MethodSource("frames")
    void icmpv6MessageAndNdpOptionsMatchTShark(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        boolean icmp = d.transportProtocol() == Icmpv6Message.NEXT_HEADER;
        assertThat(icmp).as(f.where() + " carries an ICMPv6 header").isEqualTo(f.has("icmpv6.type"));
        if (!icmp) {
            return;
        }
        Icmpv6Message m = new Icmpv6Message();
        String w = f.where() + " ";
        assertThat(m.wrap(d.data, d.transportOffset(), d.transportLength())).as(w + "wrap").isEqualTo(ParseResult.OK);

        assertThat(m.type()).as(w + "icmpv6.type").isEqualTo(number(f.first("icmpv6.type")));
        assertThat(m.code()).as(w + "icmpv6.code").isEqualTo(number(f.first("icmpv6.code")));
        assertThat(m.checksum()).as(w + "icmpv6.checksum").isEqualTo(number(f.first("icmpv6.checksum")));
        assertThat(m.isError()).isEqualTo(Icmpv6Message.isError(m.type()));
        assertThat(m.isNdp()).isEqualTo(Icmpv6Message.isNdp(m.type()));
        switch (m.type()) {
            case Icmpv6Message.TYPE_ECHO_REQUEST, Icmpv6Message.TYPE_ECHO_REPLY -> {
                assertThat(m.identifier()).as(w + "icmpv6.echo.identifier")
                        .isEqualTo(number(f.first("icmpv6.echo.identifier")));
                assertThat(m.sequenceNumber()).as(w + "icmpv6.echo.sequence_number")
                        .isEqualTo(number(f.first("icmpv6.echo.sequence_number")));
            }
            case Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION -> {
                assertTarget(f, m, "icmpv6.nd.ns.target_address");
                assertNdpOptions(f, m);
            }
            case Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT -> {
                assertTarget(f, m, "icmpv6.nd.na.target_address");
                assertThat(m.routerFlag()).as(w + "icmpv6.nd.na.flag.r").isEqualTo(bool(f.first("icmpv6.nd.na.flag.r")));
                assertThat(m.solicitedFlag()).as(w + "icmpv6.nd.na.flag.s").isEqualTo(bool(f.first("icmpv6.nd.na.flag.s")));
                assertThat(m.overrideFlag()).as(w + "icmpv6.nd.na.flag.o").isEqualTo(bool(f.first("icmpv6.nd.na.flag.o")));
                assertNdpOptions(f, m);
            }
            case Icmpv6Message.TYPE_MULTICAST_LISTENER_REPORT_V2 ->
                    // RFC 3810 section 5.2: the low 16 bits of the rest of the header count the records.
                    assertThat(m.restOfHeader() & 0xffff).as(w + "icmpv6.mldr.nb_mcast_records")
                            .isEqualTo(number(f.first("icmpv6.mldr.nb_mcast_records")));
            case Icmpv6Message.TYPE_DESTINATION_UNREACHABLE -> assertQuotedIpv6Packet(f, m);
            default -> throw new AssertionError(w + "type " + m.type() + " is not in the captures' plan");
        }
    }

    private static void assertTarget(OracleFrame f, Icmpv6Message m, String field) {
        long[] target = Literals.ipv6(f.first(field));
        assertThat(new long[] {m.targetAddressHigh(), m.targetAddressLow()}).as(f.where() + " " + field).isEqualTo(target);
        assertThat(m.target().toString()).isEqualTo(f.first(field));
    }

    /** Every NDP option in order: type, length (8-octet units), link-layer address or nonce. */
    private static void assertNdpOptions(OracleFrame f, Icmpv6Message m) {
        String w = f.where() + " ";
        List<Integer> types = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        List<String> linkAddresses = new ArrayList<>();
        List<String> nonces = new ArrayList<>();
        NdpOptionCursor cursor = new NdpOptionCursor().reset(m);
        while (cursor.next()) {
            types.add(cursor.type());
            lengths.add(cursor.length() / NdpOptionCursor.UNIT);
            if (cursor.type() == NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS
                    || cursor.type() == NdpOptionCursor.TARGET_LINK_LAYER_ADDRESS) {
                linkAddresses.add(new org.netstack4j.wire.MacAddress(cursor.linkLayerAddress()).toString());
            } else if (cursor.type() == NdpOptionCursor.NONCE) {
                nonces.add(HexFormat.of().formatHex(cursor.buffer(), cursor.dataOffset(),
                        cursor.dataOffset() + cursor.dataLength()));
            }
        }
        assertThat(cursor.result()).as(w + "NDP option walk").isEqualTo(ParseResult.OK);
        assertThat(cursor.malformedOptions()).isZero();
        assertThat(types).as(w + "icmpv6.opt.type").isEqualTo(f.all("icmpv6.opt.type").stream().map(Integer::valueOf).toList());
        assertThat(lengths).as(w + "icmpv6.opt.length")
                .isEqualTo(f.all("icmpv6.opt.length").stream().map(Integer::valueOf).toList());
        assertThat(linkAddresses).as(w + "icmpv6.opt.linkaddr").isEqualTo(f.all("icmpv6.opt.linkaddr"));
        assertThat(nonces).as(w + "icmpv6.opt.nonce").isEqualTo(f.all("icmpv6.opt.nonce"));
    }

    /** The packet an ICMPv6 error quotes: tshark's second ipv6.* occurrence and its first udp.* one. */
    private static void assertQuotedIpv6Packet(OracleFrame f, Icmpv6Message m) {
        Ipv6Header inner = new Ipv6Header();
        assertThat(inner.wrap(m.buffer(), m.invokingPacketOffset(), m.invokingPacketLength()))
                .as(f.where() + " quoted IPv6 header").isEqualTo(ParseResult.OK);
        NetworkLayerOracleTest.assertIpv6Header(f, inner, 1);
        Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
        assertThat(chain.walk(inner)).isEqualTo(ParseResult.OK);
        assertThat(chain.upperLayerProtocol()).isEqualTo(UdpHeader.PROTOCOL);
        UdpHeader udp = new UdpHeader();
        assertThat(udp.wrap(inner.buffer(), chain.upperLayerOffset(), chain.upperLayerLength())).isEqualTo(ParseResult.OK);
        TransportOracleTest.assertUdpHeader(f, udp);
        assertThat(udp.verifyChecksumIpv6(inner.sourceAddressHigh(), inner.sourceAddressLow(),
                inner.destinationAddressHigh(), inner.destinationAddressLow()))
                .as(f.where() + " quoted UDP checksum").isTrue();
    }

    @Test
    void theCapturesHoldTheIcmpMessagesTheyWereMadeFor() {
        List<Integer> v4 = new ArrayList<>();
        List<Integer> v6 = new ArrayList<>();
        for (OracleFrame f : WireOracle.allFrames()) {
            if (f.has("icmp.type")) {
                v4.add((int) number(f.first("icmp.type")));
            }
            if (f.has("icmpv6.type")) {
                v6.add((int) number(f.first("icmpv6.type")));
            }
        }
        System.out.printf("oracle: %d ICMPv4 and %d ICMPv6 messages%n", v4.size(), v6.size());
        assertThat(v4).contains(Icmpv4Message.TYPE_ECHO_REQUEST, Icmpv4Message.TYPE_ECHO_REPLY,
                Icmpv4Message.TYPE_DESTINATION_UNREACHABLE);
        assertThat(v6).contains(Icmpv6Message.TYPE_ECHO_REQUEST, Icmpv6Message.TYPE_ECHO_REPLY,
                Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION, Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT,
                Icmpv6Message.TYPE_MULTICAST_LISTENER_REPORT_V2, Icmpv6Message.TYPE_DESTINATION_UNREACHABLE);
    }
}
