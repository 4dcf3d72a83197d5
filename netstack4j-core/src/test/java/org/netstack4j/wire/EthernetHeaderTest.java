package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.wire.TestBytes.hex;

import org.junit.jupiter.api.Test;

class EthernetHeaderTest {
    private static final long DST = 0x0200_5e10_0001L;
    private static final long SRC = 0x5254_0012_3456L;

    private final EthernetHeader view = new EthernetHeader();

    @Test
    void knownUntaggedFrame() {
        // IPv4 frame from 52:54:00:12:34:56 to ff:ff:ff:ff:ff:ff, followed by two payload bytes.
        byte[] frame = hex("ffffffffffff 525400123456 0800 4500");

        assertThat(view.wrap(frame, 0, frame.length)).isEqualTo(ParseResult.OK);
        assertThat(view.destinationAddress()).isEqualTo(0xffff_ffff_ffffL);
        assertThat(view.destination()).isEqualTo(MacAddress.BROADCAST);
        assertThat(view.source()).isEqualTo(MacAddress.parse("52:54:00:12:34:56"));
        assertThat(view.etherType()).isEqualTo(EthernetHeader.ETHERTYPE_IPV4);
        assertThat(view.isEthernetII()).isTrue();
        assertThat(view.headerLength()).isEqualTo(14);
        assertThat(view.payloadOffset()).isEqualTo(14);
        assertThat(view.payloadLength()).isEqualTo(2);
        assertThat(view.tagCount()).isZero();
        assertThat(view.vlanId()).isEqualTo(EthernetHeader.NO_TAG);
        assertThat(view.outerVlanId()).isEqualTo(EthernetHeader.NO_TAG);
        assertThat(view.pcp()).isEqualTo(EthernetHeader.NO_TAG);
        assertThat(view.dei()).isFalse();
        assertThat(view.outerTagProtocol()).isEqualTo(EthernetHeader.NO_TAG);
    }

    @Test
    void knownSingleTaggedFrame() {
        // 802.1Q tag: PCP 5, DEI 1, VID 0x123 -> TCI 0xb123; inner type IPv6.
        byte[] frame = hex("0200 5e10 0001 5254 0012 3456 8100 b123 86dd");

        assertThat(view.wrap(frame, 0, frame.length)).isEqualTo(ParseResult.OK);
        assertThat(view.etherType()).isEqualTo(EthernetHeader.ETHERTYPE_IPV6);
        assertThat(view.headerLength()).isEqualTo(18);
        assertThat(view.payloadLength()).isZero();
        assertThat(view.tagCount()).isEqualTo(1);
        assertThat(view.outerTagProtocol()).isEqualTo(EthernetHeader.ETHERTYPE_VLAN);
        assertThat(view.vlanId()).isEqualTo(0x123);
        assertThat(view.pcp()).isEqualTo(5);
        assertThat(view.dei()).isTrue();
        assertThat(view.outerVlanId()).isEqualTo(0x123);
        assertThat(view.outerPcp()).isEqualTo(5);
        assertThat(view.outerDei()).isTrue();
    }

    @Test
    void knownQinQFrame() {
        // S-tag PCP 1 VID 100 (0x2064), C-tag PCP 0 VID 4094 (0x0ffe), inner type ARP.
        byte[] frame = hex("0200 5e10 0001 5254 0012 3456 88a8 2064 8100 0ffe 0806 0001");

        assertThat(view.wrap(frame, 0, frame.length)).isEqualTo(ParseResult.OK);
        assertThat(view.etherType()).isEqualTo(EthernetHeader.ETHERTYPE_ARP);
        assertThat(view.headerLength()).isEqualTo(22);
        assertThat(view.payloadOffset()).isEqualTo(22);
        assertThat(view.payloadLength()).isEqualTo(2);
        assertThat(view.tagCount()).isEqualTo(2);
        assertThat(view.outerTagProtocol()).isEqualTo(EthernetHeader.ETHERTYPE_QINQ);
        assertThat(view.outerVlanId()).isEqualTo(100);
        assertThat(view.outerPcp()).isEqualTo(1);
        assertThat(view.outerDei()).isFalse();
        assertThat(view.vlanId()).isEqualTo(4094);
        assertThat(view.pcp()).isZero();
    }

    @Test
    void serviceTagAloneIsOneTag() {
        byte[] frame = hex("0200 5e10 0001 5254 0012 3456 88a8 0064 0800");

        assertThat(view.wrap(frame, 0, frame.length)).isEqualTo(ParseResult.OK);
        assertThat(view.tagCount()).isEqualTo(1);
        assertThat(view.outerTagProtocol()).isEqualTo(EthernetHeader.ETHERTYPE_QINQ);
        assertThat(view.vlanId()).isEqualTo(100);
        assertThat(view.etherType()).isEqualTo(EthernetHeader.ETHERTYPE_IPV4);
    }

    @Test
    void secondCustomerTagIsLeftInThePayload() {
        byte[] frame = hex("0200 5e10 0001 5254 0012 3456 8100 0001 8100 0002 0800");

        assertThat(view.wrap(frame, 0, frame.length)).isEqualTo(ParseResult.OK);
        assertThat(view.tagCount()).isEqualTo(1);
        assertThat(view.vlanId()).isEqualTo(1);
        assertThat(view.etherType()).isEqualTo(EthernetHeader.ETHERTYPE_VLAN);
        assertThat(view.headerLength()).isEqualTo(18);
    }

    @Test
    void ieee8023LengthIsNotAnEtherType() {
        byte[] frame = hex("0200 5e10 0001 5254 0012 3456 0026 aaaa03");

        assertThat(view.wrap(frame, 0, frame.length)).isEqualTo(ParseResult.OK);
        assertThat(view.etherType()).isEqualTo(0x26);
        assertThat(view.isEthernetII()).isFalse();
    }

