package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpProtocolTest {
    @Test
    void numbersAreTheIanaAssignments() {
        assertThat(new int[] {IpProtocol.HOP_BY_HOP, IpProtocol.ICMP, IpProtocol.IGMP, IpProtocol.TCP, IpProtocol.UDP,
                IpProtocol.DCCP, IpProtocol.ROUTING, IpProtocol.FRAGMENT, IpProtocol.ESP, IpProtocol.AUTHENTICATION,
                IpProtocol.ICMPV6, IpProtocol.NO_NEXT_HEADER, IpProtocol.DESTINATION_OPTIONS, IpProtocol.SCTP,
                IpProtocol.UDP_LITE})
                .containsExactly(0, 1, 2, 6, 17, 33, 43, 44, 50, 51, 58, 59, 60, 132, 136);
    }

    @Test
    void theHeadersConstantsAreTheSameNumbers() {
        assertThat(new int[] {Ipv4Header.PROTOCOL_ICMP, Ipv4Header.PROTOCOL_IGMP, Ipv4Header.PROTOCOL_TCP,
                Ipv4Header.PROTOCOL_UDP, Icmpv4Message.PROTOCOL_NUMBER, TcpHeader.PROTOCOL, UdpHeader.PROTOCOL})
                .containsExactly(IpProtocol.ICMP, IpProtocol.IGMP, IpProtocol.TCP, IpProtocol.UDP, IpProtocol.ICMP,
                        IpProtocol.TCP, IpProtocol.UDP);
        assertThat(new int[] {Ipv6Header.NEXT_HEADER_HOP_BY_HOP, Ipv6Header.NEXT_HEADER_TCP, Ipv6Header.NEXT_HEADER_UDP,
                Ipv6Header.NEXT_HEADER_ROUTING, Ipv6Header.NEXT_HEADER_FRAGMENT, Ipv6Header.NEXT_HEADER_ESP,
                Ipv6Header.NEXT_HEADER_AUTHENTICATION, Ipv6Header.NEXT_HEADER_ICMPV6, Ipv6Header.NEXT_HEADER_NONE,
                Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS, Icmpv6Message.NEXT_HEADER})
                .containsExactly(IpProtocol.HOP_BY_HOP, IpProtocol.TCP, IpProtocol.UDP, IpProtocol.ROUTING,
                        IpProtocol.FRAGMENT, IpProtocol.ESP, IpProtocol.AUTHENTICATION, IpProtocol.ICMPV6,
                        IpProtocol.NO_NEXT_HEADER, IpProtocol.DESTINATION_OPTIONS, IpProtocol.ICMPV6);
    }
}
