package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.wire.TestBytes.hex;

import org.junit.jupiter.api.Test;

class Ipv6FragmentHeaderTest {
    private final Ipv6FragmentHeader view = new Ipv6FragmentHeader();

    @Test
    void knownHeader() {
        // UDP, offset 1448 (181 units), M set, identification 0xdeadbeef.
        byte[] b = hex("11 00 05a9 deadbeef");

        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.nextHeader()).isEqualTo(Ipv6Header.NEXT_HEADER_UDP);
        assertThat(view.fragmentOffset()).isEqualTo(1448);
        assertThat(view.moreFragments()).isTrue();
        assertThat(view.identification()).isEqualTo(0xdeadbeef);
        assertThat(view.isFragment()).isTrue();
        assertThat(view.payloadOffset()).isEqualTo(8);
        assertThat(view.toString()).isEqualTo("Ipv6FragmentHeader[next 17, offset 1448, M, id 0xdeadbeef]");
    }

    @Test
    void writeRoundTrip() {
        byte[] b = new byte[12];
        Ipv6FragmentHeader.write(b, 4, Ipv6Header.NEXT_HEADER_TCP, Ipv6FragmentHeader.MAX_FRAGMENT_OFFSET, false, 7);

        assertThat(view.wrap(b, 4, 8)).isEqualTo(ParseResult.OK);
        assertThat(view.offset()).isEqualTo(4);
        assertThat(view.buffer()).isSameAs(b);
        assertThat(view.nextHeader()).isEqualTo(Ipv6Header.NEXT_HEADER_TCP);
        assertThat(view.fragmentOffset()).isEqualTo(65528);
        assertThat(view.moreFragments()).isFalse();
        assertThat(view.identification()).isEqualTo(7);
        assertThat(view.isFragment()).isTrue();
        assertThat(b).endsWith(hex("06 00 fff8 00000007"));
    }

    @Test
    void atomicFragmentIsNotAFragment() {
        byte[] b = new byte[8];
        Ipv6FragmentHeader.write(b, 0, Ipv6Header.NEXT_HEADER_UDP, 0, false, 1);
        b[3] |= 0x06; // reserved bits do not make it a fragment
        assertThat(view.wrap(b, 0, 8)).isEqualTo(ParseResult.OK);
        assertThat(view.isFragment()).isFalse();
        assertThat(view.fragmentOffset()).isZero();
        assertThat(view.moreFragments()).isFalse();
    }

    @Test
    void everyShortLengthIsTruncated() {
        byte[] b = new byte[8];
        for (int length = 0; length < 8; length++) {
            assertThat(view.wrap(b, 0, length)).isEqualTo(ParseResult.TRUNCATED);
        }
        assertThatThrownBy(view::identification).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void writerRejectsFieldsThatDoNotFit() {
        byte[] b = new byte[8];
        assertThatThrownBy(() -> Ipv6FragmentHeader.write(b, 0, 6, 4, false, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv6FragmentHeader.write(b, 0, 6, 65536, false, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv6FragmentHeader.write(b, 0, 300, 0, false, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
