package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int NOP = TcpOptions.KIND_NO_OPERATION;
    private static final int EOL = TcpOptions.KIND_END_OF_OPTION_LIST;

    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptions options = new TcpOptions();
    private final TcpOptionCursor cursor = new TcpOptionCursor();

    /** A segment whose options region is exactly {@code optionBytes} (a multiple of 4, at most 40). */
    static byte[] segment(int... optionBytes) {
        byte[] b = new byte[TcpHeader.MIN_LENGTH + optionBytes.length];
        TcpHeader.write(b, 0, 1000, 2000, 1, 0, b.length, TcpHeader.SYN, 65535, 0);
        for (int i = 0; i < optionBytes.length; i++) {
            b[TcpHeader.MIN_LENGTH + i] = (byte) optionBytes[i];
        }
        return b;
    }

    /** Pads {@code bytes} with trailing EOL to a multiple of 4. */
    static int[] padded(int... bytes) {
        return Arrays.copyOf(bytes, (bytes.length + 3) & ~3);
    }

    private ParseResult wrapAndParse(byte[] segment) {
        ParseResult r = tcp.wrap(segment, 0, segment.length);
        if (!r.isOk()) {
            return r;
        }
        ParseResult p = options.parse(tcp);
        assertThat(p).as("parse after a successful wrap").isEqualTo(ParseResult.OK);
        return p;
    }

    private List<String> walk(byte[] segment) {
        assertThat(tcp.wrap(segment, 0, segment.length)).isEqualTo(ParseResult.OK);
        cursor.reset(tcp);
        List<String> seen = new ArrayList<>();
        while (cursor.next()) {
            seen.add(cursor.kind() + "@" + (cursor.optionOffset() - TcpHeader.MIN_LENGTH) + "/" + cursor.length());
        }
        assertThat(cursor.result()).isEqualTo(ParseResult.OK);
        return seen;
    }

    @Test
    void linuxSynOptions() {
        byte[] syn = Arrays.copyOfRange(TcpHeaderTest.LINUX_SYN4, 20, 60);
        assertThat(wrapAndParse(syn)).isEqualTo(ParseResult.OK);
        assertThat(options.hasMss()).isTrue();
        assertThat(options.mss()).isEqualTo(1460);
        assertThat(options.sackPermitted()).isTrue();
        assertThat(options.hasTimestamps()).isTrue();
        assertThat(options.tsVal()).isEqualTo(0xf6df_48f4);
        assertThat(options.tsEcr()).isZero();
        assertThat(options.hasWindowScale()).isTrue();
        assertThat(options.windowScale()).isEqualTo(10);
        assertThat(options.windowScaleRaw()).isEqualTo(10);
        assertThat(options.sackBlockCount()).isZero();
        assertThat(walk(syn)).containsExactly("2@0/4", "4@4/2", "8@6/10", "3@17/3");
        assertThat(options.toString()).isEqualTo("TcpOptions[mss 1460, sackOK, TS val 4141828340 ecr 0, wscale 10]");
    }

    @Test
    void emptyOptionsAndOnlyPadding() {
        assertThat(wrapAndParse(segment())).isEqualTo(ParseResult.OK);
        assertThat(options.hasMss() || options.hasTimestamps() || options.hasWindowScale() || options.sackPermitted())
                .isFalse();
        int[] nops = new int[40];
        Arrays.fill(nops, NOP);
        assertThat(wrapAndParse(segment(nops))).isEqualTo(ParseResult.OK);
        assertThat(walk(segment(nops))).isEmpty();
        assertThat(walk(segment(new int[40]))).isEmpty(); // all EOL
    }

    @Test
    void endOfOptionListStopsTheWalkEvenBeforeGarbage() {
        // After EOL, a "MSS" with a bad length and random bytes are padding, not options.
        byte[] b = segment(2, 4, 5, 0xb4, EOL, 2, 9, 0xff);
        assertThat(wrapAndParse(b)).isEqualTo(ParseResult.OK);
        assertThat(options.mss()).isEqualTo(1460);
        assertThat(walk(b)).containsExactly("2@0/4");
    }

    @Test
    void optionEndingExactlyAtTheHeaderEnd() {
        int[] opts = new int[40];
        Arrays.fill(opts, NOP);
        Arrays.fill(opts, 30, 40, 0);
        opts[30] = 8;
        opts[31] = 10;
        opts[35] = 7;  // TSval low byte
        opts[39] = 9;  // TSecr low byte: the last byte of the header
        byte[] b = segment(opts);
        assertThat(wrapAndParse(b)).isEqualTo(ParseResult.OK);
        assertThat(options.tsVal()).isEqualTo(7);
        assertThat(options.tsEcr()).isEqualTo(9);
        // An unknown option running to the very end is skipped.
        int[] unknown = new int[8];
        unknown[0] = NOP;
        unknown[1] = 254;
        unknown[2] = 7;
        assertThat(walk(segment(unknown))).containsExactly("254@1/7");
    }

    @Test
    void maximalOptionListsOfFortyBytes() {
        // MSS, SACK-Permitted, Timestamps, Window Scale and a two-block SACK: 37 bytes, 3 NOPs.
        int[] all = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 3, 3, 14,
                5, 18, 0, 0, 0, 10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 40, NOP, NOP, NOP};
        assertThat(all).hasSize(40);
        byte[] b = segment(all);
        assertThat(wrapAndParse(b)).isEqualTo(ParseResult.OK);
        assertThat(options.mss()).isEqualTo(1460);
        assertThat(options.sackPermitted()).isTrue();
        assertThat(options.tsVal()).isEqualTo(1);
        assertThat(options.tsEcr()).isEqualTo(2);
        assertThat(options.windowScale()).isEqualTo(14);
        assertThat(options.sackBlockCount()).isEqualTo(2);
        assertThat(options.sackLeft(1)).isEqualTo(30);
        assertThat(options.sackRight(1)).isEqualTo(40);
        // Four SACK blocks (34 bytes) plus MSS and SACK-Permitted: exactly 40, no padding.
        int[] sack4 = new int[40];
        sack4[0] = 5;
        sack4[1] = 34;
        for (int i = 0; i < 8; i++) {
            sack4[2 + 4 * i + 3] = 100 + i;
        }
        sack4[34] = 2;
        sack4[35] = 4;
        sack4[36] = 0x02;
        sack4[37] = 0x18;
        sack4[38] = 4;
        sack4[39] = 2;
        assertThat(wrapAndParse(segment(sack4))).isEqualTo(ParseResult.OK);
        assertThat(options.sackBlockCount()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(options.sackLeft(i)).isEqualTo(100 + 2 * i);
            assertThat(options.sackRight(i)).isEqualTo(101 + 2 * i);
        }
        assertThat(options.mss()).isEqualTo(536);
        assertThat(options.sackPermitted()).isTrue();
    }

    @Test
    void knownKindsAcceptOnlyTheirExactLengths() {
        int[][] kindAndLengths = {
                {TcpOptions.KIND_MAXIMUM_SEGMENT_SIZE, 4},
                {TcpOptions.KIND_WINDOW_SCALE, 3},
                {TcpOptions.KIND_SACK_PERMITTED, 2},
                {TcpOptions.KIND_TIMESTAMPS, 10},
                {TcpOptions.KIND_SACK, 10, 18, 26, 34},
        };
        for (int[] k : kindAndLengths) {
            int kind = k[0];
            for (int len = 0; len <= 40; len++) {
                int[] opts = new int[40];
                Arrays.fill(opts, NOP);
                opts[0] = kind;
                opts[1] = len;
                boolean allowed = false;
                for (int i = 1; i < k.length; i++) {
                    allowed |= k[i] == len;
                }
                ParseResult expected = allowed ? ParseResult.OK : ParseResult.TCP_BAD_OPTION_LENGTH;
                assertThat(tcp.wrap(segment(opts), 0, 60)).as("kind %d length %d", kind, len).isEqualTo(expected);
                assertThat(options.parse(segment(opts), 20, 40)).as("kind %d length %d", kind, len).isEqualTo(expected);
            }
        }
    }

    @Test
    void lengthBelowTwoIsMalformedForEveryKind() {
        for (int kind = 2; kind < 256; kind++) {
            for (int len = 0; len < 2; len++) {
                byte[] b = segment(padded(NOP, kind, len, NOP));
                assertThat(tcp.wrap(b, 0, b.length)).as("kind %d length %d", kind, len)
                        .isEqualTo(ParseResult.TCP_BAD_OPTION_LENGTH);
            }
        }
    }

    @Test
    void optionRunningPastTheHeaderIsMalformed() {
        // 8 bytes of options: an unknown option at 2 claiming 7 bytes overruns by one.
        assertThat(tcp.wrap(segment(NOP, NOP, 200, 7, 0, 0, 0, 0), 0, 28)).isEqualTo(ParseResult.TCP_BAD_OPTION_LENGTH);
        assertThat(tcp.wrap(segment(NOP, NOP, 200, 6, 0, 0, 0, 0), 0, 28)).isEqualTo(ParseResult.OK);
        // Timestamps (10 bytes) in a 12-byte region: from index 2 it ends exactly at the end, from 3 it overruns.
        assertThat(tcp.wrap(segment(NOP, NOP, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0), 0, 32)).isEqualTo(ParseResult.OK);
        assertThat(tcp.wrap(segment(NOP, NOP, NOP, 8, 10, 0, 0, 0, 0, 0, 0, 0), 0, 32))
                .isEqualTo(ParseResult.TCP_BAD_OPTION_LENGTH);
        // A SACK option claiming more blocks than the region holds.
        assertThat(tcp.wrap(segment(NOP, NOP, 5, 18, 0, 0, 0, 0, 0, 0, 0, 0), 0, 32))
                .isEqualTo(ParseResult.TCP_BAD_OPTION_LENGTH);
    }

    @Test
    void kindByteWithoutALengthByteAtTheEnd() {
        assertThat(tcp.wrap(segment(NOP, NOP, NOP, 2), 0, 24)).isEqualTo(ParseResult.TCP_BAD_OPTION_LENGTH);
        assertThat(tcp.wrap(segment(NOP, NOP, NOP, 99), 0, 24)).isEqualTo(ParseResult.TCP_BAD_OPTION_LENGTH);
        assertThat(tcp.wrap(segment(NOP, NOP, NOP, EOL), 0, 24)).isEqualTo(ParseResult.OK);
        assertThat(tcp.wrap(segment(NOP, NOP, NOP, NOP), 0, 24)).isEqualTo(ParseResult.OK);
    }

    @Test
    void unknownKindsAreSkippedByTheirLength() {
        // MD5 signature (19, 18 bytes) then MSS.
        int[] opts = new int[24];
        opts[0] = 19;
        opts[1] = 18;
        opts[18] = 2;
        opts[19] = 4;
        opts[20] = 0x05;
        opts[21] = 0xdc;
        opts[22] = NOP;
        opts[23] = EOL;
        byte[] b = segment(opts);
        assertThat(wrapAndParse(b)).isEqualTo(ParseResult.OK);
        assertThat(options.mss()).isEqualTo(1500);
        assertThat(walk(b)).containsExactly("19@0/18", "2@18/4");
    }

    @Test
    void windowScaleAboveFourteenIsClampedButRecorded() {
        for (int raw : new int[] {14, 15, 200, 255}) {
            assertThat(wrapAndParse(segment(NOP, 3, 3, raw))).isEqualTo(ParseResult.OK);
            assertThat(options.windowScaleRaw()).isEqualTo(raw);
            assertThat(options.windowScale()).isEqualTo(14);
        }
        assertThat(wrapAndParse(segment(NOP, 3, 3, 0))).isEqualTo(ParseResult.OK);
        assertThat(options.windowScale()).isZero();
        assertThat(options.hasWindowScale()).isTrue();
    }

    @Test
    void duplicateOptionsLastOneWins() {
        assertThat(wrapAndParse(segment(2, 4, 0, 100, 2, 4, 0, 200))).isEqualTo(ParseResult.OK);
        assertThat(options.mss()).isEqualTo(200);
    }

    @Test
    void failedParseLeavesTheHolderEmpty() {
        byte[] b = segment(2, 4, 0, 100, 3, 2, NOP, NOP);
        assertThat(options.parse(b, 20, 8)).isEqualTo(ParseResult.TCP_BAD_OPTION_LENGTH);
        assertThat(options.hasMss()).isFalse();
        assertThat(options.hasWindowScale()).isFalse();
    }

    @Test
    void parseReplacesPreviousContents() {
        assertThat(wrapAndParse(Arrays.copyOfRange(TcpHeaderTest.LINUX_SYN4, 20, 60))).isEqualTo(ParseResult.OK);
        assertThat(wrapAndParse(segment())).isEqualTo(ParseResult.OK);
        assertThat(options.hasMss()).isFalse();
        assertThat(options.hasTimestamps()).isFalse();
        assertThat(options.sackPermitted()).isFalse();
        assertThat(options.hasWindowScale()).isFalse();
        assertThat(options.toString()).isEqualTo("TcpOptions[]");
    }

    @Test
    void cursorReportsMalformedOptionAfterTheGoodOnes() {
        byte[] b = segment(2, 4, 0, 100, NOP, 8, 9, 0);
        cursor.reset(b, 20, 8);
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.kind()).isEqualTo(2);
        assertThat(cursor.dataOffset()).isEqualTo(22);
        assertThat(cursor.dataLength()).isEqualTo(2);
        assertThat(cursor.buffer()).isSameAs(b);
        assertThat(cursor.result()).isEqualTo(ParseResult.OK);
        assertThat(cursor.next()).isFalse();
        assertThat(cursor.result()).isEqualTo(ParseResult.TCP_BAD_OPTION_LENGTH);
        assertThat(cursor.next()).isFalse();
        cursor.reset(b, 20, 4);
        assertThat(cursor.result()).isEqualTo(ParseResult.OK);
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.next()).isFalse();
        assertThat(cursor.result()).isEqualTo(ParseResult.OK);
    }

    @Test
    void cursorCanClampAnMssInPlace() {
        byte[] b = Arrays.copyOfRange(TcpHeaderTest.LINUX_SYN4, 20, 60);
        assertThat(tcp.wrap(b, 0, 40)).isEqualTo(ParseResult.OK);
        cursor.reset(tcp);
        while (cursor.next()) {
            if (cursor.kind() == TcpOptions.KIND_MAXIMUM_SEGMENT_SIZE) {
                Bytes.put16(b, cursor.dataOffset(), Math.min(Bytes.u16(b, cursor.dataOffset()), 1400));
            }
        }
        assertThat(options.parse(tcp)).isEqualTo(ParseResult.OK);
        assertThat(options.mss()).isEqualTo(1400);
    }

    @Test
    void cursorMustBeResetFirst() {
        assertThatThrownBy(cursor::next).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cursor.reset(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void writerLinuxSynLayout() {
        byte[] b = new byte[40];
        options.setMss(1460).setSackPermitted(true).setTimestamps(0x01020304, 0x05060708).setWindowScale(7);
        int n = TcpOptionsWriter.write(b, 0, options);
        assertThat(n).isEqualTo(20).isEqualTo(TcpOptionsWriter.length(options));
        assertThat(HEX.formatHex(b, 0, n)).isEqualTo("020405b4" + "0402080a" + "01020304" + "05060708" + "01030307");
    }

    @Test
    void writerSynWithoutTimestamps() {
        byte[] b = new byte[40];
        options.setMss(1400).setSackPermitted(true).setWindowScale(0);
        int n = TcpOptionsWriter.write(b, 0, options);
        assertThat(HEX.formatHex(b, 0, n)).isEqualTo("02040578" + "01030300" + "01010402");
        options.clear().setMss(536);
        assertThat(TcpOptionsWriter.write(b, 0, options)).isEqualTo(4);
        assertThat(HEX.formatHex(b, 0, 4)).isEqualTo("02040218");
    }

    @Test
    void writerEstablishedTimestamps() {
        byte[] b = new byte[14];
        assertThat(TcpOptionsWriter.writeTimestamps(b, 2, -1, 0x7fffffff)).isEqualTo(12);
        assertThat(HEX.formatHex(b)).isEqualTo("00000101080affffffff7fffffff");
        options.setTimestamps(-1, 0x7fffffff);
        byte[] c = new byte[12];
        assertThat(TcpOptionsWriter.write(c, 0, options)).isEqualTo(12);
        assertThat(c).isEqualTo(Arrays.copyOfRange(b, 2, 14));
    }

    @Test
    void writerSackBlocksWithTimestampsFitThree() {
        options.setTimestamps(11, 22);
        for (int i = 0; i < 4; i++) {
            assertThat(options.addSackBlock(1000 * i, 1000 * i + 500)).isTrue();
        }
        assertThat(options.addSackBlock(1, 2)).isFalse();
        byte[] b = new byte[40];
        int n = TcpOptionsWriter.write(b, 0, options);
        assertThat(n).isEqualTo(40).isEqualTo(TcpOptionsWriter.length(options));
        assertThat(HEX.formatHex(b, 0, 16)).isEqualTo("0101080a0000000b00000016" + "0101051a");
        TcpOptions back = reparse(b, n);
        assertThat(back.sackBlockCount()).isEqualTo(3);
        assertThat(back.sackLeft(2)).isEqualTo(2000);
        assertThat(back.sackRight(2)).isEqualTo(2500);
        assertThat(back.tsVal()).isEqualTo(11);
    }

    @Test
    void writerSackBlocksWithoutTimestampsFitFour() {
        for (int i = 0; i < 4; i++) {
            options.addSackBlock(-100 * i, -100 * i + 50);
        }
        byte[] b = new byte[40];
        int n = TcpOptionsWriter.write(b, 0, options);
        assertThat(n).isEqualTo(36).isEqualTo(TcpOptionsWriter.length(options));
        assertThat(HEX.formatHex(b, 0, 4)).isEqualTo("01010522");
        TcpOptions back = reparse(b, n);
        assertThat(back.sackBlockCount()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(back.sackLeft(i)).isEqualTo(-100 * i);
            assertThat(back.sackRight(i)).isEqualTo(-100 * i + 50);
        }
        options.clearSackBlocks().addSackBlock(5, 6);
        assertThat(TcpOptionsWriter.write(b, 0, options)).isEqualTo(12);
    }

    @Test
    void everyWriterCombinationIsAlignedFitsAndParsesBack() {
        byte[] b = new byte[60];
        for (int mask = 0; mask < 16; mask++) {
            for (int blocks = 0; blocks <= 4; blocks++) {
                options.clear();
                if ((mask & 1) != 0) {
                    options.setMss(1000 + mask);
                }
                if ((mask & 2) != 0) {
                    options.setSackPermitted(true);
                }
                if ((mask & 4) != 0) {
                    options.setTimestamps(mask, blocks);
                }
                if ((mask & 8) != 0) {
                    options.setWindowScale(mask % 15);
                }
                for (int i = 0; i < blocks; i++) {
                    options.addSackBlock(i, i + 1);
                }
                Arrays.fill(b, (byte) 0xee);
                int n = TcpOptionsWriter.write(b, 20, options);
                assertThat(n % 4).isZero();
                assertThat(n).isBetween(0, TcpHeader.MAX_OPTIONS_LENGTH).isEqualTo(TcpOptionsWriter.length(options));
                TcpOptions back = reparse(Arrays.copyOfRange(b, 20, 20 + n), n);
                assertThat(back.hasMss()).isEqualTo(options.hasMss());
                assertThat(back.mss()).isEqualTo(options.mss());
                assertThat(back.sackPermitted()).isEqualTo(options.sackPermitted());
                assertThat(back.hasTimestamps()).isEqualTo(options.hasTimestamps());
                assertThat(back.tsVal()).isEqualTo(options.tsVal());
                assertThat(back.tsEcr()).isEqualTo(options.tsEcr());
                assertThat(back.hasWindowScale()).isEqualTo(options.hasWindowScale());
                assertThat(back.windowScale()).isEqualTo(options.windowScale());
                assertThat(back.sackBlockCount()).isLessThanOrEqualTo(blocks);
                for (int i = 0; i < back.sackBlockCount(); i++) {
                    assertThat(back.sackLeft(i)).isEqualTo(i);
                }
                // Only blocks that could not fit were left out.
                if (back.sackBlockCount() < blocks) {
                    assertThat(n + 8).isGreaterThan(TcpHeader.MAX_OPTIONS_LENGTH);
                }
            }
        }
    }

    @Test
    void holderValidatesWhatItWillEmit() {
        assertThatThrownBy(() -> options.setMss(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.setMss(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.setWindowScale(15)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.sackLeft(0)).isInstanceOf(IndexOutOfBoundsException.class);
        options.addSackBlock(1, 2);
        assertThat(options.sackLeft(0)).isEqualTo(1);
        assertThatThrownBy(() -> options.sackRight(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(options.clearTimestamps().hasTimestamps()).isFalse();
    }

    @Test
    void copyFromCopiesEverything() {
        options.setMss(1).setSackPermitted(true).setTimestamps(2, 3).setWindowScale(4).addSackBlock(5, 6);
        TcpOptions copy = new TcpOptions().copyFrom(options);
        assertThat(copy.toString()).isEqualTo(options.toString())
                .isEqualTo("TcpOptions[mss 1, sackOK, TS val 2 ecr 3, wscale 4, sack 5:6]");
    }

    private static TcpOptions reparse(byte[] optionBytes, int n) {
        byte[] seg = new byte[TcpHeader.MIN_LENGTH + n];
        TcpHeader.write(seg, 0, 1, 2, 3, 4, seg.length, TcpHeader.ACK, 5, 0);
        System.arraycopy(optionBytes, 0, seg, TcpHeader.MIN_LENGTH, n);
        TcpHeader h = new TcpHeader();
        assertThat(h.wrap(seg, 0, seg.length)).isEqualTo(ParseResult.OK);
        TcpOptions back = new TcpOptions();
        assertThat(back.parse(h)).isEqualTo(ParseResult.OK);
        return back;
    }
}
