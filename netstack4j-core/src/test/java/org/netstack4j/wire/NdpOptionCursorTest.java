package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.wire.ReferenceChecksum.hex;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdpOptionCursorTest {
    private final NdpOptionCursor cursor = new NdpOptionCursor();

    /** Walks all options and returns their types, asserting the framing result. */
    private List<Integer> types(byte[] b, int offset, int length, ParseResult expected) {
        List<Integer> seen = new ArrayList<>();
        cursor.reset(b, offset, length);
        while (cursor.next()) {
            seen.add(cursor.type());
        }
        assertThat(cursor.result()).isEqualTo(expected);
        assertThat(NdpOptionCursor.validate(b, offset, length)).isEqualTo(expected);
        return seen;
    }

    @Test
    void walksKnownAndUnknownOptionsInOrder() {
        byte[] b = new byte[8 + 16 + 8 + 32 + 16];
        int p = NdpOptionCursor.writeLinkLayerAddress(b, 0, NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS,
                0x0a0b_0c0d_0e0fL);
        b[p] = (byte) 200; // an unknown type, 16 octets of whatever
        b[p + 1] = 2;
        b[p + 2] = 0x55;
        p += 16;
        p += NdpOptionCursor.writeMtu(b, p, 9000);
        p += NdpOptionCursor.writePrefixInformation(b, p, 48, NdpOptionCursor.PREFIX_FLAG_ON_LINK, 3600, 1800,
                0xfd00_0000_0001_0000L, 0);
        b[p] = (byte) NdpOptionCursor.REDIRECTED_HEADER;
        b[p + 1] = 2;
        p += 16;
        assertThat(p).isEqualTo(b.length);

        cursor.reset(b, 0, b.length);
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.type()).isEqualTo(1);
        assertThat(cursor.offset()).isZero();
        assertThat(cursor.length()).isEqualTo(8);
        assertThat(cursor.linkLayerAddress()).isEqualTo(0x0a0b_0c0d_0e0fL);

        assertThat(cursor.next()).isTrue();
        assertThat(cursor.type()).isEqualTo(200);
        assertThat(cursor.offset()).isEqualTo(8);
        assertThat(cursor.length()).isEqualTo(16);
        assertThat(cursor.dataOffset()).isEqualTo(10);
        assertThat(cursor.dataLength()).isEqualTo(14);
        assertThat(b[cursor.dataOffset()]).isEqualTo((byte) 0x55);

        assertThat(cursor.next()).isTrue();
        assertThat(cursor.type()).isEqualTo(NdpOptionCursor.MTU);
        assertThat(cursor.mtu()).isEqualTo(9000);

        assertThat(cursor.next()).isTrue();
        assertThat(cursor.type()).isEqualTo(NdpOptionCursor.PREFIX_INFORMATION);
        assertThat(cursor.prefixLength()).isEqualTo(48);
        assertThat(cursor.prefixFlags()).isEqualTo(0x80);
        assertThat(cursor.onLink()).isTrue();
        assertThat(cursor.autonomous()).isFalse();
        assertThat(cursor.validLifetime()).isEqualTo(3600);
        assertThat(cursor.preferredLifetime()).isEqualTo(1800);
        assertThat(cursor.prefixHigh()).isEqualTo(0xfd00_0000_0001_0000L);
        assertThat(cursor.prefixLow()).isZero();

        assertThat(cursor.next()).isTrue();
        assertThat(cursor.type()).isEqualTo(NdpOptionCursor.REDIRECTED_HEADER);
        assertThat(cursor.redirectedPacketOffset()).isEqualTo(p - 16 + 8);
        assertThat(cursor.redirectedPacketLength()).isEqualTo(8);

        assertThat(cursor.next()).isFalse();
        assertThat(cursor.next()).isFalse();
        assertThat(cursor.result()).isEqualTo(ParseResult.OK);
        assertThat(cursor.malformedOptions()).isZero();
    }

    @Test
    void knownVectorPrefixInformation() {
        // RFC 4861 section 4.6.2 layout written out by hand: 2001:db8:1::/64, L and A, lifetimes
        // 2592000 s (30 days) and 604800 s (7 days).
        byte[] option = hex("03 04 40 c0 0027 8d00 0009 3a80 00000000 20010db800010000 0000000000000000");
        cursor.reset(option, 0, option.length);
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.prefixLength()).isEqualTo(64);
        assertThat(cursor.onLink()).isTrue();
        assertThat(cursor.autonomous()).isTrue();
        assertThat(cursor.validLifetime()).isEqualTo(2_592_000);
        assertThat(cursor.preferredLifetime()).isEqualTo(604_800);
        assertThat(cursor.prefix()).isEqualTo(Ipv6Address.parse("2001:db8:1::"));

        byte[] written = new byte[32];
        NdpOptionCursor.writePrefixInformation(written, 0, 64, 0xc0, 2_592_000, 604_800, 0x2001_0db8_0001_0000L, 0);
        assertThat(written).isEqualTo(option);
    }

    @Test
    void optionExactlyAtTheEnd() {
        byte[] b = new byte[40];
        NdpOptionCursor.writeMtu(b, 32, 1280);
        // Options region [8, 40): an unknown 24-octet option, then the MTU option ending at the last octet.
        b[8] = 99;
        b[9] = 3;
        assertThat(types(b, 8, 32, ParseResult.OK)).containsExactly(99, NdpOptionCursor.MTU);
        cursor.reset(b, 8, 32);
        cursor.next();
        cursor.next();
        assertThat(cursor.offset() + cursor.length()).isEqualTo(b.length);
        assertThat(cursor.mtu()).isEqualTo(1280);
    }

    @Test
    void zeroLengthOptionStopsTheWalk() {
        byte[] b = new byte[24];
        NdpOptionCursor.writeLinkLayerAddress(b, 0, NdpOptionCursor.TARGET_LINK_LAYER_ADDRESS, 1);
        b[8] = (byte) NdpOptionCursor.MTU; // length octet stays 0
        NdpOptionCursor.writeMtu(b, 16, 1500);
        assertThat(types(b, 0, 24, ParseResult.NDP_BAD_OPTION_LENGTH)).containsExactly(2);
        // Only the options before the bad one were seen; the cursor stays finished.
        assertThat(cursor.next()).isFalse();
        assertThatThrownBy(cursor::type).isInstanceOf(IllegalStateException.class);

        byte[] first = new byte[8];
        assertThat(types(first, 0, 8, ParseResult.NDP_BAD_OPTION_LENGTH)).isEmpty();
    }

    @Test
    void optionPastTheEnd() {
        byte[] b = new byte[32];
        b[0] = 1;
        b[1] = 5; // 40 octets in a 32-octet region
        assertThat(types(b, 0, 32, ParseResult.NDP_BAD_OPTION_LENGTH)).isEmpty();
        b[1] = (byte) 255;
        assertThat(types(b, 0, 32, ParseResult.NDP_BAD_OPTION_LENGTH)).isEmpty();
        // The region ends before the array does: the region is what counts.
        b[1] = 4;
        assertThat(types(b, 0, 32, ParseResult.OK)).containsExactly(1);
        assertThat(types(b, 0, 31, ParseResult.NDP_BAD_OPTION_LENGTH)).isEmpty();
    }

    @Test
    void trailingOctetsThatCannotHoldAnOption() {
        byte[] b = new byte[9];
        NdpOptionCursor.writeMtu(b, 0, 1500);
        assertThat(types(b, 0, 9, ParseResult.NDP_BAD_OPTION_LENGTH)).containsExactly(NdpOptionCursor.MTU);
        byte[] c = new byte[12];
        NdpOptionCursor.writeMtu(c, 0, 1500);
        c[8] = 1;
        c[9] = 1; // says 8 octets, 4 remain
        assertThat(types(c, 0, 12, ParseResult.NDP_BAD_OPTION_LENGTH)).containsExactly(NdpOptionCursor.MTU);
    }

    @Test
    void emptyRegionHasNoOptions() {
        assertThat(types(new byte[0], 0, 0, ParseResult.OK)).isEmpty();
        assertThat(types(new byte[16], 16, 0, ParseResult.OK)).isEmpty();
    }

    @Test
    void knownTypesWithTheWrongLengthAreSkippedAndCounted() {
        byte[] b = new byte[24 + 16 + 8 + 40];
        b[0] = (byte) NdpOptionCursor.PREFIX_INFORMATION;
        b[1] = 3; // 24 octets: too short for the 32-octet layout
        b[24] = (byte) NdpOptionCursor.MTU;
        b[25] = 2; // 16 octets: not the 8-octet layout
        NdpOptionCursor.writeLinkLayerAddress(b, 40, NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS, 7);
        b[48] = (byte) NdpOptionCursor.PREFIX_INFORMATION;
        b[49] = 5; // 40 octets: too long
        assertThat(types(b, 0, b.length, ParseResult.OK)).containsExactly(NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS);
        assertThat(cursor.malformedOptions()).isEqualTo(3);

        cursor.reset(b, 40, 8);
        assertThat(cursor.malformedOptions()).isZero();

        // The shortest encodable option (one unit) of the prefix type: its fields would lie outside it.
        byte[] tiny = new byte[16];
        tiny[0] = (byte) NdpOptionCursor.PREFIX_INFORMATION;
        tiny[1] = 1;
        NdpOptionCursor.writeMtu(tiny, 8, 1280);
        assertThat(types(tiny, 0, 16, ParseResult.OK)).containsExactly(NdpOptionCursor.MTU);
        assertThat(cursor.malformedOptions()).isEqualTo(1);
    }

    @Test
    void longLinkLayerAddressOptionIsReturnedWithItsLength() {
        // A 16-octet option, as on links with longer addresses: the length tells the caller.
        byte[] b = hex("0102 0a0b0c0d0e0f 1122 00000000 0000");
        cursor.reset(b, 0, b.length);
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.length()).isEqualTo(16);
        assertThat(cursor.linkLayerAddress()).isEqualTo(0x0a0b_0c0d_0e0fL);
    }

    @Test
    void maximalOptionLists() {
        // One option of the largest encodable length, 255 units.
        byte[] big = new byte[255 * 8];
        big[0] = 42;
        big[1] = (byte) 255;
        assertThat(types(big, 0, big.length, ParseResult.OK)).containsExactly(42);

        // A router advertisement as large as an IPv6 payload can be, full of 8-octet options.
        int count = (65_535 - Icmpv6Message.ROUTER_ADVERTISEMENT_LENGTH) / 8;
        byte[] ra = new byte[Icmpv6Message.ROUTER_ADVERTISEMENT_LENGTH + count * 8];
        ra[0] = (byte) Icmpv6Message.TYPE_ROUTER_ADVERTISEMENT;
        for (int i = 0; i < count; i++) {
            NdpOptionCursor.writeMtu(ra, Icmpv6Message.ROUTER_ADVERTISEMENT_LENGTH + i * 8, i);
        }
        Icmpv6Message message = new Icmpv6Message();
        assertThat(message.wrap(ra, 0, ra.length)).isEqualTo(ParseResult.OK);
        cursor.reset(message);
        long sum = 0;
        int seen = 0;
        while (cursor.next()) {
            sum += cursor.mtu();
            seen++;
        }
        assertThat(seen).isEqualTo(count);
        assertThat(sum).isEqualTo((long) count * (count - 1) / 2);
        assertThat(cursor.result()).isEqualTo(ParseResult.OK);

        // The same list with the very last option broken rejects the whole message.
        ra[ra.length - 7] = 0;
        assertThat(message.wrap(ra, 0, ra.length)).isEqualTo(ParseResult.NDP_BAD_OPTION_LENGTH);
    }

    @Test
    void typedAccessorsRefuseOtherOptionTypes() {
        byte[] b = new byte[16];
        NdpOptionCursor.writeMtu(b, 0, 1500);
        NdpOptionCursor.writeLinkLayerAddress(b, 8, NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS, 1);
        cursor.reset(b, 0, 16);
        assertThatThrownBy(cursor::type).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cursor::mtu).isInstanceOf(IllegalStateException.class);
        cursor.next();
        assertThatThrownBy(cursor::linkLayerAddress).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cursor::prefixHigh).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cursor::redirectedPacketLength).isInstanceOf(IllegalStateException.class);
        cursor.next();
        assertThatThrownBy(cursor::mtu).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cursor::validLifetime).isInstanceOf(IllegalStateException.class);
        assertThat(cursor.linkLayerAddress()).isEqualTo(1);
    }

    @Test
    void resetChecksTheRangeAndRestartsTheWalk() {
        byte[] b = new byte[16];
        assertThatThrownBy(() -> cursor.reset(b, 10, 8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> cursor.reset(b, -1, 4)).isInstanceOf(IndexOutOfBoundsException.class);

        assertThat(types(b, 0, 16, ParseResult.NDP_BAD_OPTION_LENGTH)).isEmpty();
        NdpOptionCursor.writeMtu(b, 0, 1);
        NdpOptionCursor.writeMtu(b, 8, 2);
        cursor.reset(b, 0, 16);
        assertThat(cursor.result()).isEqualTo(ParseResult.OK);
        assertThat(types(b, 0, 16, ParseResult.OK)).hasSize(2);
    }

    @Test
    void resetOverANonNdpMessageHasNoOptions() {
        Icmpv6Message echo = new Icmpv6Message();
        byte[] b = new byte[24];
        b[0] = (byte) Icmpv6Message.TYPE_ECHO_REQUEST;
        b[9] = 0; // would be a zero-length option if it were walked
        assertThat(echo.wrap(b, 0, 24)).isEqualTo(ParseResult.OK);
        assertThat(cursor.reset(echo).next()).isFalse();
        assertThat(cursor.result()).isEqualTo(ParseResult.OK);
    }
}
