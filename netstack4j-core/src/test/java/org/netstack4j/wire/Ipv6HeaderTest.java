package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.wire.TestBytes.hex;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv6HeaderTest {
    private static final Ipv6Address SRC = Ipv6Address.parse("2001:db8::1");
    private static final Ipv6Address DST = Ipv6Address.parse("2001:db8:0:1::2:3");

    private final Ipv6Header view = new Ipv6Header();

    @Test
    void knownHeader() {
        // ICMPv6 (8 bytes) from fe80::1 to ff02::1, traffic class 0xb8, flow label 0xfffff, hop limit 255.
        byte[] b = hex("6b8f ffff 0008 3aff"
                + "fe80 0000 0000 0000 0000 0000 0000 0001"
                + "ff02 0000 0000 0000 0000 0000 0000 0001"
                + "8000 0000 0000 0000");

        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.version()).isEqualTo(6);
        assertThat(view.trafficClass()).isEqualTo(0xb8);
        assertThat(view.dscp()).isEqualTo(46);
        assertThat(view.ecn()).isZero();
        assertThat(view.flowLabel()).isEqualTo(0xfffff);
        assertThat(view.payloadLength()).isEqualTo(8);
        assertThat(view.nextHeader()).isEqualTo(Ipv6Header.NEXT_HEADER_ICMPV6);
        assertThat(view.hopLimit()).isEqualTo(255);
        assertThat(view.sourceAddressHigh()).isEqualTo(0xfe80_0000_0000_0000L);
        assertThat(view.sourceAddressLow()).isEqualTo(1);
        assertThat(view.destinationAddressHigh()).isEqualTo(0xff02_0000_0000_0000L);
        assertThat(view.destinationAddressLow()).isEqualTo(1);
        assertThat(view.source()).isEqualTo(Ipv6Address.parse("fe80::1"));
        assertThat(view.destination()).isEqualTo(Ipv6Address.ALL_NODES);
        assertThat(view.sourceAddressOffset()).isEqualTo(8);
        assertThat(view.destinationAddressOffset()).isEqualTo(24);
        assertThat(view.headerLength()).isEqualTo(40);
        assertThat(view.payloadOffset()).isEqualTo(40);
        assertThat(view.end()).isEqualTo(48);
        assertThat(view.toString()).isEqualTo("Ipv6Header[fe80::1 > ff02::1, next 58, hlim 255, plen 8, flow 0xfffff]");
    }

    @Test
    void writeRoundTripsEveryFieldAtAnOffset() {
        byte[] b = new byte[3 + 40 + 100];
        Ipv6Header.write(b, 3, 0x03, 0x12345, 100, Ipv6Header.NEXT_HEADER_UDP, 64,
                SRC.high(), SRC.low(), DST.high(), DST.low());

        assertThat(view.wrap(b, 3, 140)).isEqualTo(ParseResult.OK);
        assertThat(view.offset()).isEqualTo(3);
        assertThat(view.buffer()).isSameAs(b);
        assertThat(view.version()).isEqualTo(6);
        assertThat(view.trafficClass()).isEqualTo(3);
        assertThat(view.ecn()).isEqualTo(3);
        assertThat(view.dscp()).isZero();
        assertThat(view.flowLabel()).isEqualTo(0x12345);
        assertThat(view.payloadLength()).isEqualTo(100);
        assertThat(view.nextHeader()).isEqualTo(Ipv6Header.NEXT_HEADER_UDP);
        assertThat(view.hopLimit()).isEqualTo(64);
        assertThat(view.source()).isEqualTo(SRC);
        assertThat(view.destination()).isEqualTo(DST);
        assertThat(view.payloadOffset()).isEqualTo(43);
        assertThat(view.end()).isEqualTo(143);
        assertThat(Ipv6Address.of(b, view.sourceAddressOffset())).isEqualTo(SRC);
        assertThat(Ipv6Address.of(b, view.destinationAddressOffset())).isEqualTo(DST);
    }

    @Test
    void writerRejectsFieldsThatDoNotFit() {
        byte[] b = new byte[40];
        assertThatThrownBy(() -> Ipv6Header.write(b, 0, 256, 0, 0, 6, 64, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv6Header.write(b, 0, 0, 0x100000, 0, 6, 64, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv6Header.write(b, 0, 0, 0, 65536, 6, 64, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv6Header.write(b, 0, 0, 0, 0, 256, 64, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv6Header.write(b, 0, 0, 0, 0, 6, -1, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyLengthShorterThanTheHeaderIsTruncated() {
        byte[] b = new byte[40];
        Ipv6Header.write(b, 0, 0, 0, 0, Ipv6Header.NEXT_HEADER_NONE, 1, 0, 1, 0, 1);
        for (int length = 0; length < 40; length++) {
            assertThat(view.wrap(b, 0, length)).as("length %d", length).isEqualTo(ParseResult.TRUNCATED);
        }
        assertThat(view.wrap(b, 0, 40)).isEqualTo(ParseResult.OK);
        assertThat(view.payloadLength()).isZero();
        assertThat(view.end()).isEqualTo(40);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 5, 7, 15})
    void otherVersionsAreRejected(int version) {
        byte[] b = new byte[40];
        b[0] = (byte) (version << 4);
        assertThat(view.wrap(b, 0, 40)).isEqualTo(ParseResult.IPV6_BAD_VERSION);
    }

    @Test
    void payloadLengthMustFitTheBytesAndTrailingPaddingIsIgnored() {
        byte[] b = new byte[60];
        Ipv6Header.write(b, 0, 0, 0, 20, Ipv6Header.NEXT_HEADER_UDP, 1, 0, 1, 0, 1);
        assertThat(view.wrap(b, 0, 59)).isEqualTo(ParseResult.IPV6_BAD_PAYLOAD_LENGTH);
        assertThat(view.wrap(b, 0, 60)).isEqualTo(ParseResult.OK);

        Bytes.put16(b, 4, 0xffff);
        assertThat(view.wrap(b, 0, 60)).isEqualTo(ParseResult.IPV6_BAD_PAYLOAD_LENGTH);

        Bytes.put16(b, 4, 8);
        assertThat(view.wrap(b, 0, 60)).isEqualTo(ParseResult.OK);
        assertThat(view.payloadLength()).isEqualTo(8);
        assertThat(view.end()).isEqualTo(48);
    }

    @Test
    void settersRewriteInPlace() {
        byte[] b = new byte[60];
        Ipv6Header.write(b, 0, 0, 0, 20, Ipv6Header.NEXT_HEADER_FRAGMENT, 2, 0, 1, 0, 1);
        assertThat(view.wrap(b, 0, 60)).isEqualTo(ParseResult.OK);

        view.setNextHeader(Ipv6Header.NEXT_HEADER_TCP);
        view.setPayloadLength(12);
        view.setHopLimit(9);

        assertThat(view.nextHeader()).isEqualTo(Ipv6Header.NEXT_HEADER_TCP);
        assertThat(view.payloadLength()).isEqualTo(12);
        assertThat(view.hopLimit()).isEqualTo(9);
        assertThat(view.decrementHopLimit()).isEqualTo(8);
        view.setHopLimit(0);
        assertThat(view.decrementHopLimit()).isEqualTo(-1);
        assertThat(view.hopLimit()).isZero();
        assertThatThrownBy(() -> view.setPayloadLength(21)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> view.setPayloadLength(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void viewIsUnusableAfterARejection() {
        byte[] b = new byte[40];
        assertThat(view.wrap(b, 0, 40)).isEqualTo(ParseResult.IPV6_BAD_VERSION);
        assertThatThrownBy(view::hopLimit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Ipv6Header.parse(b)).isInstanceOfSatisfying(MalformedPacketException.class,
                e -> assertThat(e.reason()).isEqualTo(ParseResult.IPV6_BAD_VERSION));
    }
}
