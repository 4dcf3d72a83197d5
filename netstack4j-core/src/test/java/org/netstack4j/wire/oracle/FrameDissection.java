package org.netstack4j.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import org.netstack4j.testing.CaptureOracle.OracleFrame;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.EthernetHeader;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.ParseResult;

/**
 * A captured frame taken apart with our views, the way the stack will: Ethernet, then ARP, IPv4 or IPv6
 * (with its extension chain), then the transport header's position. Every {@code wrap} must succeed:
 * the kernel made these packets, so a rejection is a bug in the view.
 */
final class FrameDissection {
    final OracleFrame frame;
    final byte[] data;
    final EthernetHeader ethernet = new EthernetHeader();
    final ArpMessage arp = new ArpMessage();
    final Ipv4Header ipv4 = new Ipv4Header();
    final Ipv6Header ipv6 = new Ipv6Header();
    final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
    private int etherType;
    private int transportProtocol = -1;
    private int transportOffset = -1;
    private int transportLength;
    private boolean fragment;

    private FrameDissection(OracleFrame frame) {
        this.frame = frame;
        this.data = frame.data();
    }

    static FrameDissection of(OracleFrame frame) {
        FrameDissection d = new FrameDissection(frame);
        d.dissect();
        return d;
    }

    private void dissect() {
        expectOk("Ethernet", ethernet.wrap(data, 0, data.length));
        etherType = ethernet.etherType();
        int at = ethernet.payloadOffset();
        int length = ethernet.payloadLength();
        switch (etherType) {
            case EthernetHeader.ETHERTYPE_ARP -> expectOk("ARP", arp.wrap(data, at, length));
            case EthernetHeader.ETHERTYPE_IPV4 -> {
                expectOk("IPv4", ipv4.wrap(data, at, length));
                fragment = ipv4.isFragment();
                if (ipv4.fragmentOffset() == 0) {
                    transportProtocol = ipv4.protocol();
                    transportOffset = ipv4.payloadOffset();
                    transportLength = ipv4.payloadLength();
                }
            }
            case EthernetHeader.ETHERTYPE_IPV6 -> {
                expectOk("IPv6", ipv6.wrap(data, at, length));
                expectOk("IPv6 extension chain", chain.walk(ipv6));
                fragment = chain.isFragment();
                if (chain.fragmentOffset() == 0) {
                    transportProtocol = chain.upperLayerProtocol();
                    transportOffset = chain.upperLayerOffset();
                    transportLength = chain.upperLayerLength();
                }
            }
            default -> throw new AssertionError(frame.where() + ": unexpected EtherType " + etherType);
        }
    }

    private void expectOk(String what, ParseResult result) {
        assertThat(result).as(frame.where() + " " + what + " wrap").isEqualTo(ParseResult.OK);
    }

    boolean isArp() {
        return etherType == EthernetHeader.ETHERTYPE_ARP;
    }

    boolean isIpv4() {
        return etherType == EthernetHeader.ETHERTYPE_IPV4;
    }

    boolean isIpv6() {
        return etherType == EthernetHeader.ETHERTYPE_IPV6;
    }

    /** True for any fragment of a fragmented datagram (first, middle or last). */
    boolean isFragment() {
        return fragment;
    }

    /** The transport protocol whose header starts in this frame, or -1 (ARP, or a non-first fragment). */
    int transportProtocol() {
        return transportProtocol;
    }

    /** Index of the transport header in {@link #data}. */
    int transportOffset() {
        return transportOffset;
    }

    /** Bytes of the transport message in this frame (all of it unless {@link #isFragment()}). */
    int transportLength() {
        return transportLength;
    }
}
