package org.netstack4j.tun.macos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;

/** The link layer's PacketEndpoint over a utun channel (socket pair standing in for the kernel). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UtunEndpointTest {

    @Test
    void packetsFlowBothWaysAndThePeerClosingFiresTheClosedCallback() throws Throwable {
        try (SocketPair pair = new SocketPair()) {
            UtunChannel channel = UtunChannel.adopt(pair.channelFd, "utun-ep");
            CompletableFuture<Throwable> closed = new CompletableFuture<>();
            PacketEndpoint endpoint = PacketEndpoint.create(PacketEndpointOptions.builder()
                    .channel(channel).closedCallback(closed::complete).build());
            BlockingQueue<Integer> protocols = new LinkedBlockingQueue<>();
            endpoint.attach((ep, remote, local, protocol, packet) -> {
                protocols.add(protocol);
                packet.release();
            });
            byte[] v6 = new byte[48];
            v6[0] = 0x60;
            pair.sendFramed(UtunFraming.AF_INET6, v6);
            assertThat(protocols.poll(10, TimeUnit.SECONDS)).isEqualTo(0x86dd);

            byte[] v4 = new byte[20];
            v4[0] = 0x45;
            assertThat(endpoint.writePacket(PacketBuffer.copyOf(v4, 0))).isTrue();
            assertThat(pair.receiveRaw(10_000)).isEqualTo(ByteBuffer.allocate(24).putInt(2).put(v4).array());

            pair.closePeer();
            assertThat(closed.get(10, TimeUnit.SECONDS)).isInstanceOf(EOFException.class);
            assertThat(endpoint.awaitTermination(Duration.ofSeconds(10))).isTrue();
            assertThat(channel.isOpen()).isFalse();
        }
    }
}
