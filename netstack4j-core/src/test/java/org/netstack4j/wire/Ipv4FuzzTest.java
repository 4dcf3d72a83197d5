package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes into {@link Ipv4Header#wrap} and {@link Ipv4OptionCursor}: only declared rejections,
 * accessors and option walks that never fail, and checksum updates that keep a valid header valid.
 *
 * <p>Seed files of {@code wrap} end with three control bytes: trailing count, offset (see {@link ProvidedFuzzInput})
 * and, last, the fix-up flag.
 */
class Ipv4FuzzTest {
    private final Ipv4Header view = new Ipv4Header();
    private final Ipv4OptionCursor cursor = new Ipv4OptionCursor();

    @FuzzTest(maxDuration = "2m")
    void wrap(FuzzedDataProvider data) {
        // Optionally make version and total length consistent, so the fuzzer spends its time on the options.
        boolean fixUp = data.consumeBoolean();
        ProvidedFuzzInput in = ProvidedFuzzInput.from(data);
        byte[] b = in.buffer();
        if (fixUp && in.length() >= Ipv4Header.MIN_LENGTH && in.length() <= Ipv4Header.MAX_TOTAL_LENGTH) {
            b[in.offset()] = (byte) (0x40 | b[in.offset()] & 0xf);
            Bytes.put16(b, in.offset() + 2, in.length());
        }
        ParseResult r = view.wrap(b, in.offset(), in.length());
        if (!r.isOk()) {
            assertThat(r).isIn(ParseResult.TRUNCATED, ParseResult.IPV4_BAD_VERSION, ParseResult.IPV4_BAD_IHL,
                    ParseResult.IPV4_BAD_TOTAL_LENGTH, ParseResult.IPV4_BAD_OPTION_LENGTH);
            assertThatThrownBy(view::totalLength).isInstanceOf(IllegalStateException.class);
            return;
        }
        assertThat(view.version()).isEqualTo(4);
        assertThat(view.ihl() * 4).isEqualTo(view.headerLength()).isBetween(Ipv4Header.MIN_LENGTH, Ipv4Header.MAX_LENGTH);
        assertThat(view.totalLength()).isBetween(view.headerLength(), in.length());
        assertThat(view.payloadOffset()).isEqualTo(in.offset() + view.headerLength());
        assertThat(view.payloadOffset() + view.payloadLength()).isLessThanOrEqualTo(in.end());
        assertThat(view.optionsOffset() + view.optionsLength()).isEqualTo(view.payloadOffset());
        assertThat(view.dscp() << 2 | view.ecn()).isEqualTo(view.typeOfService());
        assertThat(view.flags()).isBetween(0, 7);
        assertThat(view.fragmentOffset() % 8).isZero();
        assertThat(view.isFragment()).isEqualTo(view.moreFragments() || view.fragmentOffset() != 0);
        view.dontFragment();
        view.identification();
        view.protocol();
        assertThat(view.source().value()).isEqualTo(view.sourceAddress());
        assertThat(view.destination().value()).isEqualTo(view.destinationAddress());
        assertThat(view.toString()).startsWith("Ipv4Header[");

        cursor.reset(view);
        int previousEnd = view.optionsOffset();
        for (int kind = cursor.next(); kind >= 0; kind = cursor.next()) {
            assertThat(cursor.optionOffset()).isGreaterThanOrEqualTo(previousEnd);
            assertThat(cursor.optionLength()).isGreaterThanOrEqualTo(2);
            previousEnd = cursor.optionOffset() + cursor.optionLength();
            assertThat(previousEnd).isLessThanOrEqualTo(view.payloadOffset());
            assertThat(cursor.optionDataOffset() + cursor.optionDataLength()).isEqualTo(previousEnd);
            assertThat(kind).isEqualTo(b[cursor.optionOffset()] & 0xff);
        }
        assertThat(cursor.isMalformed()).isFalse();

        boolean valid = view.isChecksumValid();
        // One's complement has two zeros: when the rest of the header sums to 0xffff, a stored 0xffff verifies
        // as well as the computed 0x0000. Compare modulo 0xffff.
        assertThat(valid).isEqualTo(view.computeChecksum() % 0xffff == view.headerChecksum() % 0xffff);
        int ttl = view.ttl();
        int newTtl = view.decrementTtl();
        assertThat(newTtl).isEqualTo(ttl - 1);
        if (valid) {
            assertThat(view.isChecksumValid()).as("RFC 1624 update keeps a valid checksum valid").isTrue();
        }
    }

    @FuzzTest(maxDuration = "2m")
    void optionCursor(FuzzedDataProvider data) {
        ProvidedFuzzInput in = ProvidedFuzzInput.from(data);
        byte[] b = in.buffer();
        cursor.reset(b, in.offset(), in.length());
        int previousEnd = in.offset();
        int count = 0;
        for (int kind = cursor.next(); kind >= 0; kind = cursor.next()) {
            assertThat(cursor.optionOffset()).isGreaterThanOrEqualTo(previousEnd);
            previousEnd = cursor.optionOffset() + cursor.optionLength();
            assertThat(previousEnd).isLessThanOrEqualTo(in.end());
            assertThat(kind).isNotIn(Ipv4Header.OPTION_END_OF_LIST, Ipv4Header.OPTION_NO_OPERATION);
            count++;
        }
        assertThat(count).isLessThanOrEqualTo(in.length() / 2);
        ParseResult expected = cursor.isMalformed() ? ParseResult.IPV4_BAD_OPTION_LENGTH : ParseResult.OK;
        assertThat(Ipv4OptionCursor.validate(b, in.offset(), in.length())).isEqualTo(expected);
        assertThat(cursor.next()).isEqualTo(-1);
    }
}
