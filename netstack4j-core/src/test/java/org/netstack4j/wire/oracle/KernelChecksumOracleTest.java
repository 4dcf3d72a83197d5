package org.netstack4j.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.netstack4j.testing.CaptureOracle.OracleFrame;
import org.netstack4j.testing.Captures;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Icmpv6Message;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.UdpHeader;

/**
 * Checksums equal the kernel's. For every captured IPv4 header, ICMPv4/ICMPv6 message, UDP datagram and
 * TCP segment (fragmented datagrams after the test reassembles them): verification through our views
 * says valid; the views' computation gives exactly the captured field; recomputing with the field
 * zeroed ({@link Checksum} over the bytes and the pseudo-header) gives it too, and writing it back
 * restores the captured bytes; and one flipped bit makes verification fail, so the check can fail.
 */
class KernelChecksumOracleTest extends OracleTestBase {
    private static final Map<String, AtomicInteger> VERIFIED = new ConcurrentHashMap<>();

    @AfterAll
    static void report() {
        System.out.println("oracle: kernel checksums reproduced: " + new java.util.TreeMap<>(VERIFIED));
    }

    private static void count(String kind) {
        VERIFIED.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    @ParameterizedTest
    @MethodSource("frames")
    void ipv4HeaderChecksumIsTheKernels(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        if (d.isIpv4()) {
            checkIpv4Header(f.where(), d);
            count("IPv4 header");
        }
    }

    @ParameterizedTest
    @MethodSource("frames")
    void transportChecksumIsTheKernels(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        if (d.transportProtocol() >= 0 && !d.isFragment()) {
            // Fragments: see reassembledDatagramChecksumsAreTheKernels.
            count(checkTransport(f.where(), d, d.data.clone(), d.transportOffset(), d.transportLength()));
        }
    }

    /** Every check of the class on one frame; returns how many checksums it reproduced. */
    static int checkFrame(FrameDissection d) {
        int checked = 0;
        if (d.isIpv4()) {
            checkIpv4Header(d.frame.where(), d);
            checked++;
        }
        if (d.transportProtocol() >= 0 && !d.isFragment()) {
            checkTransport(d.frame.where(), d, d.data.clone(), d.transportOffset(), d.transportLength());
            checked++;
        }
        return checked;
    }

    private static void checkIpv4Header(String where, FrameDissection d) {
        Ipv4Header ip = d.ipv4;
        int captured = ip.headerChecksum();
        String w = where + " IPv4 header checksum ";
        assertThat(ip.isChecksumValid()).as(w + "valid").isTrue();
        assertThat(ip.computeChecksum()).as(w + "computed").isEqualTo(captured);
        assertThat(Ipv4Header.checksum(d.data, ip.offset(), ip.headerLength())).as(w + "static").isEqualTo(captured);

        byte[] copy = d.data.clone();
        Bytes.put16(copy, ip.offset() + 10, 0);
        assertThat(Checksum.compute(copy, ip.offset(), ip.headerLength())).as(w + "from zero").isEqualTo(captured);
        Ipv4Header view = new Ipv4Header();
        assertThat(view.wrap(copy, ip.offset(), d.data.length - ip.offset())).isEqualTo(ParseResult.OK);
        assertThat(view.isChecksumValid()).as(w + "zeroed field invalid").isFalse();
        view.updateChecksum();
        assertThat(copy).as(w + "written back").isEqualTo(d.data);

        copy[ip.offset() + 8] ^= 0x01;  // TTL
        assertThat(view.isChecksumValid()).as(w + "after a flipped bit").isFalse();
    }

    @Test
    void reassembledDatagramChecksumsAreTheKernels() {
        int datagrams = 0;
        for (String capture : Captures.NAMES) {
            for (FragmentReassembly.Datagram datagram : FragmentReassembly.reassemble(WireOracle.frames(capture))) {
                String where = datagram.first().frame.where() + " reassembled from " + datagram.fragments() + " fragments";
                assertThat(datagram.fragments()).isGreaterThan(1);
                count(checkTransport(where, datagram.first(), datagram.message(), 0, datagram.message().length));
                datagrams++;
            }
        }
        // ICMPv4 request and reply, ICMPv6 request and reply, one UDP datagram over each family.
        assertThat(datagrams).isEqualTo(6);
    }

    /**
     * Checks the transport message at {@code offset} of {@code bytes} (a copy it may modify), whose
     * pseudo-header comes from the IP header of dissection {@code ip}; returns what it checked.
     */
    private static String checkTransport(String where, FrameDissection ip, byte[] bytes, int offset, int length) {
        return switch (ip.transportProtocol()) {
            case Icmpv4Message.PROTOCOL_NUMBER -> checkIcmpv4(where, bytes, offset, length);
            case Icmpv6Message.NEXT_HEADER -> checkIcmpv6(where, ip.ipv6, bytes, offset, length);
            case UdpHeader.PROTOCOL -> checkUdp(where, ip, bytes, offset, length);
            case TcpHeader.PROTOCOL -> checkTcp(where, ip, bytes, offset, length);
            default -> throw new AssertionError(where + ": unexpected protocol " + ip.transportProtocol());
        };
    }

    private static String checkIcmpv4(String where, byte[] b, int offset, int length) {
        String w = where + " ICMPv4 checksum ";
        Icmpv4Message m = new Icmpv4Message();
        assertThat(m.wrap(b, offset, length)).isEqualTo(ParseResult.OK);
        int captured = m.checksum();
        assertThat(m.checksumValid()).as(w + "valid").isTrue();
        assertThat(m.computeChecksum()).as(w + "computed").isEqualTo(captured);
        assertThat(Checksum.verify(b, offset, length, 0)).isTrue();

        byte[] original = b.clone();
        m.setChecksum(0);
        assertThat(Checksum.compute(b, offset, length)).as(w + "from zero").isEqualTo(captured);
        assertThat(m.checksumValid()).isFalse();
        m.setChecksum(m.computeChecksum());
        assertThat(b).as(w + "written back").isEqualTo(original);

        b[offset + length - 1] ^= 0x01;
        assertThat(m.checksumValid()).as(w + "after a flipped bit").isFalse();
        return "ICMPv4";
    }

    private static String checkIcmpv6(String where, Ipv6Header ip, byte[] b, int offset, int length) {
        String w = where + " ICMPv6 checksum ";
        Icmpv6Message m = new Icmpv6Message();
        assertThat(m.wrap(b, offset, length)).isEqualTo(ParseResult.OK);
        int captured = m.checksum();
        long sh = ip.sourceAddressHigh();
        long sl = ip.sourceAddressLow();
        long dh = ip.destinationAddressHigh();
        long dl = ip.destinationAddressLow();
        assertThat(m.checksumValid(sh, sl, dh, dl)).as(w + "valid").isTrue();
        assertThat(m.checksumValid(ip.buffer(), ip.sourceAddressOffset(), ip.destinationAddressOffset()))
                .as(w + "valid (addresses from the header bytes)").isTrue();
        assertThat(m.computeChecksum(sh, sl, dh, dl)).as(w + "computed").isEqualTo(captured);

        byte[] original = b.clone();
        int pseudo = Checksum.pseudoHeaderIpv6(sh, sl, dh, dl, Icmpv6Message.NEXT_HEADER, length);
        assertThat(pseudo).isEqualTo(Checksum.pseudoHeaderIpv6(ip.buffer(), ip.sourceAddressOffset(),
                ip.destinationAddressOffset(), Icmpv6Message.NEXT_HEADER, length));
        m.setChecksum(0);
        assertThat(Checksum.finish(Checksum.partial(b, offset, length, pseudo))).as(w + "from zero").isEqualTo(captured);
        m.setChecksum(m.computeChecksum(sh, sl, dh, dl));
        assertThat(b).as(w + "written back").isEqualTo(original);

        b[offset + length - 1] ^= 0x01;
        assertThat(m.checksumValid(sh, sl, dh, dl)).as(w + "after a flipped bit").isFalse();
        return "ICMPv6";
    }

    private static String checkUdp(String where, FrameDissection ip, byte[] b, int offset, int length) {
        String w = where + " UDP checksum ";
        UdpHeader udp = new UdpHeader();
        assertThat(udp.wrap(b, offset, length)).isEqualTo(ParseResult.OK);
        int captured = udp.checksum();
        // Linux always fills the UDP checksum, also over IPv4 where zero would be allowed.
        assertThat(captured).as(w + "present").isNotZero();
        int pseudo = pseudoHeader(ip, UdpHeader.PROTOCOL, udp.length());
        assertThat(udp.verifyChecksum(pseudo)).as(w + "valid").isTrue();
        if (ip.isIpv4()) {
            assertThat(udp.verifyChecksumIpv4(ip.ipv4.sourceAddress(), ip.ipv4.destinationAddress())).isTrue();
            assertThat(udp.computeChecksumIpv4(ip.ipv4.sourceAddress(), ip.ipv4.destinationAddress()))
                    .as(w + "computed").isEqualTo(captured);
        } else {
            assertThat(udp.verifyChecksumIpv6(ip.ipv6.sourceAddressHigh(), ip.ipv6.sourceAddressLow(),
                    ip.ipv6.destinationAddressHigh(), ip.ipv6.destinationAddressLow())).isTrue();
            assertThat(udp.computeChecksumIpv6(ip.ipv6.sourceAddressHigh(), ip.ipv6.sourceAddressLow(),
                    ip.ipv6.destinationAddressHigh(), ip.ipv6.destinationAddressLow())).as(w + "computed").isEqualTo(captured);
        }

        byte[] original = b.clone();
        udp.setChecksum(0);
        int fromZero = Checksum.finish(Checksum.partial(b, offset, udp.length(), pseudo));
        // RFC 768: a computed zero is sent as all ones.
        assertThat(fromZero == 0 ? 0xffff : fromZero).as(w + "from zero").isEqualTo(captured);
        udp.setChecksum(udp.computeChecksum(pseudo));
        assertThat(b).as(w + "written back").isEqualTo(original);

        b[offset + udp.length() - 1] ^= 0x01;
        assertThat(udp.verifyChecksum(pseudo)).as(w + "after a flipped bit").isFalse();
        return ip.isIpv4() ? "UDP/IPv4" : "UDP/IPv6";
    }

    private static String checkTcp(String where, FrameDissection ip, byte[] b, int offset, int length) {
        String w = where + " TCP checksum ";
        TcpHeader tcp = new TcpHeader();
        assertThat(tcp.wrap(b, offset, length)).isEqualTo(ParseResult.OK);
        int captured = tcp.checksum();
        int pseudo = pseudoHeader(ip, TcpHeader.PROTOCOL, length);
        assertThat(tcp.verifyChecksum(pseudo)).as(w + "valid").isTrue();
        if (ip.isIpv4()) {
            assertThat(tcp.verifyChecksumIpv4(ip.ipv4.sourceAddress(), ip.ipv4.destinationAddress())).isTrue();
            assertThat(tcp.computeChecksumIpv4(ip.ipv4.sourceAddress(), ip.ipv4.destinationAddress()))
                    .as(w + "computed").isEqualTo(captured);
        } else {
            assertThat(tcp.verifyChecksumIpv6(ip.ipv6.sourceAddressHigh(), ip.ipv6.sourceAddressLow(),
                    ip.ipv6.destinationAddressHigh(), ip.ipv6.destinationAddressLow())).isTrue();
            assertThat(tcp.computeChecksumIpv6(ip.ipv6.sourceAddressHigh(), ip.ipv6.sourceAddressLow(),
                    ip.ipv6.destinationAddressHigh(), ip.ipv6.destinationAddressLow())).as(w + "computed").isEqualTo(captured);
        }

        byte[] original = b.clone();
        tcp.setChecksum(0);
        assertThat(Checksum.finish(Checksum.partial(b, offset, length, pseudo))).as(w + "from zero").isEqualTo(captured);
        tcp.setChecksum(tcp.computeChecksum(pseudo));
        assertThat(b).as(w + "written back").isEqualTo(original);

        b[offset + 4] ^= 0x01;  // sequence number
        assertThat(tcp.verifyChecksum(pseudo)).as(w + "after a flipped bit").isFalse();
        return ip.isIpv4() ? "TCP/IPv4" : "TCP/IPv6";
    }

    /** The pseudo-header sum built from the captured IP header's fields. */
    private static int pseudoHeader(FrameDissection ip, int protocol, int length) {
        if (ip.isIpv4()) {
            return Checksum.pseudoHeaderIpv4(ip.ipv4.sourceAddress(), ip.ipv4.destinationAddress(), protocol, length);
        }
        return Checksum.pseudoHeaderIpv6(ip.ipv6.sourceAddressHigh(), ip.ipv6.sourceAddressLow(),
                ip.ipv6.destinationAddressHigh(), ip.ipv6.destinationAddressLow(), protocol, length);
    }
}
