package org.netstack4j.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PacketBufferTest {
    @Test
    void prependPushesHeadersInFrontWithoutMovingThePayload() {
        PacketBuffer b = new PacketBuffer(64, 40);
        b.appendBytes("data".getBytes(StandardCharsets.US_ASCII), 0, 4);
        int payloadAt = b.start();
        int udp = b.prepend(8);
        int ip = b.prepend(20);
        assertThat(udp).isEqualTo(payloadAt - 8);
        assertThat(ip).isEqualTo(payloadAt - 28);
        assertThat(b.length()).isEqualTo(32);
        assertThat(b.headroom()).isEqualTo(12);
        assertThat(new String(b.array(), payloadAt, 4, StandardCharsets.US_ASCII)).isEqualTo("data");
    }

    @Test
    void prependBeyondHeadroomIsRefused() {
        PacketBuffer b = new PacketBuffer(64, 10);
        assertThatThrownBy(() -> b.prepend(11)).isInstanceOf(IllegalStateException.class).hasMessageContaining("headroom 10");
        assertThat(b.start()).isEqualTo(10);
    }

    @Test
    void appendBeyondTailroomIsRefused() {
        PacketBuffer b = new PacketBuffer(16, 10);
        b.append(6);
        assertThatThrownBy(() -> b.append(1)).isInstanceOf(IllegalStateException.class);
        assertThat(b.length()).isEqualTo(6);
    }

    @Test
    void trimFrontAndTruncateBoundTheValidRegion() {
        PacketBuffer b = PacketBuffer.copyOf(new byte[] {1, 2, 3, 4, 5, 6}, 4);
        b.trimFront(2);
        b.truncate(3);
        assertThat(b.toByteArray()).containsExactly(3, 4, 5);
        assertThatThrownBy(() -> b.trimFront(4)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.truncate(4)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.setBounds(5, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resetClearsOffsetsAndOffloadMetadata() {
        PacketBuffer b = new PacketBuffer(128, 32);
        b.append(60);
        b.networkOffset(32);
        b.transportOffset(52);
        b.gso(PacketBuffer.GSO_TCPV4, 1448);
        b.checksumPartial(52, 16);
        b.reset(16);
        assertThat(b.start()).isEqualTo(16);
        assertThat(b.length()).isZero();
        assertThat(b.networkOffset()).isEqualTo(PacketBuffer.UNSET);
        assertThat(b.transportOffset()).isEqualTo(PacketBuffer.UNSET);
        assertThat(b.gsoType()).isEqualTo(PacketBuffer.GSO_NONE);
        assertThat(b.checksumPartial()).isFalse();
    }

    @Test
    void doubleReleaseIsDetected() {
        PacketBufferPool pool = new PacketBufferPool(256, 64, 4);
        PacketBuffer b = pool.acquire();
        b.release();
        assertThatThrownBy(b::release).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void linkMetadataStartsUnsetAndResetClearsIt() {
        PacketBuffer b = new PacketBuffer(64, 16);
        assertThat(b.networkProtocol()).isEqualTo(PacketBuffer.NO_PROTOCOL);
        assertThat(b.remoteLinkAddress()).isEqualTo(PacketBuffer.NO_LINK_ADDRESS);
        assertThat(b.localLinkAddress()).isEqualTo(PacketBuffer.NO_LINK_ADDRESS);
        assertThat(b.checksumVerified()).isFalse();
        b.networkProtocol(0x86dd);
        b.remoteLinkAddress(0x0200_0000_0001L);
        b.localLinkAddress(0x0200_0000_0002L);
        b.checksumVerified(true);
        b.checksumPartial(20, 16);
        assertThat(b.networkProtocol()).isEqualTo(0x86dd);
        assertThat(b.remoteLinkAddress()).isEqualTo(0x0200_0000_0001L);
        assertThat(b.localLinkAddress()).isEqualTo(0x0200_0000_0002L);
        assertThat(b.checksumVerified()).isTrue();
        b.clearChecksumPartial();
        assertThat(b.checksumPartial()).isFalse();
        assertThat(b.checksumVerified()).as("verification is not a partial checksum").isTrue();
        b.reset(16);
        assertThat(b.networkProtocol()).isEqualTo(PacketBuffer.NO_PROTOCOL);
        assertThat(b.remoteLinkAddress()).isEqualTo(PacketBuffer.NO_LINK_ADDRESS);
        assertThat(b.localLinkAddress()).isEqualTo(PacketBuffer.NO_LINK_ADDRESS);
        assertThat(b.checksumVerified()).isFalse();
    }
}
