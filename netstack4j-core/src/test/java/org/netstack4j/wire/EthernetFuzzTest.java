package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Arbitrary bytes into {@link EthernetHeader#wrap}: only declared rejections, and accessors that never fail. */
class EthernetFuzzTest {
    private final EthernetHeader view = new EthernetHeader();

    @FuzzTest(maxDuration = "2m")
    void wrap(FuzzedDataProvider data) {
        ProvidedFuzzInput in = ProvidedFuzzInput.from(data);
        ParseResult r = view.wrap(in.buffer(), in.offset(), in.length());
        if (!r.isOk()) {
            assertThat(r).isIn(ParseResult.TRUNCATED, ParseResult.ETHERNET_TRUNCATED_VLAN_TAG);
            assertThatThrownBy(view::etherType).isInstanceOf(IllegalStateException.class);
            return;
        }
        int tags = view.tagCount();
        assertThat(view.headerLength()).isEqualTo(EthernetHeader.MIN_LENGTH + tags * EthernetHeader.TAG_LENGTH)
                .isLessThanOrEqualTo(in.length());
        assertThat(view.payloadOffset() + view.payloadLength()).isEqualTo(in.end());
        assertThat(view.offset()).isEqualTo(in.offset());
        assertThat(view.length()).isEqualTo(in.length());
        assertThat(view.buffer()).isSameAs(in.buffer());
        assertThat(view.etherType()).isBetween(0, 0xffff);
        assertThat(view.isEthernetII()).isEqualTo(view.etherType() >= EthernetHeader.ETHERTYPE_MIN);
        assertThat(view.destination().value()).isEqualTo(view.destinationAddress());
        assertThat(view.source().value()).isEqualTo(view.sourceAddress());
        if (tags == 0) {
            assertThat(view.vlanId()).isEqualTo(EthernetHeader.NO_TAG);
            assertThat(view.outerVlanId()).isEqualTo(EthernetHeader.NO_TAG);
            assertThat(view.pcp()).isEqualTo(EthernetHeader.NO_TAG);
            assertThat(view.outerPcp()).isEqualTo(EthernetHeader.NO_TAG);
            assertThat(view.dei() || view.outerDei()).isFalse();
            assertThat(view.outerTagProtocol()).isEqualTo(EthernetHeader.NO_TAG);
        } else {
            assertThat(view.vlanId()).isBetween(0, EthernetHeader.MAX_VLAN_ID);
            assertThat(view.outerVlanId()).isBetween(0, EthernetHeader.MAX_VLAN_ID);
            assertThat(view.pcp()).isBetween(0, 7);
            assertThat(view.outerPcp()).isBetween(0, 7);
            view.dei();
            view.outerDei();
            assertThat(view.outerTagProtocol()).isIn(EthernetHeader.ETHERTYPE_VLAN, EthernetHeader.ETHERTYPE_QINQ);
            if (tags == 2) {
                assertThat(view.outerTagProtocol()).isEqualTo(EthernetHeader.ETHERTYPE_QINQ);
            }
        }
        assertThat(view.toString()).startsWith("EthernetHeader[");
    }
}
