package org.netstack4j.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.oracle.WireOracle.bool;
import static org.netstack4j.wire.oracle.WireOracle.number;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.netstack4j.testing.CaptureOracle.OracleFrame;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4OptionCursor;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.Ipv6OptionCursor;

/**
 * {@link Ipv4Header} (+ {@link Ipv4OptionCursor}) and {@link Ipv6Header} (+ {@link Ipv6ExtensionChain},
 * {@link Ipv6OptionCursor}) against tshark on every captured frame. Fields are compared with tshark's
 * first occurrence: the outer header (an ICMP error's quoted header is checked in {@link IcmpOracleTest}).
 */
class NetworkLayerOracleTest extends OracleTestBase {
    @ParameterizedTest
    @MethodSource("frames")
    void ipv4HeaderMatchesTShark(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        assertThat(d.isIpv4()).as(f.where() + " is IPv4").isEqualTo("0x0800".equals(f.get("eth.type")));
        if (!d.isIpv4()) {
            return;
        }
        assertIpv4Header(f, d.ipv4, 0);
    }

    /** Compares {@code ip} with occurrence {@code occurrence} of tshark's ip.* fields. */
    static void assertIpv4Header(OracleFrame f, Ipv4Header ip, int occurrence) {
        String w = f.where() + " ip[" + occurrence + "].";
        assertThat(ip.version()).as(w + "version").isEqualTo(nth(f, "ip.version", occurrence));
        assertThat(ip.headerLength()).as(w + "hdr_len").isEqualTo(nth(f, "ip.hdr_len", occurrence));
        assertThat(ip.ihl() * 4).isEqualTo(ip.headerLength());
        assertThat(ip.typeOfService()).as(w + "dsfield").isEqualTo(nth(f, "ip.dsfield", occurrence));
        assertThat(ip.dscp()).as(w + "dsfield.dscp").isEqualTo(nth(f, "ip.dsfield.dscp", occurrence));
        assertThat(ip.ecn()).as(w + "dsfield.ecn").isEqualTo(nth(f, "ip.dsfield.ecn", occurrence));
        assertThat(ip.totalLength()).as(w + "len").isEqualTo(nth(f, "ip.len", occurrence));
        assertThat(ip.identification()).as(w + "id").isEqualTo(nth(f, "ip.id", occurrence));
        assertThat(ip.flags()).as(w + "flags").isEqualTo(nth(f, "ip.flags", occurrence));
        assertThat((ip.flags() & 4) != 0).as(w + "flags.rb").isEqualTo(nthBool(f, "ip.flags.rb", occurrence));
        assertThat(ip.dontFragment()).as(w + "flags.df").isEqualTo(nthBool(f, "ip.flags.df", occurrence));
        assertThat(ip.moreFragments()).as(w + "flags.mf").isEqualTo(nthBool(f, "ip.flags.mf", occurrence));
        // tshark's field counts 8-octet units; the view speaks bytes.
        assertThat(ip.fragmentOffset()).as(w + "frag_offset").isEqualTo(8 * nth(f, "ip.frag_offset", occurrence));
        assertThat(ip.isFragment()).isEqualTo(ip.moreFragments() || ip.fragmentOffset() != 0);
        assertThat(ip.ttl()).as(w + "ttl").isEqualTo(nth(f, "ip.ttl", occurrence));
        assertThat(ip.protocol()).as(w + "proto").isEqualTo(nth(f, "ip.proto", occurrence));
        assertThat(ip.headerChecksum()).as(w + "checksum").isEqualTo(nth(f, "ip.checksum", occurrence));
        String src = f.all("ip.src").get(occurrence);
        String dst = f.all("ip.dst").get(occurrence);
        assertThat(ip.sourceAddress()).as(w + "src").isEqualTo(Literals.ipv4(src));
        assertThat(ip.destinationAddress()).as(w + "dst").isEqualTo(Literals.ipv4(dst));
        assertThat(ip.source().toString()).isEqualTo(src);
        assertThat(ip.destination().toString()).isEqualTo(dst);
        assertThat(ip.payloadOffset()).isEqualTo(ip.offset() + ip.headerLength());
        assertThat(ip.payloadLength()).isEqualTo(ip.totalLength() - ip.headerLength());
        assertThat(ip.optionsLength()).isEqualTo(ip.headerLength() - Ipv4Header.MIN_LENGTH);
    }

