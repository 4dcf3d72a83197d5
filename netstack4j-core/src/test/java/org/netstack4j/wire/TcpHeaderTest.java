package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TcpHeaderTest {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * IPv4 SYN a Linux kernel sent: 192.0.2.1:56834 -> 192.0.2.2:80, options MSS 1460, SACK-Permitted,
     * Timestamps, NOP, Window Scale 10; TCP checksum 0xf393.
     */
    static final byte[] LINUX_SYN4 = HEX.parseHex(
            "4500003c7832400040063e86c0000201c0000202"
                    + "de020050469e70af00000000a002faf0f3930000020405b40402080af6df48f4000000000103030a");
    /** IPv6 SYN a Linux kernel sent: [2001:db8::1]:52544 -> [2001:db8::2]:443, MSS 1440; checksum 0x6b39. */
    static final byte[] LINUX_SYN6 = HEX.parseHex(
            "60031be60028064020010db800000000000000000000000120010db8000000000000000000000002"
                    + "cd4001bbf89cfc5800000000a002fd206b390000020405a00402080a0afab556000000000103030a");
    static final int SRC4 = 0xc000_0201;
    static final int DST4 = 0xc000_0202;
    static final long V6_HIGH = 0x2001_0db8_0000_0000L;
    static final int[] ALL_FLAGS = {TcpHeader.FIN, TcpHeader.SYN, TcpHeader.RST, TcpHeader.PSH, TcpHeader.ACK,
            TcpHeader.URG, TcpHeader.ECE, TcpHeader.CWR, TcpHeader.AE};

    private final TcpHeader tcp = new TcpHeader();

    @Test
    void roundTripOfEveryFixedField() {
        byte[] b = new byte[100];
        TcpHeader.write(b, 7, 0xfedc, 1, 0xdead_beef, 0x8000_0001, 20, TcpHeader.ACK | TcpHeader.PSH, 0xabcd, 0x1234);
        Arrays.fill(b, 27, 37, (byte) 'x');
        assertThat(tcp.wrap(b, 7, 30)).isEqualTo(ParseResult.OK);
        assertThat(tcp.buffer()).isSameAs(b);
        assertThat(tcp.offset()).isEqualTo(7);
        assertThat(tcp.sourcePort()).isEqualTo(0xfedc);
        assertThat(tcp.destinationPort()).isEqualTo(1);
        assertThat(tcp.sequenceNumber()).isEqualTo(0xdead_beef);
        assertThat(tcp.acknowledgmentNumber()).isEqualTo(0x8000_0001);
        assertThat(tcp.dataOffset()).isEqualTo(5);
        assertThat(tcp.headerLength()).isEqualTo(20);
        assertThat(tcp.reservedBits()).isZero();
        assertThat(tcp.flags()).isEqualTo(TcpHeader.ACK | TcpHeader.PSH);
        assertThat(tcp.window()).isEqualTo(0xabcd);
        assertThat(tcp.checksum()).isZero();
        assertThat(tcp.urgentPointer()).isEqualTo(0x1234);
        assertThat(tcp.optionsOffset()).isEqualTo(27);
        assertThat(tcp.optionsLength()).isZero();
        assertThat(tcp.payloadOffset()).isEqualTo(27);
        assertThat(tcp.payloadLength()).isEqualTo(10);
        assertThat(tcp.segmentLength()).isEqualTo(30);
        assertThat(tcp.sequenceSpaceLength()).isEqualTo(10);
    }

    @Test
    void writerReproducesTheLinuxSynByteForByte() {
        byte[] b = new byte[40];
        TcpOptions options = new TcpOptions().setMss(1460).setSackPermitted(true)
                .setTimestamps(0xf6df_48f4, 0).setWindowScale(10);
        int optionsLength = TcpOptionsWriter.write(b, TcpHeader.MIN_LENGTH, options);
        TcpHeader.write(b, 0, 56834, 80, 0x469e_70af, 0, TcpHeader.MIN_LENGTH + optionsLength, TcpHeader.SYN,
                64240, 0);
        assertThat(tcp.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        tcp.setChecksum(tcp.computeChecksumIpv4(SRC4, DST4));
        assertThat(HEX.formatHex(b)).isEqualTo(HEX.formatHex(LINUX_SYN4, 20, LINUX_SYN4.length));
    }

    @Test
    void linuxSynFieldsAndChecksum() {
        assertThat(tcp.wrap(LINUX_SYN4, 20, 40)).isEqualTo(ParseResult.OK);
        assertThat(tcp.sourcePort()).isEqualTo(56834);
        assertThat(tcp.destinationPort()).isEqualTo(80);
        assertThat(tcp.sequenceNumber()).isEqualTo(0x469e_70af);
        assertThat(tcp.flags()).isEqualTo(TcpHeader.SYN);
        assertThat(tcp.isSyn()).isTrue();
        assertThat(tcp.isAck()).isFalse();
        assertThat(tcp.window()).isEqualTo(64240);
        assertThat(tcp.headerLength()).isEqualTo(40);
        assertThat(tcp.optionsLength()).isEqualTo(20);
        assertThat(tcp.payloadLength()).isZero();
        assertThat(tcp.sequenceSpaceLength()).isEqualTo(1);
        assertThat(tcp.checksum()).isEqualTo(0xf393);
        assertThat(tcp.verifyChecksumIpv4(SRC4, DST4)).isTrue();
        assertThat(tcp.computeChecksumIpv4(SRC4, DST4)).isEqualTo(0xf393);
        assertThat(tcp.verifyChecksumIpv4(SRC4, DST4 ^ 0x100)).isFalse();
        assertThat(tcp.toString()).isEqualTo("TcpHeader[56834 > 80 [S] seq 1184788655 ack 0 win 64240 hlen 40 len 0]");
    }

    @Test
    void linuxIpv6SynChecksum() {
        assertThat(tcp.wrap(LINUX_SYN6, 40, 40)).isEqualTo(ParseResult.OK);
        assertThat(tcp.destinationPort()).isEqualTo(443);
        assertThat(tcp.checksum()).isEqualTo(0x6b39);
        assertThat(tcp.verifyChecksumIpv6(V6_HIGH, 1, V6_HIGH, 2)).isTrue();
        assertThat(tcp.computeChecksumIpv6(V6_HIGH, 1, V6_HIGH, 2)).isEqualTo(0x6b39);
        int pseudo = Checksum.pseudoHeaderIpv6(LINUX_SYN6, 8, 24, TcpHeader.PROTOCOL, tcp.segmentLength());
        assertThat(tcp.verifyChecksum(pseudo)).isTrue();
        assertThat(tcp.computeChecksum(pseudo)).isEqualTo(0x6b39);
        assertThat(tcp.verifyChecksumIpv6(V6_HIGH, 2, V6_HIGH, 1 | 4)).isFalse();
    }

    @Test
    void checksumCoversPayloadAndIgnoresTheStoredField() {
        byte[] b = new byte[20 + 7];
        TcpHeader.write(b, 0, 1, 2, 3, 4, 20, TcpHeader.ACK, 5, 0);
        byte[] data = "payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(data, 0, b, 20, data.length);
        assertThat(tcp.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        int c = tcp.computeChecksumIpv4(SRC4, DST4);
        tcp.setChecksum(0x5555);
        assertThat(tcp.computeChecksumIpv4(SRC4, DST4)).isEqualTo(c);
        assertThat(tcp.verifyChecksumIpv4(SRC4, DST4)).isFalse();
        tcp.setChecksum(c);
        assertThat(tcp.verifyChecksumIpv4(SRC4, DST4)).isTrue();
        b[26] ^= 1; // last, odd payload byte
        assertThat(tcp.verifyChecksumIpv4(SRC4, DST4)).isFalse();
    }

    @Test
    void incrementalUpdateOfARewrittenSequenceNumberKeepsTheChecksumValid() {
        byte[] b = LINUX_SYN4.clone();
        assertThat(tcp.wrap(b, 20, 40)).isEqualTo(ParseResult.OK);
        int old = tcp.sequenceNumber();
        tcp.setSequenceNumber(0x0000_0001);
        tcp.setChecksum(Checksum.update32(tcp.checksum(), old, 0x0000_0001));
        assertThat(tcp.verifyChecksumIpv4(SRC4, DST4)).isTrue();
        int oldPort = tcp.sourcePort();
        tcp.setSourcePort(40000);
        tcp.setChecksum(Checksum.update16(tcp.checksum(), oldPort, 40000));
        assertThat(tcp.verifyChecksumIpv4(SRC4, DST4)).isTrue();
        assertThat(tcp.checksum()).isEqualTo(tcp.computeChecksumIpv4(SRC4, DST4));
    }

    @Test
    void everyFlagCombinationRoundTrips() {
        byte[] b = new byte[20];
        for (int flags = 0; flags < 0x200; flags++) {
            TcpHeader.write(b, 0, 1, 2, 3, 4, 20, flags, 5, 6);
            assertThat(tcp.wrap(b, 0, 20)).isEqualTo(ParseResult.OK);
            assertThat(tcp.flags()).isEqualTo(flags);
            assertThat(tcp.dataOffset()).isEqualTo(5);
            assertThat(tcp.reservedBits()).isZero();
            assertThat(tcp.isFin()).isEqualTo((flags & TcpHeader.FIN) != 0);
            assertThat(tcp.isSyn()).isEqualTo((flags & TcpHeader.SYN) != 0);
            assertThat(tcp.isRst()).isEqualTo((flags & TcpHeader.RST) != 0);
            assertThat(tcp.isPsh()).isEqualTo((flags & TcpHeader.PSH) != 0);
            assertThat(tcp.isAck()).isEqualTo((flags & TcpHeader.ACK) != 0);
            assertThat(tcp.isUrg()).isEqualTo((flags & TcpHeader.URG) != 0);
            assertThat(tcp.isEce()).isEqualTo((flags & TcpHeader.ECE) != 0);
            assertThat(tcp.isCwr()).isEqualTo((flags & TcpHeader.CWR) != 0);
            assertThat(tcp.isAe()).isEqualTo((flags & TcpHeader.AE) != 0);
            for (int f : ALL_FLAGS) {
                assertThat(tcp.hasFlags(f | TcpHeader.ACK)).isEqualTo((flags & (f | TcpHeader.ACK)) == (f | TcpHeader.ACK));
            }
        }
    }

    @Test
    void flagBitsSitWhereRfc9293AndRfc3168PutThem() {
        byte[] b = new byte[20];
        TcpHeader.write(b, 0, 0, 0, 0, 0, 20, TcpHeader.CWR | TcpHeader.FIN, 0, 0);
        assertThat(b[12] & 0xff).isEqualTo(0x50);
        assertThat(b[13] & 0xff).isEqualTo(0x81);
        TcpHeader.write(b, 0, 0, 0, 0, 0, 60, TcpHeader.AE | TcpHeader.URG, 0, 0);
        assertThat(b[12] & 0xff).isEqualTo(0xf1);
        assertThat(b[13] & 0xff).isEqualTo(0x20);
    }

    @Test
    void reservedBitsAreReadableAndKeptBySetFlags() {
        byte[] b = new byte[20];
        TcpHeader.write(b, 0, 1, 2, 3, 4, 20, TcpHeader.SYN, 5, 6);
        b[12] |= 0x0e;
        assertThat(tcp.wrap(b, 0, 20)).isEqualTo(ParseResult.OK);
        assertThat(tcp.reservedBits()).isEqualTo(7);
        assertThat(tcp.flags()).isEqualTo(TcpHeader.SYN);
        tcp.setFlags(TcpHeader.SYN | TcpHeader.ACK | TcpHeader.AE);
        assertThat(tcp.reservedBits()).isEqualTo(7);
        assertThat(tcp.dataOffset()).isEqualTo(5);
        assertThat(b[12] & 0xff).isEqualTo(0x5f);
        assertThat(tcp.flags()).isEqualTo(TcpHeader.SYN | TcpHeader.ACK | TcpHeader.AE);
        tcp.setFlags(0);
        assertThat(b[12] & 0xff).isEqualTo(0x5e);
        assertThat(b[13]).isZero();
    }

    @Test
    void settersRewriteInPlace() {
        byte[] b = new byte[20];
        TcpHeader.write(b, 0, 1, 2, 3, 4, 20, 0, 5, 6);
        assertThat(tcp.wrap(b, 0, 20)).isEqualTo(ParseResult.OK);
        tcp.setSourcePort(0x1111);
        tcp.setDestinationPort(0x2222);
        tcp.setSequenceNumber(0x33333333);
        tcp.setAcknowledgmentNumber(0x44444444);
        tcp.setFlags(TcpHeader.RST);
        tcp.setWindow(0x5555);
        tcp.setChecksum(0x6666);
        tcp.setUrgentPointer(0x7777);
        assertThat(HEX.formatHex(b)).isEqualTo("11112222333333334444444450045555" + "66667777");
    }

    @Test
    void everyLengthBelowTheFixedHeaderIsTruncated() {
        byte[] b = new byte[20];
        TcpHeader.write(b, 0, 1, 2, 3, 4, 20, 0, 5, 6);
        for (int len = 0; len < TcpHeader.MIN_LENGTH; len++) {
            assertThat(tcp.wrap(b, 0, len)).as("len %d", len).isEqualTo(ParseResult.TRUNCATED);
        }
        assertThat(tcp.wrap(b, 0, 20)).isEqualTo(ParseResult.OK);
    }

    @Test
    void everyLengthBelowTheFullHeaderIsABadDataOffset() {
        byte[] b = LINUX_SYN4.clone();
        for (int len = TcpHeader.MIN_LENGTH; len < 40; len++) {
            assertThat(tcp.wrap(b, 20, len)).as("len %d", len).isEqualTo(ParseResult.TCP_BAD_DATA_OFFSET);
        }
        assertThat(tcp.wrap(b, 20, 40)).isEqualTo(ParseResult.OK);
    }

    @Test
    void dataOffsetBelowFiveIsRejected() {
        byte[] b = new byte[60];
        for (int dataOffset = 0; dataOffset < 5; dataOffset++) {
            b[12] = (byte) (dataOffset << 4);
            assertThat(tcp.wrap(b, 0, 60)).as("data offset %d", dataOffset).isEqualTo(ParseResult.TCP_BAD_DATA_OFFSET);
        }
    }

    @Test
    void everyDataOffsetUpToFifteenIsAcceptedWhenTheBytesAreThere() {
        byte[] b = new byte[60];
        Arrays.fill(b, 20, 60, (byte) TcpOptions.KIND_NO_OPERATION);
        for (int dataOffset = 5; dataOffset <= 15; dataOffset++) {
            b[12] = (byte) (dataOffset << 4);
            int hl = dataOffset * 4;
            assertThat(tcp.wrap(b, 0, hl)).as("data offset %d", dataOffset).isEqualTo(ParseResult.OK);
            assertThat(tcp.headerLength()).isEqualTo(hl);
            assertThat(tcp.optionsLength()).isEqualTo(hl - 20);
            assertThat(tcp.payloadLength()).isZero();
            assertThat(tcp.wrap(b, 0, hl - 1)).isEqualTo(hl == 20 ? ParseResult.TRUNCATED : ParseResult.TCP_BAD_DATA_OFFSET);
        }
    }

    @Test
    void malformedOptionsRejectTheSegment() {
        byte[] b = LINUX_SYN4.clone();
        b[20 + 21] = 5; // MSS option length 4 -> 5
        assertThat(tcp.wrap(b, 20, 40)).isEqualTo(ParseResult.TCP_BAD_OPTION_LENGTH);
        assertThatThrownBy(tcp::sourcePort).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sequenceSpaceLengthCountsSynAndFin() {
        byte[] b = new byte[25];
        for (int flags : new int[] {0, TcpHeader.SYN, TcpHeader.FIN, TcpHeader.SYN | TcpHeader.FIN}) {
            TcpHeader.write(b, 0, 1, 2, 3, 4, 20, flags | TcpHeader.ACK, 5, 0);
            assertThat(tcp.wrap(b, 0, 25)).isEqualTo(ParseResult.OK);
            int expected = 5 + ((flags & TcpHeader.SYN) != 0 ? 1 : 0) + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
            assertThat(tcp.sequenceSpaceLength()).isEqualTo(expected);
        }
    }

    @Test
    void writerRejectsImpossibleHeaderLengths() {
        byte[] b = new byte[64];
        for (int hl : new int[] {0, 16, 19, 21, 22, 23, 61, 64}) {
            assertThatThrownBy(() -> TcpHeader.write(b, 0, 1, 2, 3, 4, hl, 0, 5, 6))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void viewIsUnusableBeforeWrapAndAfterARejection() {
        assertThatThrownBy(tcp::flags).isInstanceOf(IllegalStateException.class);
        assertThat(tcp.toString()).contains("unwrapped");
        assertThat(tcp.wrap(LINUX_SYN4, 20, 40)).isEqualTo(ParseResult.OK);
        assertThat(tcp.wrap(LINUX_SYN4, 20, 19)).isEqualTo(ParseResult.TRUNCATED);
        assertThatThrownBy(tcp::payloadLength).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tcp.setWindow(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rangeOutsideTheArrayIsACallerBug() {
        assertThatThrownBy(() -> tcp.wrap(LINUX_SYN4, 30, 40)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void parseConvenienceThrowsWithTheReason() {
        assertThat(TcpHeader.parse(Arrays.copyOfRange(LINUX_SYN4, 20, 60)).destinationPort()).isEqualTo(80);
        assertThatThrownBy(() -> TcpHeader.parse(Arrays.copyOfRange(LINUX_SYN4, 20, 50)))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reason()).isEqualTo(ParseResult.TCP_BAD_DATA_OFFSET));
    }

    @Test
    void flagLettersFollowTcpdump() {
        assertThat(TcpHeader.flagLetters(TcpHeader.SYN | TcpHeader.ACK)).isEqualTo("S.");
        assertThat(TcpHeader.flagLetters(TcpHeader.FIN | TcpHeader.PSH | TcpHeader.ACK)).isEqualTo("FP.");
        assertThat(TcpHeader.flagLetters(0)).isEqualTo("none");
    }
}
