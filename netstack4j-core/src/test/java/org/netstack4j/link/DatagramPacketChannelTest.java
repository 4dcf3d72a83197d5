package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatagramPacketChannelTest {

    @Test
    void datagramsKeepPacketBoundaries() throws Exception {
        DatagramPacketChannel[] p = DatagramPacketChannel.loopbackPair(0);
        try {
            p[0].write(PacketBuffer.copyOf(new byte[] {1, 2, 3}, 0));
            p[0].write(PacketBuffer.copyOf(new byte[] {4, 5}, 0));
            PacketBuffer b = new PacketBuffer(100, 20);
            assertThat(p[1].read(b)).isEqualTo(3);
            assertThat(b.toByteArray()).containsExactly(1, 2, 3);
            assertThat(b.start()).isEqualTo(20);
            b.reset(20);
            assertThat(p[1].read(b)).isEqualTo(2);
            assertThat(b.toByteArray()).containsExactly(4, 5);
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void datagramLargerThanTheRoomFillsItSoTheCallerSeesItOversized() throws Exception {
        DatagramPacketChannel[] p = DatagramPacketChannel.loopbackPair(0);
        try {
            p[0].write(PacketBuffer.copyOf(new byte[500], 0));
            PacketBuffer b = new PacketBuffer(110, 10);
            assertThat(p[1].read(b)).isEqualTo(100);
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void emptyPacketsAreRefusedRatherThanSilentlyNotSent() throws Exception {
        DatagramPacketChannel[] p = DatagramPacketChannel.loopbackPair(0);
        try {
            assertThatThrownBy(() -> p[0].write(new PacketBuffer(10, 0))).isInstanceOf(IOException.class)
                    .hasMessageContaining("zero-length");
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        DatagramPacketChannel[] p = DatagramPacketChannel.loopbackPair(0);
        CompletableFuture<Throwable> r = CompletableFuture.supplyAsync(() -> {
            try {
                p[1].read(new PacketBuffer(100, 0));
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        Thread.sleep(50); // let it block; the assertion holds either way (a closed channel also throws)
        p[1].close();
        assertThat(r.get(10, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        p[0].close();
    }

    @Test
    void wrapRequiresAConnectedChannel() throws Exception {
        try (DatagramChannel ch = DatagramChannel.open()) {
            assertThatThrownBy(() -> DatagramPacketChannel.wrap(ch)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
