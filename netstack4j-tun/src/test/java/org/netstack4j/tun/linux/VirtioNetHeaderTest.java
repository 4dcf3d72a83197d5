package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The virtio-net header codec and the offload negotiation's fallbacks. */
class VirtioNetHeaderTest {

    @Test
    void fieldsRoundTripAndTheMergeableVariantEndsInZero() {
        byte[] b = new byte[20];
        java.util.Arrays.fill(b, (byte) 0x5a);
        VirtioNetHeader.write(b, 3, VirtioNetHeader.LENGTH_MRG_RXBUF, VirtioNetHeader.F_NEEDS_CSUM,
                VirtioNetHeader.GSO_TCPV6 | VirtioNetHeader.GSO_ECN, 74, 1428, 54, 16);
        assertThat(VirtioNetHeader.flags(b, 3)).isEqualTo(1);
        assertThat(VirtioNetHeader.gsoType(b, 3)).isEqualTo(0x84);
        assertThat(VirtioNetHeader.headerLength(b, 3)).isEqualTo(74);
        assertThat(VirtioNetHeader.gsoSize(b, 3)).isEqualTo(1428);
        assertThat(VirtioNetHeader.checksumStart(b, 3)).isEqualTo(54);
        assertThat(VirtioNetHeader.checksumOffset(b, 3)).isEqualTo(16);
        assertThat(b[13]).isZero();
        assertThat(b[14]).isZero();
        assertThat(b[2]).isEqualTo((byte) 0x5a);
        assertThat(b[15]).isEqualTo((byte) 0x5a);
        if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN) {
            assertThat(b[3 + 4]).as("little-endian gso_size low byte").isEqualTo((byte) (1428 & 0xff));
        }
        VirtioNetHeader.writeNone(b, 3, VirtioNetHeader.LENGTH);
        assertThat(VirtioNetHeader.gsoType(b, 3)).isZero();
        assertThat(VirtioNetHeader.gsoSize(b, 3)).isZero();
    }

    @Test
    void negotiationDropsNewestOffloadsFirst() throws Exception {
        List<Integer> tried = new ArrayList<>();
        int all = TunOffload.mask(EnumSet.allOf(TunOffload.class));
        // A kernel without USO (before 6.2) refuses any mask with USO bits as unknown.
        int usoBits = TunOffload.USO4.bit() | TunOffload.USO6.bit();
        int granted = TunOffload.negotiate(all, mask -> {
            tried.add(mask);
            return (mask & usoBits) == 0;
        });
        assertThat(tried).hasSize(2);
        assertThat(TunOffload.fromMask(granted)).containsExactlyInAnyOrder(TunOffload.CHECKSUM, TunOffload.TSO4,
                TunOffload.TSO6, TunOffload.TSO_ECN);
    }

    @Test
    void negotiationEndsWithNoOffloadsOrReportsFailure() throws Exception {
        int tcp = TunOffload.mask(TunOffload.tcp());
        assertThat(TunOffload.negotiate(tcp, mask -> mask == 0)).isZero();
        assertThat(TunOffload.negotiate(tcp, mask -> false)).isEqualTo(-1);
        assertThat(TunOffload.negotiate(tcp, mask -> mask == TunOffload.CHECKSUM.bit()))
                .isEqualTo(TunOffload.CHECKSUM.bit());
    }

    @Test
    void normalizationMirrorsTheKernelsRules() {
        assertThat(TunOffload.normalize(TunOffload.TSO4.bit())).as("TSO without checksum offload").isZero();
        assertThat(TunOffload.normalize(TunOffload.CHECKSUM.bit() | TunOffload.TSO_ECN.bit()))
                .isEqualTo(TunOffload.CHECKSUM.bit());
        assertThat(TunOffload.normalize(TunOffload.CHECKSUM.bit() | TunOffload.USO4.bit()))
                .as("USO4 needs USO6").isEqualTo(TunOffload.CHECKSUM.bit());
        assertThat(TunOffload.allowsSuperPackets(TunOffload.CHECKSUM.bit())).isFalse();
        assertThat(TunOffload.allowsSuperPackets(TunOffload.mask(TunOffload.tcp()))).isTrue();
    }
}