    @Test
    void everyLengthShorterThanTheHeaderIsRejected() {
        byte[] untagged = new byte[14];
        EthernetHeader.write(untagged, 0, DST, SRC, EthernetHeader.ETHERTYPE_IPV4);
        for (int length = 0; length < 14; length++) {
            assertThat(view.wrap(untagged, 0, length)).as("length %d", length).isEqualTo(ParseResult.TRUNCATED);
        }
        assertThat(view.wrap(untagged, 0, 14)).isEqualTo(ParseResult.OK);

        byte[] tagged = new byte[18];
        EthernetHeader.writeTagged(tagged, 0, DST, SRC, 7, EthernetHeader.ETHERTYPE_IPV4);
        for (int length = 0; length < 18; length++) {
            assertThat(view.wrap(tagged, 0, length)).as("length %d", length)
                    .isEqualTo(length < 14 ? ParseResult.TRUNCATED : ParseResult.ETHERNET_TRUNCATED_VLAN_TAG);
        }
        assertThat(view.wrap(tagged, 0, 18)).isEqualTo(ParseResult.OK);

        byte[] qinq = new byte[22];
        EthernetHeader.writeDoubleTagged(qinq, 0, DST, SRC, 10, 20, EthernetHeader.ETHERTYPE_IPV4);
        for (int length = 0; length < 22; length++) {
            assertThat(view.wrap(qinq, 0, length)).as("length %d", length)
                    .isEqualTo(length < 14 ? ParseResult.TRUNCATED : ParseResult.ETHERNET_TRUNCATED_VLAN_TAG);
        }
        assertThat(view.wrap(qinq, 0, 22)).isEqualTo(ParseResult.OK);
    }

    @Test
    void writersRoundTripAtAnOffset() {
        byte[] b = new byte[40];
        int tci = EthernetHeader.tci(6, false, 4095);
        EthernetHeader.writeTagged(b, 7, DST, SRC, tci, EthernetHeader.ETHERTYPE_ARP);

        assertThat(view.wrap(b, 7, 30)).isEqualTo(ParseResult.OK);
        assertThat(view.offset()).isEqualTo(7);
        assertThat(view.length()).isEqualTo(30);
        assertThat(view.buffer()).isSameAs(b);
        assertThat(view.destinationAddress()).isEqualTo(DST);
        assertThat(view.sourceAddress()).isEqualTo(SRC);
        assertThat(view.vlanId()).isEqualTo(4095);
        assertThat(view.pcp()).isEqualTo(6);
        assertThat(view.dei()).isFalse();
        assertThat(view.etherType()).isEqualTo(EthernetHeader.ETHERTYPE_ARP);
        assertThat(view.payloadOffset()).isEqualTo(25);
        assertThat(view.payloadLength()).isEqualTo(12);

        EthernetHeader.writeDoubleTagged(b, 0, DST, SRC, EthernetHeader.tci(3, true, 1),
                EthernetHeader.tci(0, false, 2), EthernetHeader.ETHERTYPE_IPV6);
        assertThat(view.wrap(b, 0, 22)).isEqualTo(ParseResult.OK);
        assertThat(view.outerVlanId()).isEqualTo(1);
        assertThat(view.outerPcp()).isEqualTo(3);
        assertThat(view.outerDei()).isTrue();
        assertThat(view.vlanId()).isEqualTo(2);
        assertThat(view.etherType()).isEqualTo(EthernetHeader.ETHERTYPE_IPV6);

        EthernetHeader.write(b, 0, DST, SRC, EthernetHeader.ETHERTYPE_IPV4);
        assertThat(b).startsWith(hex("02005e100001 525400123456 0800"));
    }

    @Test
    void settersRewriteAddressesInPlace() {
        byte[] b = new byte[14];
        EthernetHeader.write(b, 0, DST, SRC, EthernetHeader.ETHERTYPE_IPV4);
        assertThat(view.wrap(b, 0, 14)).isEqualTo(ParseResult.OK);

        view.setDestinationAddress(SRC);
        view.setSourceAddress(DST);

        assertThat(view.destinationAddress()).isEqualTo(SRC);
        assertThat(view.sourceAddress()).isEqualTo(DST);
        assertThat(view.etherType()).isEqualTo(EthernetHeader.ETHERTYPE_IPV4);
    }

    @Test
    void tciRejectsFieldsThatDoNotFit() {
        assertThat(EthernetHeader.tci(7, true, 4095)).isEqualTo(0xffff);
        assertThat(EthernetHeader.tci(0, false, 0)).isZero();
        assertThatThrownBy(() -> EthernetHeader.tci(8, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EthernetHeader.tci(0, false, 4096)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EthernetHeader.tci(-1, false, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void viewIsUnusableAfterARejection() {
        byte[] b = new byte[14];
        assertThat(view.wrap(b, 0, 14)).isEqualTo(ParseResult.OK);
        assertThat(view.wrap(b, 0, 13)).isEqualTo(ParseResult.TRUNCATED);

        assertThatThrownBy(view::etherType).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(new EthernetHeader()::sourceAddress).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rangeOutsideTheArrayIsACallerBug() {
        assertThatThrownBy(() -> view.wrap(new byte[14], 1, 14)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> view.wrap(new byte[14], -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void parseThrowsWithTheReason() {
        assertThatThrownBy(() -> EthernetHeader.parse(new byte[10]))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reason()).isEqualTo(ParseResult.TRUNCATED));
        assertThat(EthernetHeader.parse(hex("ffffffffffff 525400123456 0806")).toString())
                .isEqualTo("EthernetHeader[52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff, type 0x806]");
    }
}
