package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.wire.TestBytes.hex;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4HeaderTest {
    private static final int SRC = 0xc0a8_0001; // 192.168.0.1
    private static final int DST = 0xc0a8_00c7; // 192.168.0.199

    private final Ipv4Header view = new Ipv4Header();

    /** A header with {@code options} (a multiple of 4 bytes) and a total length covering {@code payload} bytes. */
    private static byte[] packet(byte[] options, int payload) {
        byte[] b = new byte[20 + options.length + payload];
        Ipv4Header.write(b, 0, 0, b.length, 1, 0, 0, 64, Ipv4Header.PROTOCOL_UDP, SRC, DST);
        b[0] = (byte) (0x40 | (20 + options.length) / 4);
        System.arraycopy(options, 0, b, 20, options.length);
        Bytes.put16(b, 10, Ipv4Header.checksum(b, 0, 20 + options.length));
        return b;
    }

    @Test
    void knownHeader() {
        // A UDP packet of 115 bytes with DF set; checksum 0xb861 computed by hand over the ten words.
        byte[] b = TestBytes.at(0, hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7"), 95, 0);

        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.version()).isEqualTo(4);
        assertThat(view.ihl()).isEqualTo(5);
        assertThat(view.headerLength()).isEqualTo(20);
        assertThat(view.typeOfService()).isZero();
        assertThat(view.totalLength()).isEqualTo(115);
        assertThat(view.identification()).isZero();
        assertThat(view.flags()).isEqualTo(2);
        assertThat(view.dontFragment()).isTrue();
        assertThat(view.moreFragments()).isFalse();
        assertThat(view.fragmentOffset()).isZero();
        assertThat(view.isFragment()).isFalse();
        assertThat(view.ttl()).isEqualTo(64);
        assertThat(view.protocol()).isEqualTo(Ipv4Header.PROTOCOL_UDP);
        assertThat(view.headerChecksum()).isEqualTo(0xb861);
        assertThat(view.isChecksumValid()).isTrue();
        assertThat(view.computeChecksum()).isEqualTo(0xb861);
        assertThat(view.sourceAddress()).isEqualTo(SRC);
        assertThat(view.destinationAddress()).isEqualTo(DST);
        assertThat(view.source()).isEqualTo(Ipv4Address.parse("192.168.0.1"));
        assertThat(view.destination()).isEqualTo(Ipv4Address.parse("192.168.0.199"));
        assertThat(view.optionsOffset()).isEqualTo(20);
        assertThat(view.optionsLength()).isZero();
        assertThat(view.payloadOffset()).isEqualTo(20);
        assertThat(view.payloadLength()).isEqualTo(95);
        assertThat(view.toString()).isEqualTo("Ipv4Header[192.168.0.1 > 192.168.0.199, proto 17, ttl 64, len 115, id 0, DF]");

        b[11] ^= 1;
        assertThat(view.isChecksumValid()).isFalse();
        assertThat(view.computeChecksum()).isEqualTo(0xb861);
    }

    @Test
    void writeRoundTripsEveryField() {
        byte[] b = new byte[5 + 1500];
        Ipv4Header.write(b, 5, 0xb9, 1500, 0xbeef, Ipv4Header.FLAG_MORE_FRAGMENTS, 65528, 1,
                Ipv4Header.PROTOCOL_TCP, SRC, DST);

        assertThat(view.wrap(b, 5, 1500)).isEqualTo(ParseResult.OK);
        assertThat(view.offset()).isEqualTo(5);
        assertThat(view.buffer()).isSameAs(b);
        assertThat(view.typeOfService()).isEqualTo(0xb9);
        assertThat(view.dscp()).isEqualTo(46); // EF
        assertThat(view.ecn()).isEqualTo(1);   // ECT(1)
        assertThat(view.totalLength()).isEqualTo(1500);
        assertThat(view.identification()).isEqualTo(0xbeef);
        assertThat(view.flags()).isEqualTo(1);
        assertThat(view.dontFragment()).isFalse();
        assertThat(view.moreFragments()).isTrue();
        assertThat(view.fragmentOffset()).isEqualTo(65528);
        assertThat(view.isFragment()).isTrue();
        assertThat(view.ttl()).isEqualTo(1);
        assertThat(view.protocol()).isEqualTo(Ipv4Header.PROTOCOL_TCP);
        assertThat(view.isChecksumValid()).isTrue();
        assertThat(view.sourceAddress()).isEqualTo(SRC);
        assertThat(view.destinationAddress()).isEqualTo(DST);
        assertThat(view.payloadOffset()).isEqualTo(25);
        assertThat(view.payloadLength()).isEqualTo(1480);
    }

    @Test
    void fragmentFlags() {
        byte[] b = new byte[20];
        Ipv4Header.write(b, 0, 0, 20, 7, 0, 8, 64, 1, SRC, DST);
        assertThat(view.wrap(b, 0, 20)).isEqualTo(ParseResult.OK);
        assertThat(view.isFragment()).as("last fragment").isTrue();
        assertThat(view.fragmentOffset()).isEqualTo(8);

        Ipv4Header.write(b, 0, 0, 20, 7, Ipv4Header.FLAG_DONT_FRAGMENT | Ipv4Header.FLAG_MORE_FRAGMENTS, 0, 64, 1,
                SRC, DST);
        assertThat(view.wrap(b, 0, 20)).isEqualTo(ParseResult.OK);
        assertThat(view.isFragment()).as("first fragment").isTrue();
        assertThat(view.flags()).isEqualTo(3);

        b[6] = (byte) 0x80; // only the reserved ("evil") bit
        b[7] = 0;
        assertThat(view.wrap(b, 0, 20)).isEqualTo(ParseResult.OK);
        assertThat(view.isFragment()).isFalse();
        assertThat(view.flags()).isEqualTo(4);
    }

    @Test
    void writerRejectsFieldsThatDoNotFit() {
        byte[] b = new byte[20];
        assertThatThrownBy(() -> Ipv4Header.write(b, 0, 256, 20, 0, 0, 0, 64, 6, SRC, DST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Header.write(b, 0, 0, 19, 0, 0, 0, 64, 6, SRC, DST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Header.write(b, 0, 0, 65536, 0, 0, 0, 64, 6, SRC, DST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Header.write(b, 0, 0, 20, 65536, 0, 0, 64, 6, SRC, DST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Header.write(b, 0, 0, 20, 0, 0x8000, 0, 64, 6, SRC, DST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Header.write(b, 0, 0, 20, 0, 0, 12, 64, 6, SRC, DST))
                .as("offset not a multiple of 8").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Header.write(b, 0, 0, 20, 0, 0, 65536, 64, 6, SRC, DST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Header.write(b, 0, 0, 20, 0, 0, 0, 256, 6, SRC, DST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Header.write(b, 0, 0, 20, 0, 0, 0, 64, -1, SRC, DST))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyLengthShorterThanTheFixedHeaderIsTruncated() {
        byte[] b = packet(new byte[0], 0);
        for (int length = 0; length < 20; length++) {
            assertThat(view.wrap(b, 0, length)).as("length %d", length).isEqualTo(ParseResult.TRUNCATED);
        }
        assertThat(view.wrap(b, 0, 20)).isEqualTo(ParseResult.OK);
    }

    @Test
    void everyLengthShorterThanTheFullHeaderHasABadIhl() {
        byte[] options = new byte[40]; // 40 End of Option List octets: the longest header
        byte[] b = packet(options, 0);
        for (int length = 20; length < 60; length++) {
            assertThat(view.wrap(b, 0, length)).as("length %d", length).isEqualTo(ParseResult.IPV4_BAD_IHL);
        }
        assertThat(view.wrap(b, 0, 60)).isEqualTo(ParseResult.OK);
        assertThat(view.headerLength()).isEqualTo(Ipv4Header.MAX_LENGTH);
        assertThat(view.ihl()).isEqualTo(15);
        assertThat(view.optionsLength()).isEqualTo(40);
        assertThat(view.payloadLength()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 5, 6, 15})
    void otherVersionsAreRejected(int version) {
        byte[] b = packet(new byte[0], 0);
        b[0] = (byte) (version << 4 | 5);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.IPV4_BAD_VERSION);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void ihlBelowFiveIsRejected(int ihl) {
        byte[] b = packet(new byte[0], 40);
        b[0] = (byte) (0x40 | ihl);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.IPV4_BAD_IHL);
    }

    @Test
    void totalLengthMustCoverTheHeaderAndFitTheBytes() {
        byte[] b = packet(new byte[4], 10); // header 24, total 34
        Bytes.put16(b, 2, 23);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.IPV4_BAD_TOTAL_LENGTH);
        Bytes.put16(b, 2, 35);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.IPV4_BAD_TOTAL_LENGTH);
        Bytes.put16(b, 2, 0);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.IPV4_BAD_TOTAL_LENGTH);
        Bytes.put16(b, 2, 24);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.payloadLength()).isZero();
    }

    @Test
    void trailingLinkPaddingIsNotPayload() {
        // A 28-byte ICMP echo inside a 46-byte minimum Ethernet payload.
        byte[] b = new byte[46];
        Ipv4Header.write(b, 0, 0, 28, 1, 0, 0, 64, Ipv4Header.PROTOCOL_ICMP, SRC, DST);

        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.totalLength()).isEqualTo(28);
        assertThat(view.payloadLength()).isEqualTo(8);
    }

    @Test
    void optionsAreValidatedAtWrap() {
        // Options that end exactly at the end of the header.
        assertThat(view.wrap(packet(hex("01 01 94 04 0000 0000"), 0), 0, 28)).isEqualTo(ParseResult.OK);
        // One option filling all 40 bytes (Record Route with nine slots and a pointer).
        byte[] rr = new byte[40];
        rr[0] = (byte) Ipv4Header.OPTION_RECORD_ROUTE;
        rr[1] = 39;
        rr[2] = 4;
        assertThat(view.wrap(packet(rr, 0), 0, 60)).isEqualTo(ParseResult.OK);
        // The longest possible list: ten 4-byte options.
        byte[] many = new byte[40];
        for (int i = 0; i < 40; i += 4) {
            many[i] = (byte) 0x94;
            many[i + 1] = 4;
        }
        assertThat(view.wrap(packet(many, 0), 0, 60)).isEqualTo(ParseResult.OK);
        // Garbage after End of Option List is padding, not options.
        assertThat(view.wrap(packet(hex("00 ff 00 00"), 0), 0, 24)).isEqualTo(ParseResult.OK);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "07 00 0000",           // length 0
        "07 01 0000",           // length 1
        "07 05 0000",           // one past the header
        "01 01 01 07",          // kind in the last byte, no length byte
        "94 04 0000 0707 0000", // second option past the header
    })
    void malformedOptionLengthsAreRejected(String options) {
        byte[] b = packet(hex(options), 0);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.IPV4_BAD_OPTION_LENGTH);
        assertThatThrownBy(view::ttl).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void decrementTtlMatchesAFullRecomputation() {
        Random random = new Random(42);
        byte[] b = new byte[20];
        for (int i = 0; i < 10_000; i++) {
            Ipv4Header.write(b, 0, random.nextInt(256), 20 + random.nextInt(65516), random.nextInt(65536),
                    random.nextBoolean() ? Ipv4Header.FLAG_DONT_FRAGMENT : 0, random.nextInt(8192) * 8,
                    1 + random.nextInt(255), random.nextInt(256), random.nextInt(), random.nextInt());
            int ttl = Bytes.u8(b, 8);

            assertThat(Ipv4Header.decrementTtl(b, 0)).isEqualTo(ttl - 1);

            assertThat(Bytes.u8(b, 8)).isEqualTo(ttl - 1);
            assertThat(Bytes.u16(b, 10)).as("iteration %d", i).isEqualTo(Ipv4Header.checksum(b, 0, 20));
        }
    }

    @Test
    void decrementTtlOnTheView() {
        byte[] b = packet(hex("94040000"), 0);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        view.setTtl(2);
        view.updateChecksum();

        assertThat(view.decrementTtl()).isEqualTo(1);
        assertThat(view.decrementTtl()).isZero();
        assertThat(view.isChecksumValid()).isTrue();
        assertThat(view.decrementTtl()).isEqualTo(-1);
        assertThat(view.ttl()).isZero();
        assertThat(view.isChecksumValid()).isTrue();
    }

    @Test
    void settersRewriteInPlace() {
        byte[] b = packet(new byte[0], 30);
        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);

        view.setSourceAddress(0x0a00_0001);
        view.setDestinationAddress(0x0a00_0002);
        view.setIdentification(0x1234);
        view.setTotalLength(30);
        assertThat(view.isChecksumValid()).isFalse();
        view.updateChecksum();

        assertThat(view.isChecksumValid()).isTrue();
        assertThat(Ipv4Header.parse(java.util.Arrays.copyOf(b, 30)).source()).isEqualTo(Ipv4Address.parse("10.0.0.1"));
        assertThat(view.destinationAddress()).isEqualTo(0x0a00_0002);
        assertThat(view.identification()).isEqualTo(0x1234);
        assertThat(view.totalLength()).isEqualTo(30);
        assertThat(view.payloadLength()).isEqualTo(10);

        view.setHeaderChecksum(0);
        assertThat(view.headerChecksum()).isZero();
        assertThatThrownBy(() -> view.setTotalLength(19)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> view.setTotalLength(51)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void copiedOptionBit() {
        assertThat(Ipv4Header.isOptionCopied(Ipv4Header.OPTION_LOOSE_SOURCE_ROUTE)).isTrue();
        assertThat(Ipv4Header.isOptionCopied(Ipv4Header.OPTION_ROUTER_ALERT)).isTrue();
        assertThat(Ipv4Header.isOptionCopied(Ipv4Header.OPTION_RECORD_ROUTE)).isFalse();
        assertThat(Ipv4Header.isOptionCopied(Ipv4Header.OPTION_TIMESTAMP)).isFalse();
    }

    @Test
    void parseThrowsWithTheReason() {
        byte[] b = packet(new byte[0], 0);
        b[0] = 0x65;
        assertThatThrownBy(() -> Ipv4Header.parse(b)).isInstanceOfSatisfying(MalformedPacketException.class,
                e -> assertThat(e.reason()).isEqualTo(ParseResult.IPV4_BAD_VERSION));
        assertThat(new Ipv4Header().toString()).isEqualTo("Ipv4Header[unwrapped]");
    }
}
