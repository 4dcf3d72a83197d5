package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes into {@link Ipv6Header#wrap}, {@link Ipv6ExtensionChain#walk} and {@link Ipv6OptionCursor}:
 * only declared rejections, and accessors, chain and option walks that never fail or leave the packet.
 *
 * <p>Seed files of {@code wrap} end with three control bytes: trailing count, offset (see {@link ProvidedFuzzInput})
 * and, last, the fix-up flag.
 */
class Ipv6FuzzTest {
    private final Ipv6Header view = new Ipv6Header();
    private final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
    private final Ipv6OptionCursor cursor = new Ipv6OptionCursor();
    private final Ipv6FragmentHeader fragment = new Ipv6FragmentHeader();

    @FuzzTest(maxDuration = "2m")
    void wrap(FuzzedDataProvider data) {
        // Optionally make version and payload length consistent, so the fuzzer spends its time on the chain.
        boolean fixUp = data.consumeBoolean();
        ProvidedFuzzInput in = ProvidedFuzzInput.from(data);
        byte[] b = in.buffer();
        if (fixUp && in.length() >= Ipv6Header.LENGTH && in.length() - Ipv6Header.LENGTH <= 0xffff) {
            b[in.offset()] = (byte) (0x60 | b[in.offset()] & 0xf);
            Bytes.put16(b, in.offset() + 4, in.length() - Ipv6Header.LENGTH);
        }
        ParseResult r = view.wrap(b, in.offset(), in.length());
        if (!r.isOk()) {
            assertThat(r).isIn(ParseResult.TRUNCATED, ParseResult.IPV6_BAD_VERSION, ParseResult.IPV6_BAD_PAYLOAD_LENGTH);
            assertThatThrownBy(view::payloadLength).isInstanceOf(IllegalStateException.class);
            return;
        }
        assertThat(view.version()).isEqualTo(6);
        assertThat(view.end()).isLessThanOrEqualTo(in.end()).isEqualTo(view.payloadOffset() + view.payloadLength());
        assertThat(view.dscp() << 2 | view.ecn()).isEqualTo(view.trafficClass());
        assertThat(view.flowLabel()).isBetween(0, Ipv6Header.MAX_FLOW_LABEL);
        view.hopLimit();
        assertThat(view.source()).isEqualTo(Ipv6Address.of(b, view.sourceAddressOffset()));
        assertThat(view.destination()).isEqualTo(Ipv6Address.of(b, view.destinationAddressOffset()));
        assertThat(view.toString()).startsWith("Ipv6Header[");

        ParseResult walked = chain.walk(view);
        if (!walked.isOk()) {
            assertThat(walked).isIn(ParseResult.IPV6_BAD_EXTENSION_LENGTH, ParseResult.IPV6_BAD_OPTION_LENGTH,
                    ParseResult.IPV6_MISPLACED_HOP_BY_HOP, ParseResult.IPV6_TOO_MANY_EXTENSIONS);
            assertThat(chain.errorOffset()).isBetween(in.offset(), view.end() - 1);
            assertThatThrownBy(chain::upperLayerOffset).isInstanceOf(IllegalStateException.class);
            return;
        }
        assertThat(chain.errorOffset()).isEqualTo(-1);
        assertThat(chain.upperLayerOffset()).isBetween(view.payloadOffset(), view.end());
        assertThat(chain.upperLayerOffset() + chain.upperLayerLength()).isEqualTo(view.end());
        assertThat(b[chain.lastNextHeaderOffset()] & 0xff).isEqualTo(chain.upperLayerProtocol());
        int count = chain.extensionCount();
        assertThat(count).isBetween(0, chain.maxExtensions());
        int expectedOffset = view.payloadOffset();
        for (int i = 0; i < count; i++) {
            int type = chain.extensionType(i);
            int offset = chain.extensionOffset(i);
            assertThat(offset).isEqualTo(expectedOffset);
            expectedOffset += chain.extensionLength(i);
            assertThat(expectedOffset).isLessThanOrEqualTo(chain.upperLayerOffset());
            if (type == Ipv6Header.NEXT_HEADER_HOP_BY_HOP) {
                assertThat(i).isZero();
            }
            if (type == Ipv6Header.NEXT_HEADER_HOP_BY_HOP || type == Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS) {
                cursor.reset(chain, i);
                for (int option = cursor.next(); option >= 0; option = cursor.next()) {
                    assertThat(cursor.optionOffset()).isGreaterThanOrEqualTo(offset + 2);
                    assertThat(cursor.optionDataOffset() + cursor.optionDataLength()).isLessThanOrEqualTo(expectedOffset);
                    assertThat(cursor.optionType()).isEqualTo(option);
                    Ipv6OptionCursor.action(option);
                }
                assertThat(cursor.isMalformed()).isFalse();
            }
        }
        assertThat(expectedOffset).isEqualTo(chain.upperLayerOffset());
        chain.hopByHopOffset();
        chain.routingType();
        chain.segmentsLeft();
        chain.routingHeaderOffset();
        if (chain.hasFragmentHeader()) {
            int at = chain.fragmentHeaderOffset();
            assertThat(fragment.wrap(b, at, view.end() - at)).isEqualTo(ParseResult.OK);
            assertThat(fragment.fragmentOffset()).isEqualTo(chain.fragmentOffset());
            assertThat(fragment.moreFragments()).isEqualTo(chain.moreFragments());
            assertThat(fragment.identification()).isEqualTo(chain.fragmentIdentification());
            assertThat(fragment.isFragment()).isEqualTo(chain.isFragment());
            fragment.nextHeader();
            if (chain.isFragment()) {
                assertThat(chain.upperLayerOffset()).isEqualTo(fragment.payloadOffset());
                assertThat(chain.upperLayerProtocol()).isEqualTo(fragment.nextHeader());
            }
        } else {
            assertThat(chain.isFragment() || chain.isFirstFragment() || chain.moreFragments()).isFalse();
        }
    }

    @FuzzTest(maxDuration = "2m")
    void optionCursor(FuzzedDataProvider data) {
        ProvidedFuzzInput in = ProvidedFuzzInput.from(data);
        byte[] b = in.buffer();
        cursor.reset(b, in.offset(), in.length());
        int previousEnd = in.offset();
        for (int type = cursor.next(); type >= 0; type = cursor.next()) {
            assertThat(cursor.optionOffset()).isGreaterThanOrEqualTo(previousEnd);
            previousEnd = cursor.optionDataOffset() + cursor.optionDataLength();
            assertThat(previousEnd).isLessThanOrEqualTo(in.end());
            assertThat(type).isNotIn(Ipv6OptionCursor.OPTION_PAD1, Ipv6OptionCursor.OPTION_PADN);
        }
        assertThat(cursor.isMalformed()).isEqualTo(Ipv6OptionCursor.findMalformed(b, in.offset(), in.length()) >= 0);
        assertThat(cursor.next()).isEqualTo(-1);
    }
}
