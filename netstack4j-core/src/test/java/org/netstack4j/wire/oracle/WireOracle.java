package org.netstack4j.wire.oracle;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.netstack4j.testing.CaptureOracle;
import org.netstack4j.testing.CaptureOracle.OracleFrame;
import org.netstack4j.testing.Captures;

/**
 * The tshark fields every oracle test compares, requested once per capture (one tshark run each) and
 * shared by all oracle test classes.
 */
final class WireOracle {
    static final String[] FIELDS = {
            "frame.number",
            // Ethernet, ARP
            "eth.dst", "eth.src", "eth.type",
            "arp.hw.type", "arp.proto.type", "arp.hw.size", "arp.proto.size", "arp.opcode",
            "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4",
            // IPv4 and its options
            "ip.version", "ip.hdr_len", "ip.dsfield", "ip.dsfield.dscp", "ip.dsfield.ecn", "ip.len", "ip.id",
            "ip.flags", "ip.flags.rb", "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.ttl", "ip.proto",
            "ip.checksum", "ip.src", "ip.dst",
            "ip.opt.type", "ip.opt.len", "ip.opt.ptr", "ip.rec_rt", "ip.opt.flag", "ip.opt.overflow",
            "ip.opt.time_stamp", "ip.opt.time_stamp_addr",
            // IPv6 and its extension headers
            "ipv6.version", "ipv6.tclass", "ipv6.tclass.dscp", "ipv6.tclass.ecn", "ipv6.flow", "ipv6.plen",
            "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst",
            "ipv6.hopopts.nxt", "ipv6.hopopts.len", "ipv6.opt.type", "ipv6.opt.length", "ipv6.opt.router_alert",
            "ipv6.fraghdr.nxt", "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.fraghdr.ident",
            // ICMPv4
            "icmp.type", "icmp.code", "icmp.checksum", "icmp.ident", "icmp.seq",
            // ICMPv6, NDP, MLD
            "icmpv6.type", "icmpv6.code", "icmpv6.checksum", "icmpv6.echo.identifier",
            "icmpv6.echo.sequence_number", "icmpv6.nd.ns.target_address", "icmpv6.nd.na.target_address",
            "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o",
            "icmpv6.opt.type", "icmpv6.opt.length", "icmpv6.opt.linkaddr", "icmpv6.opt.nonce",
            "icmpv6.mldr.nb_mcast_records",
            // UDP
            "udp.srcport", "udp.dstport", "udp.length", "udp.checksum",
            // TCP and its options
            "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags",
            "tcp.window_size_value", "tcp.checksum", "tcp.urgent_pointer", "tcp.len",
            "tcp.option_kind", "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.sack_perm",
            "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
    };

    private WireOracle() {
    }

    /** Every frame of one capture. */
    static List<OracleFrame> frames(String capture) {
        return CaptureOracle.frames(capture, FIELDS);
    }

    /** Every frame of every capture. */
    static List<OracleFrame> allFrames() {
        return CaptureOracle.allFrames(FIELDS);
    }

    /** Every frame of every capture as parameterized-test arguments named after the frame. */
    static Stream<Arguments> arguments() {
        return Captures.NAMES.stream().flatMap(name -> frames(name).stream())
                .map(f -> Arguments.argumentSet(f.where(), f));
    }

    /** A tshark hexadecimal field ("0x0800") or decimal one ("64") as a long. */
    static long number(String value) {
        if (value.startsWith("0x") || value.startsWith("0X")) {
            return Long.parseLong(value.substring(2), 16);
        }
        return Long.parseLong(value);
    }

    /** tshark's 0/1 boolean fields. */
    static boolean bool(String value) {
        return switch (value) {
            case "1", "True" -> true;
            case "0", "False" -> false;
            default -> throw new IllegalArgumentException("not a tshark boolean: " + value);
        };
    }
}
