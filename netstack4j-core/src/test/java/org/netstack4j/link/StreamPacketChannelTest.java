package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamPacketChannelTest {

    @Test
    void eachStreamReadIsOnePacketAndEachWriteOneWrite() throws Exception {
        QueueStreams.Pair s = QueueStreams.pair();
        StreamPacketChannel c = new StreamPacketChannel(s.in(), s.out());
        s.inject(new byte[] {1, 2, 3});
        s.inject(new byte[] {4});
        PacketBuffer b = new PacketBuffer(100, 10);
        assertThat(c.read(b)).isEqualTo(3);
        assertThat(b.toByteArray()).containsExactly(1, 2, 3);
        assertThat(b.start()).isEqualTo(10);
        b.reset(10);
        assertThat(c.read(b)).isEqualTo(1);
        c.write(PacketBuffer.copyOf(new byte[] {9, 8}, 4));
        assertThat(s.written()).containsExactly(9, 8);
    }

    @Test
    void endOfStreamIsReportedAsMinusOne() throws Exception {
        QueueStreams.Pair s = QueueStreams.pair();
        StreamPacketChannel c = new StreamPacketChannel(s.in(), s.out());
        s.endOfStream();
        assertThat(c.read(new PacketBuffer(10, 0))).isEqualTo(-1);
    }

    @Test
    void closeWakesABlockedReaderWithClosedChannelException() throws Exception {
        QueueStreams.Pair s = QueueStreams.pair();
        StreamPacketChannel c = new StreamPacketChannel(s.in(), s.out());
        CompletableFuture<Throwable> r = CompletableFuture.supplyAsync(() -> {
            try {
                c.read(new PacketBuffer(10, 0));
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        c.close();
        assertThat(r.get(10, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        assertThat(c.isOpen()).isFalse();
        assertThatThrownBy(() -> c.write(PacketBuffer.copyOf(new byte[1], 0))).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void endpointOverStreamsDeliversAndWritesPackets() throws Exception {
        QueueStreams.Pair s = QueueStreams.pair();
        PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder()
                .channel(new StreamPacketChannel(s.in(), s.out())).build());
        RecordingDispatcher d = new RecordingDispatcher();
        e.attach(d);
        s.inject(PacketEndpointTest.udp6(12));
        assertThat(d.next().bytes()).isEqualTo(PacketEndpointTest.udp6(12));
        assertThat(e.writePacket(PacketBuffer.copyOf(PacketEndpointTest.udp4(3), 0))).isTrue();
        assertThat(s.written()).isEqualTo(PacketEndpointTest.udp4(3));
        e.close();
        e.awaitTermination();
    }
}