    @ParameterizedTest
    @MethodSource("frames")
    void ipv4OptionsMatchTShark(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        if (!d.isIpv4() || d.ipv4.optionsLength() == 0) {
            assertThat(f.has("ip.opt.type")).as(f.where() + " tshark sees options").isFalse();
            return;
        }
        String w = f.where() + " ";
        byte[] b = d.data;
        // The cursor reports options with a length octet; tshark also lists No Operation and End of List.
        List<Integer> expectedTypes = new ArrayList<>();
        for (String type : f.all("ip.opt.type")) {
            int t = (int) number(type);
            if (t != Ipv4Header.OPTION_NO_OPERATION && t != Ipv4Header.OPTION_END_OF_LIST) {
                expectedTypes.add(t);
            }
        }
        List<Integer> types = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        List<Integer> pointers = new ArrayList<>();
        List<String> recorded = new ArrayList<>();
        List<String> stampAddresses = new ArrayList<>();
        List<String> stamps = new ArrayList<>();
        List<Integer> stampFlags = new ArrayList<>();
        List<Integer> overflows = new ArrayList<>();
        Ipv4OptionCursor cursor = new Ipv4OptionCursor();
        cursor.reset(d.ipv4);
        for (int type = cursor.next(); type >= 0; type = cursor.next()) {
            types.add(type);
            lengths.add(cursor.optionLength());
            int data = cursor.optionDataOffset();
            if (type == Ipv4Header.OPTION_RECORD_ROUTE) {
                int pointer = Bytes.u8(b, data);
                pointers.add(pointer);
                // The pointer counts from the option's first octet (1-based) and starts at 4.
                for (int slot = data + 1; slot < cursor.optionOffset() + pointer - 1; slot += 4) {
                    recorded.add(ipv4Text(Bytes.i32(b, slot)));
                }
            } else if (type == Ipv4Header.OPTION_TIMESTAMP) {
                pointers.add(Bytes.u8(b, data));
                overflows.add(Bytes.u8(b, data + 1) >>> 4);
                stampFlags.add(Bytes.u8(b, data + 1) & 0xf);
                for (int slot = data + 2; slot + 8 <= data + cursor.optionDataLength(); slot += 8) {
                    stampAddresses.add(ipv4Text(Bytes.i32(b, slot)));
                    stamps.add(Long.toString(Bytes.u32(b, slot + 4)));
                }
            }
        }

        assertThat(cursor.isMalformed()).as(w + "cursor malformed").isFalse();
        assertThat(types).as(w + "ip.opt.type").isEqualTo(expectedTypes);
        assertThat(lengths).as(w + "ip.opt.len").isEqualTo(f.all("ip.opt.len").stream().map(Integer::valueOf).toList());
        assertThat(pointers).as(w + "ip.opt.ptr").isEqualTo(f.all("ip.opt.ptr").stream().map(Integer::valueOf).toList());
        assertThat(recorded).as(w + "ip.rec_rt").isEqualTo(f.all("ip.rec_rt"));
        assertThat(stampAddresses).as(w + "ip.opt.time_stamp_addr").isEqualTo(f.all("ip.opt.time_stamp_addr"));
        assertThat(stamps).as(w + "ip.opt.time_stamp").isEqualTo(f.all("ip.opt.time_stamp"));
        assertThat(stampFlags).as(w + "ip.opt.flag")
                .isEqualTo(f.all("ip.opt.flag").stream().map(v -> (int) number(v)).toList());
        assertThat(overflows).as(w + "ip.opt.overflow")
                .isEqualTo(f.all("ip.opt.overflow").stream().map(Integer::valueOf).toList());
    }

