package org.netstack4j.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.oracle.WireOracle.number;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.netstack4j.testing.CaptureOracle.OracleFrame;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.EthernetHeader;

/** {@link EthernetHeader} and {@link ArpMessage} against tshark on every captured frame. */
class LinkLayerOracleTest extends OracleTestBase {
    @ParameterizedTest
    @MethodSource("frames")
    void ethernetHeaderMatchesTShark(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        EthernetHeader eth = d.ethernet;

        assertThat(eth.destinationAddress()).as(f.where() + " eth.dst").isEqualTo(Literals.mac(f.get("eth.dst")));
        assertThat(eth.sourceAddress()).as(f.where() + " eth.src").isEqualTo(Literals.mac(f.get("eth.src")));
        assertThat(eth.destination().toString()).as(f.where() + " eth.dst text").isEqualTo(f.get("eth.dst"));
        assertThat(eth.source().toString()).as(f.where() + " eth.src text").isEqualTo(f.get("eth.src"));
        assertThat(eth.etherType()).as(f.where() + " eth.type").isEqualTo(number(f.get("eth.type")));
        assertThat(eth.tagCount()).as(f.where() + " VLAN tags").isZero();
        assertThat(eth.headerLength()).isEqualTo(EthernetHeader.MIN_LENGTH);
        assertThat(eth.payloadOffset()).isEqualTo(EthernetHeader.MIN_LENGTH);
        assertThat(eth.payloadLength()).isEqualTo(f.data().length - EthernetHeader.MIN_LENGTH);
    }

    @ParameterizedTest
    @MethodSource("frames")
    void arpMessageMatchesTShark(OracleFrame f) {
        FrameDissection d = FrameDissection.of(f);
        assertThat(d.isArp()).as(f.where() + " is ARP").isEqualTo(f.has("arp.opcode"));
        if (!d.isArp()) {
            return;
        }
        ArpMessage arp = d.arp;
        String w = f.where() + " ";

        assertThat(arp.hardwareType()).as(w + "arp.hw.type").isEqualTo(number(f.get("arp.hw.type")));
        assertThat(arp.protocolType()).as(w + "arp.proto.type").isEqualTo(number(f.get("arp.proto.type")));
        assertThat(arp.hardwareLength()).as(w + "arp.hw.size").isEqualTo(number(f.get("arp.hw.size")));
        assertThat(arp.protocolLength()).as(w + "arp.proto.size").isEqualTo(number(f.get("arp.proto.size")));
        assertThat(arp.opcode()).as(w + "arp.opcode").isEqualTo(number(f.get("arp.opcode")));
        assertThat(arp.isRequest()).isEqualTo(arp.opcode() == ArpMessage.OPCODE_REQUEST);
        assertThat(arp.isReply()).isEqualTo(arp.opcode() == ArpMessage.OPCODE_REPLY);
        assertThat(arp.senderHardwareAddress()).as(w + "arp.src.hw_mac").isEqualTo(Literals.mac(f.get("arp.src.hw_mac")));
        assertThat(arp.targetHardwareAddress()).as(w + "arp.dst.hw_mac").isEqualTo(Literals.mac(f.get("arp.dst.hw_mac")));
        assertThat(arp.senderProtocolAddress()).as(w + "arp.src.proto_ipv4")
                .isEqualTo(Literals.ipv4(f.get("arp.src.proto_ipv4")));
        assertThat(arp.targetProtocolAddress()).as(w + "arp.dst.proto_ipv4")
                .isEqualTo(Literals.ipv4(f.get("arp.dst.proto_ipv4")));
        assertThat(arp.senderHardware().toString()).isEqualTo(f.get("arp.src.hw_mac"));
        assertThat(arp.senderProtocol().toString()).isEqualTo(f.get("arp.src.proto_ipv4"));
        assertThat(arp.targetProtocol().toString()).isEqualTo(f.get("arp.dst.proto_ipv4"));
    }

    @Test
    void theCapturesHoldBothArpOpcodes() {
        assertThat(WireOracle.frames("arp.pcap")).extracting(f -> FrameDissection.of(f).arp.opcode())
                .containsExactly(ArpMessage.OPCODE_REQUEST, ArpMessage.OPCODE_REPLY);
    }
}
