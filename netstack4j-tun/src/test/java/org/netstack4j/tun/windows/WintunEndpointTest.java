package org.netstack4j.tun.windows;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.LinkDropReason;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;

/** The link layer's PacketEndpoint over a Wintun channel on the fake library. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WintunEndpointTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final FakeWintun fake = FakeWintun.get();

    private WintunChannel open() throws Exception {
        return WintunChannel.open(WintunOptions.builder("ep" + NAMES.incrementAndGet())
                .libraryPath(FakeWintun.LIBRARY).natives(fake).ringCapacity(WintunChannel.MIN_RING_CAPACITY).build());
    }

    @Test
    void packetsFlowBothWaysAndAdapterShutdownFiresTheClosedCallbackOnce() throws Throwable {
        WintunChannel channel = open();
        WintunAdapter adapter = channel.adapter();
        String name = adapter.name();
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        AtomicInteger callbacks = new AtomicInteger();
        PacketEndpoint endpoint = PacketEndpoint.create(PacketEndpointOptions.builder()
                .channel(channel)
                .closedCallback(cause -> {
                    callbacks.incrementAndGet();
                    closed.complete(cause);
                })
                .build());
        BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        endpoint.attach((ep, remote, local, protocol, packet) -> {
            delivered.add(Integer.toHexString(protocol) + ":" + TestPackets.seq(packet.toByteArray()));
            packet.release();
        });

        fake.peerSend(adapter, TestPackets.ipv4(60, 1));
        fake.peerSend(adapter, TestPackets.ipv6(80, 2));
        assertThat(delivered.poll(10, TimeUnit.SECONDS)).isEqualTo("800:1");
        assertThat(delivered.poll(10, TimeUnit.SECONDS)).isEqualTo("86dd:2");

        PacketBuffer out = TestPackets.buffer(TestPackets.ipv4(100, 3));
        assertThat(endpoint.writePacket(out)).isTrue();
        assertThat(fake.peerReceive(adapter, 10_000)).isEqualTo(TestPackets.ipv4(100, 3));

        fake.clearCallLog();
        fake.terminate(adapter); // the adapter goes away: ERROR_HANDLE_EOF, read returns -1
        assertThat(closed.get(10, TimeUnit.SECONDS)).isInstanceOf(EOFException.class);
        assertThat(endpoint.awaitTermination(java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(callbacks).hasValue(1);
        assertThat(endpoint.isClosed()).isTrue();
        assertThat(channel.isOpen()).isFalse();
        // The endpoint closed the channel, which ended the session and removed the adapter.
        assertThat(fake.callLog()).contains("EndSession " + name + " inflight=0", "CloseAdapter " + name + " session=none");
    }

    @Test
    void aDeliberateCloseWakesTheBlockedLoopWithoutTheCallback() throws Throwable {
        WintunChannel channel = open();
        AtomicInteger callbacks = new AtomicInteger();
        PacketEndpoint endpoint = PacketEndpoint.create(PacketEndpointOptions.builder()
                .channel(channel)
                .closedCallback(cause -> callbacks.incrementAndGet())
                .build());
        endpoint.attach((ep, remote, local, protocol, packet) -> packet.release());
        fake.awaitBlockedReader(channel.adapter());
        endpoint.close();
        assertThat(endpoint.awaitTermination(java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(channel.isOpen()).isFalse();
        assertThat(callbacks).hasValue(0);
    }

    @Test
    void aFullSendRingIsCountedAsTheEndpointsChannelFullDrop() throws Throwable {
        WintunChannel channel = open();
        PacketEndpoint endpoint = PacketEndpoint.create(PacketEndpointOptions.builder().channel(channel).build());
        try {
            endpoint.attach((ep, remote, local, protocol, packet) -> packet.release());
            fake.setSendPaused(channel.adapter(), true);
            int attempts = 200;
            int accepted = 0;
            for (int i = 0; i < attempts; i++) {
                if (endpoint.writePacket(TestPackets.buffer(TestPackets.ipv4(1000, i)))) {
                    accepted++;
                }
            }
            assertThat(accepted).isEqualTo(130); // floor((128 KiB - 4) / 1004)
            assertThat(endpoint.statistics().drops(LinkDropReason.CHANNEL_FULL)).isEqualTo(attempts - accepted);
            assertThat(channel.stats().txRingFull()).isEqualTo(attempts - accepted);
        } finally {
            endpoint.close();
        }
    }
}
