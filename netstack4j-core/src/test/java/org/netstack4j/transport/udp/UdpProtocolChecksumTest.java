package org.netstack4j.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.link.TestPackets.v4;

import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.TestPackets;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

/** Which checksums the UDP receive side believes: computed ones, and partial ones left to a device. */
class UdpProtocolChecksumTest {
    private static final int SRC = v4(198, 18, 0, 1);
    private static final int DST = v4(198, 18, 0, 2);

    private static PacketBuffer datagram(int checksum) {
        byte[] p = TestPackets.ipv4Udp(SRC, DST, 40000, 7, new byte[64]);
        Bytes.put16(p, 26, checksum);
        PacketBuffer b = PacketBuffer.copyOf(p, 64);
        b.networkOffset(b.start());
        b.transportOffset(b.start() + 20);
        return b;
    }

    @Test
    void aPartialChecksumFromTheHostKernelIsTrustedAWrongCompleteOneIsNot() {
        UdpProtocol udp = new UdpProtocol(new UdpDemux());
        // What the kernel hands over a TUN with checksum offload: the pseudo-header sum, not the checksum.
        int pseudo = Checksum.pseudoHeaderIpv4(SRC, DST, 17, 8 + 64) & 0xffff;
        PacketBuffer partial = datagram(pseudo);
        partial.checksumPartial(partial.start() + 20, 6);
        // No socket is bound: a believed datagram comes back unclaimed (for a port unreachable).
        assertThat(udp.deliver(1, 4, partial)).isFalse();
        assertThat(udp.noPort()).isEqualTo(1);
        assertThat(udp.badChecksum()).isZero();

        PacketBuffer wrong = datagram(pseudo); // the same bytes without the partial mark: a corrupt checksum
        assertThat(udp.deliver(1, 4, wrong)).isTrue();
        assertThat(udp.badChecksum()).isEqualTo(1);
        assertThat(udp.noPort()).isEqualTo(1);
    }
}
