package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.wire.TestBytes.hex;

import org.junit.jupiter.api.Test;

class Ipv6OptionCursorTest {
    private final Ipv6OptionCursor cursor = new Ipv6OptionCursor();

    @Test
    void walksTheOptionsOfAnExtensionHeaderSkippingPadding() {
        // Hop-by-hop (16 bytes): Pad1, Router Alert (value 0), PadN with 1 byte, unknown type 0x9e with 3 data
        // bytes, Pad1. Then a routing header (8 bytes).
        byte[] b = new byte[40 + 24];
        Ipv6Header.write(b, 0, 0, 0, 24, Ipv6Header.NEXT_HEADER_HOP_BY_HOP, 1, 0, 1, 0, 2);
        System.arraycopy(hex("2b 01 00 05 02 0000 01 01 00 9e 03 aabbcc 00"), 0, b, 40, 16);
        System.arraycopy(hex("11 00 00 00 00000000"), 0, b, 56, 8);
        Ipv6Header header = new Ipv6Header();
        Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
        assertThat(header.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(chain.walk(header)).isEqualTo(ParseResult.OK);

        cursor.reset(chain, 0);

        assertThat(cursor.next()).isEqualTo(Ipv6OptionCursor.OPTION_ROUTER_ALERT);
        assertThat(cursor.optionType()).isEqualTo(5);
        assertThat(cursor.optionOffset()).isEqualTo(43);
        assertThat(cursor.optionDataOffset()).isEqualTo(45);
        assertThat(cursor.optionDataLength()).isEqualTo(2);
        assertThat(cursor.next()).isEqualTo(0x9e);
        assertThat(cursor.optionOffset()).isEqualTo(50);
        assertThat(cursor.optionDataLength()).isEqualTo(3);
        assertThat(b[cursor.optionDataOffset()]).isEqualTo((byte) 0xaa);
        assertThat(Ipv6OptionCursor.action(cursor.optionType()))
                .isEqualTo(Ipv6OptionCursor.ACTION_DISCARD_AND_REPORT);
        assertThat(Ipv6OptionCursor.mayChangeEnRoute(cursor.optionType())).isFalse();
        assertThat(cursor.next()).isEqualTo(-1);
        assertThat(cursor.optionType()).isEqualTo(-1);
        assertThat(cursor.isMalformed()).isFalse();

        assertThatThrownBy(() -> cursor.reset(chain, 1)).as("routing header").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void actionBits() {
        assertThat(Ipv6OptionCursor.action(0x05)).isEqualTo(Ipv6OptionCursor.ACTION_SKIP);
        assertThat(Ipv6OptionCursor.action(0x4f)).isEqualTo(Ipv6OptionCursor.ACTION_DISCARD);
        assertThat(Ipv6OptionCursor.action(0x80)).isEqualTo(Ipv6OptionCursor.ACTION_DISCARD_AND_REPORT);
        assertThat(Ipv6OptionCursor.action(Ipv6OptionCursor.OPTION_JUMBO_PAYLOAD))
                .isEqualTo(Ipv6OptionCursor.ACTION_DISCARD_AND_REPORT_UNLESS_MULTICAST);
        assertThat(Ipv6OptionCursor.mayChangeEnRoute(0x3e)).isTrue();
    }

    @Test
    void optionAtTheVeryEndAndOnlyPadding() {
        byte[] b = hex("00 00 00 3e 00");
        cursor.reset(b, 0, b.length);
        assertThat(cursor.next()).isEqualTo(0x3e);
        assertThat(cursor.optionOffset()).isEqualTo(3);
        assertThat(cursor.optionDataLength()).isZero();
        assertThat(cursor.next()).isEqualTo(-1);
        assertThat(cursor.isMalformed()).isFalse();

        byte[] padding = hex("01 04 00000000 00 00");
        cursor.reset(padding, 0, padding.length);
        assertThat(cursor.next()).isEqualTo(-1);
        assertThat(cursor.isMalformed()).isFalse();
        assertThat(new Ipv6OptionCursor().next()).as("never reset").isEqualTo(-1);
    }

    @Test
    void longestOptionFillsTheRange() {
        // The longest option (255 data bytes) filling the whole range.
        byte[] b = new byte[2 + 257 + 3];
        b[2] = 0x1e;
        b[3] = (byte) 0xff;
        b[259] = 0x1f; // past the range: must not be read
        cursor.reset(b, 2, 257);
        assertThat(cursor.next()).isEqualTo(0x1e);
        assertThat(cursor.optionDataLength()).isEqualTo(255);
        assertThat(cursor.next()).as("ends exactly at the range").isEqualTo(-1);
        assertThat(cursor.isMalformed()).isFalse();
    }

    @Test
    void stopsAtOptionsPastTheEndOnRawBytes() {
        for (String bad : new String[] {"3e", "00 3e", "3e 01", "3e 02 00", "01 00 3e 05 0000"}) {
            byte[] b = hex(bad);
            cursor.reset(b, 0, b.length);
            while (cursor.next() >= 0) {
                assertThat(cursor.optionOffset() + 2 + cursor.optionDataLength()).isLessThanOrEqualTo(b.length);
            }
            assertThat(cursor.isMalformed()).as(bad).isTrue();
            assertThat(Ipv6OptionCursor.findMalformed(b, 0, b.length)).as(bad).isGreaterThanOrEqualTo(0);
        }
    }
}
