package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class UdpHeaderTest {
    private static final HexFormat HEX = HexFormat.of();

    /** IPv4 packet a Linux kernel sent: UDP 192.0.2.1:41249 -> 192.0.2.2:5353, "hello, netstack4j". */
    static final byte[] LINUX_UDP4 = HEX.parseHex(
            "4500002dca8f40004011ec2cc0000201c0000202a12114e9001951c068656c6c6f2c206e6574737461636b346a");
    /** IPv6 packet a Linux kernel sent: UDP [2001:db8::1]:36710 -> [2001:db8::2]:7, "odd!!". */
    static final byte[] LINUX_UDP6 = HEX.parseHex(
            "600451d1000d114020010db800000000000000000000000120010db8000000000000000000000002"
                    + "8f660007000d206c6f64642121");
    static final int SRC4 = 0xc000_0201;
    static final int DST4 = 0xc000_0202;
    static final long V6_HIGH = 0x2001_0db8_0000_0000L;

    private final UdpHeader udp = new UdpHeader();

    @Test
    void roundTripAtAnOffset() {
        byte[] b = new byte[64];
        UdpHeader.write(b, 11, 53, 0xfffe, 30);
        assertThat(udp.wrap(b, 11, 40)).isEqualTo(ParseResult.OK);
        assertThat(udp.buffer()).isSameAs(b);
        assertThat(udp.offset()).isEqualTo(11);
        assertThat(udp.sourcePort()).isEqualTo(53);
        assertThat(udp.destinationPort()).isEqualTo(0xfffe);
        assertThat(udp.length()).isEqualTo(30);
        assertThat(udp.checksum()).isZero();
        assertThat(udp.headerLength()).isEqualTo(UdpHeader.LENGTH);
        assertThat(udp.payloadOffset()).isEqualTo(19);
        assertThat(udp.payloadLength()).isEqualTo(22);
    }

    @Test
    void writerEmitsExactBytes() {
        byte[] b = new byte[8];
        java.util.Arrays.fill(b, (byte) 0x5a);
        UdpHeader.write(b, 0, 0x1234, 0xabcd, 0x0102);
        assertThat(HEX.formatHex(b)).isEqualTo("1234abcd01020000");
    }

    @Test
    void everyLengthBelowTheHeaderIsTruncated() {
        byte[] b = new byte[UdpHeader.LENGTH];
        UdpHeader.write(b, 0, 1, 2, 8);
        for (int len = 0; len < UdpHeader.LENGTH; len++) {
            assertThat(udp.wrap(b, 0, len)).as("len %d", len).isEqualTo(ParseResult.TRUNCATED);
        }
        assertThat(udp.wrap(b, 0, 8)).isEqualTo(ParseResult.OK);
        assertThat(udp.payloadLength()).isZero();
    }

    @Test
    void lengthFieldBelowEightOrPastTheBytesIsRejected() {
        byte[] b = new byte[20];
        for (int field = 0; field < 8; field++) {
            UdpHeader.write(b, 0, 1, 2, field);
            assertThat(udp.wrap(b, 0, 20)).as("length field %d", field).isEqualTo(ParseResult.UDP_BAD_LENGTH);
        }
        UdpHeader.write(b, 0, 1, 2, 21);
        assertThat(udp.wrap(b, 0, 20)).isEqualTo(ParseResult.UDP_BAD_LENGTH);
        UdpHeader.write(b, 0, 1, 2, 0xffff);
        assertThat(udp.wrap(b, 0, 20)).isEqualTo(ParseResult.UDP_BAD_LENGTH);
        UdpHeader.write(b, 0, 1, 2, 20);
        assertThat(udp.wrap(b, 0, 20)).isEqualTo(ParseResult.OK);
        // Every available length from the header up to one short of the datagram.
        for (int available = UdpHeader.LENGTH; available < 20; available++) {
            assertThat(udp.wrap(b, 0, available)).as("available %d", available).isEqualTo(ParseResult.UDP_BAD_LENGTH);
        }
    }

    @Test
    void bytesAfterTheLengthFieldAreIgnored() {
        // An Ethernet frame pads a short datagram; the Length field bounds the payload.
        byte[] b = new byte[46];
        UdpHeader.write(b, 0, 1, 2, 12);
        assertThat(udp.wrap(b, 0, 46)).isEqualTo(ParseResult.OK);
        assertThat(udp.length()).isEqualTo(12);
        assertThat(udp.payloadLength()).isEqualTo(4);
    }

    @Test
    void linuxIpv4DatagramChecksumVerifiesAndRecomputes() {
        assertThat(udp.wrap(LINUX_UDP4, 20, LINUX_UDP4.length - 20)).isEqualTo(ParseResult.OK);
        assertThat(udp.sourcePort()).isEqualTo(41249);
        assertThat(udp.destinationPort()).isEqualTo(5353);
        assertThat(udp.length()).isEqualTo(25);
        assertThat(udp.checksum()).isEqualTo(0x51c0);
        assertThat(new String(LINUX_UDP4, udp.payloadOffset(), udp.payloadLength(), StandardCharsets.US_ASCII))
                .isEqualTo("hello, netstack4j");
        assertThat(udp.verifyChecksumIpv4(SRC4, DST4)).isTrue();
        assertThat(udp.computeChecksumIpv4(SRC4, DST4)).isEqualTo(0x51c0);
        assertThat(udp.verifyChecksumIpv4(SRC4, DST4 + 1)).isFalse();
    }

    @Test
    void linuxIpv6DatagramChecksumVerifiesAndRecomputes() {
        assertThat(udp.wrap(LINUX_UDP6, 40, LINUX_UDP6.length - 40)).isEqualTo(ParseResult.OK);
        assertThat(udp.checksum()).isEqualTo(0x206c);
        assertThat(udp.verifyChecksumIpv6(V6_HIGH, 1, V6_HIGH, 2)).isTrue();
        assertThat(udp.computeChecksumIpv6(V6_HIGH, 1, V6_HIGH, 2)).isEqualTo(0x206c);
        int pseudo = Checksum.pseudoHeaderIpv6(LINUX_UDP6, 8, 24, UdpHeader.PROTOCOL, udp.length());
        assertThat(udp.computeChecksum(pseudo)).isEqualTo(0x206c);
        assertThat(udp.verifyChecksum(pseudo)).isTrue();
        assertThat(udp.verifyChecksumIpv6(V6_HIGH, 1, V6_HIGH, 3)).isFalse();
    }

    @Test
    void corruptedPayloadFailsVerification() {
        byte[] copy = LINUX_UDP4.clone();
        copy[copy.length - 1] ^= 0x40;
        assertThat(udp.wrap(copy, 20, copy.length - 20)).isEqualTo(ParseResult.OK);
        assertThat(udp.verifyChecksumIpv4(SRC4, DST4)).isFalse();
    }

    @Test
    void zeroChecksumMeansNoneOverIpv4AndIsInvalidOverIpv6() {
        byte[] v4 = LINUX_UDP4.clone();
        Bytes.put16(v4, 26, 0);
        assertThat(udp.wrap(v4, 20, v4.length - 20)).isEqualTo(ParseResult.OK);
        assertThat(udp.verifyChecksumIpv4(SRC4, DST4)).isTrue();
        assertThat(udp.verifyChecksumIpv4(1, 2)).isTrue();

        byte[] v6 = LINUX_UDP6.clone();
        Bytes.put16(v6, 46, 0);
        assertThat(udp.wrap(v6, 40, v6.length - 40)).isEqualTo(ParseResult.OK);
        assertThat(udp.verifyChecksumIpv6(V6_HIGH, 1, V6_HIGH, 2)).isFalse();
    }

    @Test
    void computedZeroIsTransmittedAsAllOnes() {
        byte[] b = new byte[12];
        UdpHeader.write(b, 0, 1000, 2000, 12);
        assertThat(udp.wrap(b, 0, 12)).isEqualTo(ParseResult.OK);
        int pseudo = Checksum.pseudoHeaderIpv4(SRC4, DST4, UdpHeader.PROTOCOL, 12);
        // Choose the payload word that makes the one's-complement sum 0xffff, so ~sum is zero.
        int c = udp.computeChecksum(pseudo);
        Bytes.put16(b, 8, c);
        assertThat(Checksum.finish(Checksum.partial(b, 0, 12, pseudo))).isZero();
        assertThat(udp.computeChecksum(pseudo)).isEqualTo(0xffff);
        udp.setChecksum(0xffff);
        assertThat(udp.verifyChecksum(pseudo)).isTrue();
        assertThat(udp.verifyChecksumIpv4(SRC4, DST4)).isTrue();
    }

    @Test
    void computeIgnoresTheCurrentChecksumField() {
        byte[] copy = LINUX_UDP4.clone();
        Bytes.put16(copy, 26, 0xbeef);
        assertThat(udp.wrap(copy, 20, copy.length - 20)).isEqualTo(ParseResult.OK);
        assertThat(udp.computeChecksumIpv4(SRC4, DST4)).isEqualTo(0x51c0);
        assertThat(udp.verifyChecksumIpv4(SRC4, DST4)).isFalse();
        udp.setChecksum(udp.computeChecksumIpv4(SRC4, DST4));
        assertThat(udp.verifyChecksumIpv4(SRC4, DST4)).isTrue();
        assertThat(copy).isEqualTo(LINUX_UDP4);
    }

    @Test
    void settersRewriteInPlace() {
        byte[] b = new byte[8];
        UdpHeader.write(b, 0, 1, 2, 8);
        assertThat(udp.wrap(b, 0, 8)).isEqualTo(ParseResult.OK);
        udp.setSourcePort(0xffff);
        udp.setDestinationPort(0x8000);
        udp.setChecksum(0x1234);
        assertThat(HEX.formatHex(b)).isEqualTo("ffff800000081234");
    }

    @Test
    void viewIsUnusableBeforeWrapAndAfterARejection() {
        assertThatThrownBy(udp::sourcePort).isInstanceOf(IllegalStateException.class);
        byte[] b = new byte[8];
        UdpHeader.write(b, 0, 1, 2, 8);
        assertThat(udp.wrap(b, 0, 8)).isEqualTo(ParseResult.OK);
        assertThat(udp.wrap(b, 0, 7)).isEqualTo(ParseResult.TRUNCATED);
        assertThatThrownBy(udp::length).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(udp::payloadOffset).isInstanceOf(IllegalStateException.class);
        assertThat(udp.toString()).contains("unwrapped");
    }

    @Test
    void rangeOutsideTheArrayIsACallerBug() {
        byte[] b = new byte[8];
        assertThatThrownBy(() -> udp.wrap(b, 1, 8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> udp.wrap(b, -1, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void parseConvenienceThrowsWithTheReason() {
        assertThat(UdpHeader.parse(HEX.parseHex("0001000200080000")).destinationPort()).isEqualTo(2);
        assertThatThrownBy(() -> UdpHeader.parse(HEX.parseHex("0001000200090000")))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reason()).isEqualTo(ParseResult.UDP_BAD_LENGTH));
    }

    @Test
    void toStringNamesTheFields() {
        assertThat(udp.wrap(LINUX_UDP4, 20, LINUX_UDP4.length - 20)).isEqualTo(ParseResult.OK);
        assertThat(udp.toString()).isEqualTo("UdpHeader[41249 > 5353, length 25, checksum 0x51c0]");
    }
}
