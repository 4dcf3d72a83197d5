package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Arbitrary bytes into {@link ArpMessage#wrap}: only declared rejections, and accessors that never fail. */
class ArpFuzzTest {
    private final ArpMessage view = new ArpMessage();

    @FuzzTest(maxDuration = "2m")
    void wrap(FuzzedDataProvider data) {
        ProvidedFuzzInput in = ProvidedFuzzInput.from(data);
        ParseResult r = view.wrap(in.buffer(), in.offset(), in.length());
        if (!r.isOk()) {
            assertThat(r).isIn(ParseResult.TRUNCATED, ParseResult.ARP_UNSUPPORTED_FORMAT);
            assertThatThrownBy(view::opcode).isInstanceOf(IllegalStateException.class);
            return;
        }
        assertThat(in.length()).isGreaterThanOrEqualTo(ArpMessage.LENGTH);
        assertThat(view.offset()).isEqualTo(in.offset());
        assertThat(view.buffer()).isSameAs(in.buffer());
        assertThat(view.hardwareType()).isEqualTo(ArpMessage.HARDWARE_TYPE_ETHERNET);
        assertThat(view.protocolType()).isEqualTo(ArpMessage.PROTOCOL_TYPE_IPV4);
        assertThat(view.hardwareLength()).isEqualTo(MacAddress.LENGTH);
        assertThat(view.protocolLength()).isEqualTo(Ipv4Address.LENGTH);
        int opcode = view.opcode();
        assertThat(view.isRequest()).isEqualTo(opcode == ArpMessage.OPCODE_REQUEST);
        assertThat(view.isReply()).isEqualTo(opcode == ArpMessage.OPCODE_REPLY);
        assertThat(view.senderHardware().value()).isEqualTo(view.senderHardwareAddress());
        assertThat(view.targetHardware().value()).isEqualTo(view.targetHardwareAddress());
        assertThat(view.senderProtocol().value()).isEqualTo(view.senderProtocolAddress());
        assertThat(view.targetProtocol().value()).isEqualTo(view.targetProtocolAddress());
        if (view.isGratuitous()) {
            assertThat(view.senderProtocolAddress()).isEqualTo(view.targetProtocolAddress()).isNotZero();
        }
        if (view.isProbe()) {
            assertThat(view.senderProtocolAddress()).isZero();
        }
        assertThat(view.toString()).startsWith("ArpMessage[");
    }
}