    @ParameterizedTest
    @MethodSource("frames")
    void ipv6HeaderAndExtensionChainMatchTShark(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        assertThat(d.isIpv6()).as(f.where() + " is IPv6").isEqualTo("0x86dd".equals(f.get("eth.type")));
        if (!d.isIpv6()) {
            return;
        }
        assertIpv6Header(f, d.ipv6, 0);
        Ipv6ExtensionChain chain = d.chain;
        String w = f.where() + " ";

        // The outer header's chain as tshark decodes it: hop-by-hop options, then a fragment header.
        List<Integer> expectedTypes = new ArrayList<>();
        int upperLayer = (int) number(f.first("ipv6.nxt"));
        if (upperLayer == Ipv6Header.NEXT_HEADER_HOP_BY_HOP) {
            expectedTypes.add(Ipv6Header.NEXT_HEADER_HOP_BY_HOP);
            upperLayer = (int) number(f.first("ipv6.hopopts.nxt"));
        }
        if (upperLayer == Ipv6Header.NEXT_HEADER_FRAGMENT) {
            expectedTypes.add(Ipv6Header.NEXT_HEADER_FRAGMENT);
            upperLayer = (int) number(f.first("ipv6.fraghdr.nxt"));
        }
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < chain.extensionCount(); i++) {
            types.add(chain.extensionType(i));
        }
        assertThat(types).as(w + "extension headers").isEqualTo(expectedTypes);
        assertThat(chain.upperLayerProtocol()).as(w + "upper-layer protocol").isEqualTo(upperLayer);

        assertThat(chain.hasFragmentHeader()).as(w + "fragment header").isEqualTo(f.has("ipv6.fraghdr.nxt"));
        if (chain.hasFragmentHeader()) {
            assertThat(chain.isFragment()).isTrue();
            assertThat(chain.fragmentOffset()).as(w + "ipv6.fraghdr.offset")
                    .isEqualTo(8 * number(f.first("ipv6.fraghdr.offset")));
            assertThat(chain.moreFragments()).as(w + "ipv6.fraghdr.more").isEqualTo(bool(f.first("ipv6.fraghdr.more")));
            assertThat(Integer.toUnsignedLong(chain.fragmentIdentification())).as(w + "ipv6.fraghdr.ident")
                    .isEqualTo(number(f.first("ipv6.fraghdr.ident")));
            assertThat(chain.isFirstFragment()).isEqualTo(chain.fragmentOffset() == 0);
        }
        int end = d.ipv6.payloadOffset() + d.ipv6.payloadLength();
        assertThat(chain.upperLayerOffset() + chain.upperLayerLength()).as(w + "upper layer ends with the packet")
                .isEqualTo(end);

