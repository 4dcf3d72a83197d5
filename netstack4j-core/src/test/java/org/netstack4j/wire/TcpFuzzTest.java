package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Arbitrary bytes into {@link TcpHeader#wrap}, {@link TcpOptions#parse} and {@link TcpOptionCursor}:
 * rejections must be declared reasons and agree with an independent reading of RFC 9293's option
 * rules; after OK every accessor, the option walk and the checksum helpers must work and agree. Any
 * exception is a finding. Seed corpora live in {@code TcpFuzzTestInputs/<method>/}.
 */
class TcpFuzzTest {
    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptions options = new TcpOptions();
    private final TcpOptionCursor cursor = new TcpOptionCursor();

    @Test
    void seedCorpusOfTcpHeaderHoldsWellFormedInputs() throws IOException {
        List<byte[]> seeds = FuzzInput.seeds(getClass(), "tcpHeader");
        assertThat(seeds).hasSizeGreaterThanOrEqualTo(4);
        for (byte[] seed : seeds) {
            FuzzInput in = FuzzInput.of(seed);
            assertThat(tcp.wrap(in.data, in.offset, in.length)).isEqualTo(ParseResult.OK);
            tcpHeader(seed);
        }
    }

    @Test
    void seedCorpusOfTcpOptionsHoldsWellFormedInputs() throws IOException {
        List<byte[]> seeds = FuzzInput.seeds(getClass(), "tcpOptions");
        assertThat(seeds).hasSizeGreaterThanOrEqualTo(4);
        for (byte[] seed : seeds) {
            FuzzInput in = FuzzInput.of(seed);
            assertThat(options.parse(in.data, in.offset, in.length)).isEqualTo(ParseResult.OK);
            tcpOptions(seed);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void tcpHeader(byte[] input) {
        FuzzInput in = FuzzInput.of(input);
        ParseResult r = tcp.wrap(in.data, in.offset, in.length);
        ParseResult expected = referenceWrap(in.data, in.offset, in.length);
        assertThat(r).isEqualTo(expected);
        if (!r.isOk()) {
            return;
        }
        int hl = tcp.headerLength();
        assertThat(hl).isBetween(TcpHeader.MIN_LENGTH, Math.min(TcpHeader.MAX_LENGTH, in.length));
        assertThat(tcp.dataOffset() * 4).isEqualTo(hl);
        assertThat(tcp.offset()).isEqualTo(in.offset);
        assertThat(tcp.optionsOffset()).isEqualTo(in.offset + TcpHeader.MIN_LENGTH);
        assertThat(tcp.optionsLength()).isEqualTo(hl - TcpHeader.MIN_LENGTH);
        assertThat(tcp.payloadOffset() + tcp.payloadLength()).isEqualTo(in.offset + in.length);
        assertThat(tcp.segmentLength()).isEqualTo(in.length);
        int flags = tcp.flags();
        assertThat(flags).isBetween(0, 0x1ff);
        assertThat(tcp.sequenceSpaceLength()).isEqualTo(tcp.payloadLength()
                + (tcp.isSyn() ? 1 : 0) + (tcp.isFin() ? 1 : 0));
        assertThat(tcp.isRst() || tcp.isPsh() || tcp.isAck() || tcp.isUrg() || tcp.isEce() || tcp.isCwr()
                || tcp.isAe() || tcp.isSyn() || tcp.isFin()).isEqualTo(flags != 0);
        assertThat(tcp.hasFlags(flags)).isTrue();

        // The fixed header rebuilt from the accessors equals the bytes (reserved bits aside).
        byte[] rebuilt = new byte[TcpHeader.MIN_LENGTH];
        TcpHeader.write(rebuilt, 0, tcp.sourcePort(), tcp.destinationPort(), tcp.sequenceNumber(),
                tcp.acknowledgmentNumber(), hl, flags, tcp.window(), tcp.urgentPointer());
        Bytes.put16(rebuilt, 16, tcp.checksum());
        rebuilt[12] |= (byte) (tcp.reservedBits() << 1);
        assertThat(rebuilt).isEqualTo(Arrays.copyOfRange(in.data, in.offset, in.offset + TcpHeader.MIN_LENGTH));

        assertThat(options.parse(tcp)).isEqualTo(ParseResult.OK);
        walkOptions(in.data, tcp.optionsOffset(), tcp.optionsLength());

        int src = Bytes.i32(in.data, in.offset + 4);
        int dst = Bytes.i32(in.data, in.offset + 8);
        tcp.setChecksum(tcp.computeChecksumIpv4(src, dst));
        assertThat(tcp.verifyChecksumIpv4(src, dst)).isTrue();
        tcp.setChecksum(tcp.computeChecksumIpv6(dst, src, -1L, src));
        assertThat(tcp.verifyChecksumIpv6(dst, src, -1L, src)).isTrue();
        assertThat(tcp.toString()).startsWith("TcpHeader[");
    }

    @FuzzTest(maxDuration = "2m")
    void tcpOptions(byte[] input) {
        FuzzInput in = FuzzInput.of(input);
        ParseResult r = options.parse(in.data, in.offset, in.length);
        assertThat(r).isEqualTo(referenceOptions(in.data, in.offset, in.length));
        walkOptions(in.data, in.offset, in.length);
        if (!r.isOk()) {
            assertThat(options.hasMss() || options.hasTimestamps() || options.sackBlockCount() > 0).isFalse();
            return;
        }
        assertThat(options.windowScale()).isBetween(0, TcpOptions.MAX_WINDOW_SCALE);
        assertThat(options.sackBlockCount()).isBetween(0, TcpOptions.MAX_SACK_BLOCKS);
        for (int i = 0; i < options.sackBlockCount(); i++) {
            options.sackLeft(i);
            options.sackRight(i);
        }
        assertThat(options.toString()).startsWith("TcpOptions[");

        // Whatever was parsed can be written back and parses to the same values.
        byte[] region = new byte[TcpHeader.MAX_OPTIONS_LENGTH];
        int n = TcpOptionsWriter.write(region, 0, options);
        assertThat(n).isEqualTo(TcpOptionsWriter.length(options));
        assertThat(n % 4).isZero();
        assertThat(n).isLessThanOrEqualTo(TcpHeader.MAX_OPTIONS_LENGTH);
        TcpOptions back = new TcpOptions();
        assertThat(back.parse(region, 0, n)).isEqualTo(ParseResult.OK);
        assertThat(back.hasMss()).isEqualTo(options.hasMss());
        assertThat(back.mss()).isEqualTo(options.mss());
        assertThat(back.windowScaleRaw()).isEqualTo(options.windowScaleRaw());
        assertThat(back.sackPermitted()).isEqualTo(options.sackPermitted());
        assertThat(back.tsVal()).isEqualTo(options.tsVal());
        assertThat(back.tsEcr()).isEqualTo(options.tsEcr());
        assertThat(back.sackBlockCount()).isLessThanOrEqualTo(options.sackBlockCount());
        for (int i = 0; i < back.sackBlockCount(); i++) {
            assertThat(back.sackLeft(i)).isEqualTo(options.sackLeft(i));
            assertThat(back.sackRight(i)).isEqualTo(options.sackRight(i));
        }
    }

    /** Walks with the cursor and checks every reported option lies inside the region and fits its kind. */
    private void walkOptions(byte[] b, int offset, int length) {
        cursor.reset(b, offset, length);
        int previousEnd = offset;
        while (cursor.next()) {
            assertThat(cursor.buffer()).isSameAs(b);
            assertThat(cursor.kind()).isNotIn(TcpOptions.KIND_END_OF_OPTION_LIST, TcpOptions.KIND_NO_OPERATION);
            assertThat(cursor.optionOffset()).isGreaterThanOrEqualTo(previousEnd);
            assertThat(cursor.length()).isGreaterThanOrEqualTo(2);
            assertThat(cursor.dataOffset() + cursor.dataLength()).isLessThanOrEqualTo(offset + length);
            assertThat(cursor.length()).isEqualTo(b[cursor.optionOffset() + 1] & 0xff);
            previousEnd = cursor.optionOffset() + cursor.length();
        }
        assertThat(cursor.result()).isEqualTo(referenceOptions(b, offset, length));
    }

    /** An independent reading of the wrap rules, written for clarity rather than speed. */
    static ParseResult referenceWrap(byte[] b, int offset, int length) {
        if (length < 20) {
            return ParseResult.TRUNCATED;
        }
        int dataOffsetWords = (b[offset + 12] >> 4) & 0xf;
        if (dataOffsetWords < 5 || dataOffsetWords * 4 > length) {
            return ParseResult.TCP_BAD_DATA_OFFSET;
        }
        return referenceOptions(b, offset + 20, dataOffsetWords * 4 - 20);
    }

    static ParseResult referenceOptions(byte[] b, int offset, int length) {
        int i = 0;
        while (i < length) {
            int kind = b[offset + i] & 0xff;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= length) {
                return ParseResult.TCP_BAD_OPTION_LENGTH;
            }
            int len = b[offset + i + 1] & 0xff;
            boolean ok = len >= 2 && i + len <= length;
            ok &= switch (kind) {
                case 2 -> len == 4;
                case 3 -> len == 3;
                case 4 -> len == 2;
                case 8 -> len == 10;
                case 5 -> len == 10 || len == 18 || len == 26 || len == 34;
                default -> true;
            };
            if (!ok) {
                return ParseResult.TCP_BAD_OPTION_LENGTH;
            }
            i += len;
        }
        return ParseResult.OK;
    }
}
