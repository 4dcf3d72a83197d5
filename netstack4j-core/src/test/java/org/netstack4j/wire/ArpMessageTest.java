package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.wire.TestBytes.hex;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArpMessageTest {
    private static final long MAC_A = 0x5254_0012_3456L;
    private static final long MAC_B = 0x0200_0000_0001L;
    private static final int IP_A = 0xc000_0201; // 192.0.2.1
    private static final int IP_B = 0xc000_0202; // 192.0.2.2

    private final ArpMessage view = new ArpMessage();

    @Test
    void knownRequest() {
        // Who has 192.0.2.2? Tell 192.0.2.1 (52:54:00:12:34:56), plus 18 bytes of Ethernet padding.
        byte[] msg = hex("0001 0800 06 04 0001 525400123456 c0000201 000000000000 c0000202"
                + "000000000000000000000000000000000000");

        assertThat(view.wrap(msg, 0, msg.length)).isEqualTo(ParseResult.OK);
        assertThat(view.hardwareType()).isEqualTo(ArpMessage.HARDWARE_TYPE_ETHERNET);
        assertThat(view.protocolType()).isEqualTo(ArpMessage.PROTOCOL_TYPE_IPV4);
        assertThat(view.hardwareLength()).isEqualTo(6);
        assertThat(view.protocolLength()).isEqualTo(4);
        assertThat(view.opcode()).isEqualTo(ArpMessage.OPCODE_REQUEST);
        assertThat(view.isRequest()).isTrue();
        assertThat(view.isReply()).isFalse();
        assertThat(view.senderHardwareAddress()).isEqualTo(MAC_A);
        assertThat(view.senderHardware()).isEqualTo(MacAddress.parse("52:54:00:12:34:56"));
        assertThat(view.senderProtocolAddress()).isEqualTo(IP_A);
        assertThat(view.senderProtocol()).isEqualTo(Ipv4Address.parse("192.0.2.1"));
        assertThat(view.targetHardwareAddress()).isZero();
        assertThat(view.targetHardware()).isEqualTo(MacAddress.ZERO);
        assertThat(view.targetProtocolAddress()).isEqualTo(IP_B);
        assertThat(view.targetProtocol()).isEqualTo(Ipv4Address.parse("192.0.2.2"));
        assertThat(view.isGratuitous()).isFalse();
        assertThat(view.isProbe()).isFalse();
        assertThat(view.toString())
                .isEqualTo("ArpMessage[request 192.0.2.1 (52:54:00:12:34:56) -> 192.0.2.2 (00:00:00:00:00:00)]");
    }

    @Test
    void writeRoundTripAtAnOffset() {
        byte[] b = new byte[3 + ArpMessage.LENGTH];
        ArpMessage.write(b, 3, ArpMessage.OPCODE_REPLY, MAC_B, IP_B, MAC_A, IP_A);

        assertThat(view.wrap(b, 3, ArpMessage.LENGTH)).isEqualTo(ParseResult.OK);
        assertThat(view.offset()).isEqualTo(3);
        assertThat(view.buffer()).isSameAs(b);
        assertThat(view.isReply()).isTrue();
        assertThat(view.senderHardwareAddress()).isEqualTo(MAC_B);
        assertThat(view.senderProtocolAddress()).isEqualTo(IP_B);
        assertThat(view.targetHardwareAddress()).isEqualTo(MAC_A);
        assertThat(view.targetProtocolAddress()).isEqualTo(IP_A);
        assertThat(b).endsWith(hex("0001 0800 0604 0002 020000000001 c0000202 525400123456 c0000201"));
    }

    @Test
    void everyLengthShorterThanTheMessageIsTruncated() {
        byte[] b = new byte[ArpMessage.LENGTH];
        ArpMessage.write(b, 0, ArpMessage.OPCODE_REQUEST, MAC_A, IP_A, 0, IP_B);
        for (int length = 0; length < ArpMessage.LENGTH; length++) {
            assertThat(view.wrap(b, 0, length)).as("length %d", length).isEqualTo(ParseResult.TRUNCATED);
        }
        assertThat(view.wrap(b, 0, ArpMessage.LENGTH)).isEqualTo(ParseResult.OK);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0006",  // hardware type IEEE 802
        "2, 86dd",  // protocol type IPv6
        "4, 08",    // hardware length 8
        "5, 10",    // protocol length 16
    })
    void otherFormatsAreUnsupported(int at, String value) {
        byte[] b = new byte[ArpMessage.LENGTH];
        ArpMessage.write(b, 0, ArpMessage.OPCODE_REQUEST, MAC_A, IP_A, 0, IP_B);
        byte[] patch = hex(value);
        System.arraycopy(patch, 0, b, at, patch.length);

        // Reported as soon as the format fields are there, also when the rest is missing.
        for (int length = ArpMessage.FORMAT_LENGTH; length <= ArpMessage.LENGTH; length++) {
            assertThat(view.wrap(b, 0, length)).isEqualTo(ParseResult.ARP_UNSUPPORTED_FORMAT);
        }
    }

    @Test
    void gratuitousRequestAndReply() {
        byte[] b = new byte[ArpMessage.LENGTH];
        ArpMessage.write(b, 0, ArpMessage.OPCODE_REQUEST, MAC_A, IP_A, 0, IP_A);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.isGratuitous()).isTrue();
        assertThat(view.isProbe()).isFalse();

        ArpMessage.write(b, 0, ArpMessage.OPCODE_REPLY, MAC_A, IP_A, MacAddress.BROADCAST.value(), IP_A);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.isGratuitous()).isTrue();

        ArpMessage.write(b, 0, 3, MAC_A, IP_A, 0, IP_A); // RARP request opcode: not gratuitous ARP
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.isGratuitous()).isFalse();
        assertThat(view.toString()).startsWith("ArpMessage[opcode 3 ");
    }

    @Test
    void probeHasAZeroSender() {
        byte[] b = new byte[ArpMessage.LENGTH];
        ArpMessage.write(b, 0, ArpMessage.OPCODE_REQUEST, MAC_A, 0, 0, IP_B);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.isProbe()).isTrue();
        assertThat(view.isGratuitous()).isFalse();

        // An all-zero sender and target is a probe for 0.0.0.0, never an announcement.
        ArpMessage.write(b, 0, ArpMessage.OPCODE_REQUEST, MAC_A, 0, 0, 0);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.isGratuitous()).isFalse();
    }

    @Test
    void viewIsUnusableAfterARejection() {
        byte[] b = new byte[ArpMessage.LENGTH];
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.ARP_UNSUPPORTED_FORMAT);
        assertThatThrownBy(view::opcode).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ArpMessage.parse(b)).isInstanceOfSatisfying(MalformedPacketException.class,
                e -> assertThat(e.reason()).isEqualTo(ParseResult.ARP_UNSUPPORTED_FORMAT));
    }
}