        int hopByHop = types.indexOf(Ipv6Header.NEXT_HEADER_HOP_BY_HOP);
        if (hopByHop >= 0) {
            assertThat(hopByHop).isZero();
            assertThat(chain.extensionLength(0)).as(w + "ipv6.hopopts.len")
                    .isEqualTo(8 * (1 + number(f.first("ipv6.hopopts.len"))));
            // The cursor skips Pad1/PadN; tshark lists every option.
            List<Integer> expectedOptions = f.all("ipv6.opt.type").stream().map(v -> (int) number(v))
                    .filter(t -> t != Ipv6OptionCursor.OPTION_PAD1 && t != Ipv6OptionCursor.OPTION_PADN).toList();
            List<Integer> options = new ArrayList<>();
            Ipv6OptionCursor cursor = new Ipv6OptionCursor();
            cursor.reset(chain, hopByHop);
            for (int type = cursor.next(); type >= 0; type = cursor.next()) {
                options.add(type);
                if (type == Ipv6OptionCursor.OPTION_ROUTER_ALERT) {
                    assertThat(cursor.optionDataLength()).isEqualTo(2);
                    assertThat(Bytes.u16(d.data, cursor.optionDataOffset())).as(w + "ipv6.opt.router_alert")
                            .isEqualTo(number(f.first("ipv6.opt.router_alert")));
                }
            }
            assertThat(cursor.isMalformed()).isFalse();
            assertThat(options).as(w + "ipv6.opt.type").isEqualTo(expectedOptions);
        }
    }

    /** Compares {@code ip} with occurrence {@code occurrence} of tshark's ipv6.* header fields. */
    static void assertIpv6Header(OracleFrame f, Ipv6Header ip, int occurrence) {
        String w = f.where() + " ipv6[" + occurrence + "].";
        assertThat(ip.version()).as(w + "version").isEqualTo(nth(f, "ipv6.version", occurrence));
        assertThat(ip.trafficClass()).as(w + "tclass").isEqualTo(nth(f, "ipv6.tclass", occurrence));
        assertThat(ip.dscp()).as(w + "tclass.dscp").isEqualTo(nth(f, "ipv6.tclass.dscp", occurrence));
        assertThat(ip.ecn()).as(w + "tclass.ecn").isEqualTo(nth(f, "ipv6.tclass.ecn", occurrence));
        assertThat(ip.flowLabel()).as(w + "flow").isEqualTo(nth(f, "ipv6.flow", occurrence));
        assertThat(ip.payloadLength()).as(w + "plen").isEqualTo(nth(f, "ipv6.plen", occurrence));
        assertThat(ip.nextHeader()).as(w + "nxt").isEqualTo(nth(f, "ipv6.nxt", occurrence));
        assertThat(ip.hopLimit()).as(w + "hlim").isEqualTo(nth(f, "ipv6.hlim", occurrence));
        String src = f.all("ipv6.src").get(occurrence);
        String dst = f.all("ipv6.dst").get(occurrence);
        long[] s = Literals.ipv6(src);
        long[] t = Literals.ipv6(dst);
        assertThat(new long[] {ip.sourceAddressHigh(), ip.sourceAddressLow()}).as(w + "src").isEqualTo(s);
        assertThat(new long[] {ip.destinationAddressHigh(), ip.destinationAddressLow()}).as(w + "dst").isEqualTo(t);
        assertThat(ip.source().toString()).as(w + "src text").isEqualTo(src);
        assertThat(ip.destination().toString()).as(w + "dst text").isEqualTo(dst);
        assertThat(ip.headerLength()).isEqualTo(Ipv6Header.LENGTH);
        assertThat(ip.payloadOffset()).isEqualTo(ip.offset() + Ipv6Header.LENGTH);
    }

    @Test
    void everyIpPacketOfTheCapturesWasCompared() {
        long ipv4 = WireOracle.allFrames().stream().filter(f -> "0x0800".equals(f.get("eth.type"))).count();
        long ipv6 = WireOracle.allFrames().stream().filter(f -> "0x86dd".equals(f.get("eth.type"))).count();
        long options = WireOracle.allFrames().stream().filter(f -> f.has("ip.opt.type")).count();
        long fragments = WireOracle.allFrames().stream().filter(f -> f.has("ipv6.fraghdr.nxt")
                || "1".equals(f.first("ip.flags.mf")) || (f.has("ip.frag_offset") && !"0".equals(f.first("ip.frag_offset"))))
                .count();
        long hopByHop = WireOracle.allFrames().stream().filter(f -> f.has("ipv6.hopopts.nxt")).count();
        System.out.printf("oracle: %d IPv4 packets (%d with options), %d IPv6 packets (%d hop-by-hop), "
                + "%d fragments%n", ipv4, options, ipv6, hopByHop, fragments);
        assertThat(ipv4).isGreaterThanOrEqualTo(40);
        assertThat(ipv6).isGreaterThanOrEqualTo(40);
        assertThat(options).isEqualTo(4);
        assertThat(hopByHop).isEqualTo(2);
        // Three per fragmented datagram: ICMP request and reply and one UDP datagram, over each family.
        assertThat(fragments).isEqualTo(18);
    }

    private static long nth(OracleFrame f, String field, int occurrence) {
        List<String> all = f.all(field);
        assertThat(all).as(f.where() + " " + field + " occurrences").hasSizeGreaterThan(occurrence);
        return number(all.get(occurrence));
    }

    private static boolean nthBool(OracleFrame f, String field, int occurrence) {
        List<String> all = f.all(field);
        assertThat(all).as(f.where() + " " + field + " occurrences").hasSizeGreaterThan(occurrence);
        return bool(all.get(occurrence));
    }

    private static String ipv4Text(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }
}
