package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;

/** Unix socket pairs as packet channels (no privilege needed). */
@org.junit.jupiter.api.Timeout(60)
class UnixPacketChannelTest {

    private static PacketBuffer packet(int sequence, int length) {
        PacketBuffer p = new PacketBuffer(64 + length, 64);
        int at = p.append(length);
        byte[] b = p.array();
        for (int i = 0; i < length; i++) {
            b[at + i] = (byte) (sequence * 31 + i);
        }
        if (length >= 4) {
            Bytes.put32(b, at, sequence);
        }
        return p;
    }

    private static void assertPacket(PacketBuffer b, int sequence, int length) {
        assertThat(b.length()).isEqualTo(length);
        byte[] expected = packet(sequence, length).toByteArray();
        assertThat(b.toByteArray()).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Timeout(30)
    @ParameterizedTest(name = "{0} batching={1}")
    @CsvSource({"SEQPACKET, true", "SEQPACKET, false", "DATAGRAM, true", "DATAGRAM, false"})
    void batchesKeepPacketBoundariesAndOrder(UnixPacketChannel.Type type, boolean batching) throws Exception {
        SocketChannelOptions options = SocketChannelOptions.defaults().withBatching(batching).withBatchSize(16);
        try (UnixPacketChannel.Pair pair = UnixPacketChannel.pair(type, options)) {
            int total = 200;
            PacketBuffer[] out = new PacketBuffer[total];
            for (int i = 0; i < total; i++) {
                out[i] = packet(i, 1 + (i * 37) % 1500);
            }
            // The writer runs on its own thread: a unix datagram socket queues only a few packets.
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    int sent = 0;
                    while (sent < total) {
                        PacketBuffer[] rest = java.util.Arrays.copyOfRange(out, sent, total);
                        int n = pair.first().writeBatch(rest, Math.min(40, rest.length));
                        if (n == 0) {
                            pair.first().awaitWritable(5000); // full: a short count, no exception
                        }
                        sent += n;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofPlatform().start(r));
            PacketBuffer[] in = new PacketBuffer[32];
            int[] lengths = new int[in.length];
            int got = 0;
            while (got < total) {
                for (int i = 0; i < in.length; i++) {
                    in[i] = new PacketBuffer(2048, 16);
                }
                int n = pair.second().readBatch(in, lengths, in.length);
                assertThat(n).isPositive();
                for (int i = 0; i < n; i++) {
                    int length = 1 + (got * 37) % 1500;
                    assertThat(lengths[i]).isEqualTo(length);
                    assertThat(in[i].start()).isEqualTo(16);
                    assertPacket(in[i], got, length);
                    got++;
                }
            }
            writer.get(10, TimeUnit.SECONDS);
            ChannelStats w = pair.first().stats();
            ChannelStats r = pair.second().stats();
            assertThat(w.packetsWritten()).isEqualTo(total);
            assertThat(r.packetsRead()).isEqualTo(total);
            if (batching) {
                assertThat(w.writeBatchCalls()).isPositive().isLessThan(total);
                assertThat(r.readBatchCalls()).isPositive().isLessThan(total);
            } else {
                assertThat(w.writeBatchCalls()).isZero();
                assertThat(r.readBatchCalls()).isZero();
            }
        }
    }

    @ParameterizedTest(name = "batching={0}")
    @CsvSource({"true", "false"})
    void truncatedPacketsReportTheirRealLength(boolean batching) throws Exception {
        SocketChannelOptions options = SocketChannelOptions.defaults().withBatching(batching);
        try (UnixPacketChannel.Pair pair = UnixPacketChannel.pair(UnixPacketChannel.Type.SEQPACKET, options)) {
            pair.first().write(packet(1, 3000));
            pair.first().write(packet(2, 100));
            PacketBuffer[] in = {new PacketBuffer(1000, 0), new PacketBuffer(1000, 0)};
            int[] lengths = new int[2];
            int n = pair.second().readBatch(in, lengths, 2);
            if (n == 1) {
                n += pair.second().readBatch(new PacketBuffer[] {in[1]}, new int[1], 1) > 0 ? 1 : 0;
                lengths[1] = in[1].length();
            }
            assertThat(n).isEqualTo(2);
            assertThat(lengths[0]).isEqualTo(3000);
            assertThat(in[0].length()).isEqualTo(1000);
            assertThat(in[0].toByteArray()).isEqualTo(java.util.Arrays.copyOf(packet(1, 3000).toByteArray(), 1000));
            assertPacket(in[1], 2, 100);
            assertThat(pair.second().stats().readsTruncated()).isEqualTo(1);
        }
    }

    @Test
    void largestPacketGoesThroughWhole() throws Exception {
        try (UnixPacketChannel.Pair pair = UnixPacketChannel.pair(UnixPacketChannel.Type.SEQPACKET,
                SocketChannelOptions.defaults().withSocketBuffers(1 << 20, 1 << 20))) {
            PacketBuffer big = packet(7, 65535);
            pair.first().writeBatch(new PacketBuffer[] {big, packet(8, 10)}, 2);
            PacketBuffer[] in = {new PacketBuffer(70000, 0), new PacketBuffer(70000, 0)};
            int[] lengths = new int[2];
            int n = pair.second().readBatch(in, lengths, 2);
            assertThat(lengths[0]).isEqualTo(65535);
            assertPacket(in[0], 7, 65535);
            if (n == 2) {
                assertPacket(in[1], 8, 10);
            }
        }
    }

    @Test
    void seqpacketPeerCloseIsTheEndOfTheStream() throws Exception {
        UnixPacketChannel.Pair pair = UnixPacketChannel.pair(UnixPacketChannel.Type.SEQPACKET,
                SocketChannelOptions.defaults());
        try {
            pair.first().write(packet(1, 50));
            pair.first().close();
            PacketBuffer b = new PacketBuffer(2048, 0);
            assertThat(pair.second().read(b)).isEqualTo(50);
            assertThat(pair.second().read(b)).isEqualTo(-1);
            assertThat(pair.second().readBatch(new PacketBuffer[] {b, b}, new int[2], 2)).isEqualTo(-1);
            assertThatThrownBy(() -> pair.second().write(packet(2, 10)))
                    .isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errnoName()).isEqualTo("EPIPE"));
        } finally {
            pair.close();
        }
    }

    @Test
    void datagramWriteToAClosedPeerFails() throws Exception {
        UnixPacketChannel.Pair pair = UnixPacketChannel.pair(UnixPacketChannel.Type.DATAGRAM,
                SocketChannelOptions.defaults());
        try {
            pair.second().close();
            assertThatThrownBy(() -> pair.first().write(packet(1, 10)))
                    .isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errnoName()).isEqualTo("ECONNREFUSED"));
        } finally {
            pair.close();
        }
    }

    @Test
    void closeWakesABlockedReaderAndLeaksNoFd() throws Exception {
        UnixPacketChannel.pair(UnixPacketChannel.Type.SEQPACKET, SocketChannelOptions.defaults()).close();
        var before = TestSupport.openFds();
        UnixPacketChannel.Pair pair = UnixPacketChannel.pair(UnixPacketChannel.Type.SEQPACKET,
                SocketChannelOptions.defaults());
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                pair.second().readBatch(new PacketBuffer[] {new PacketBuffer(2048, 0), new PacketBuffer(2048, 0)},
                        new int[2], 2);
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, r -> Thread.ofPlatform().start(r));
        while (pair.second().stats().readWaits() == 0) {
            Thread.sleep(5);
        }
        pair.second().close();
        assertThat(reader.get(5, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        pair.first().close();
        assertThat(TestSupport.openFds()).isEqualTo(before);
    }

    @Test
    void aFullSocketRefusesWritesUntilTheReaderDrains() throws Exception {
        SocketChannelOptions options = SocketChannelOptions.defaults().withSocketBuffers(16384, 16384);
        try (UnixPacketChannel.Pair pair = UnixPacketChannel.pair(UnixPacketChannel.Type.SEQPACKET, options)) {
            // Nobody reads yet: writes are refused once the socket is full, and nothing blocks.
            int accepted = 0;
            for (;;) {
                try {
                    pair.first().write(packet(accepted, 1000));
                    accepted++;
                } catch (org.netstack4j.link.ChannelFullException e) {
                    break;
                }
                assertThat(accepted).as("a 16 KiB socket is full long before").isLessThan(1000);
            }
            assertThat(pair.first().stats().writesFull()).isEqualTo(1);
            assertThat(pair.first().writeBatch(new PacketBuffer[] {packet(accepted, 1000)}, 1))
                    .as("a batch reports full as a short count").isZero();
            assertThat(pair.first().awaitWritable(50)).as("still full").isFalse();

            int first = accepted;
            int total = accepted + 2000;
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = first; i < total; ) {
                        try {
                            pair.first().write(packet(i, 1000));
                            i++;
                        } catch (org.netstack4j.link.ChannelFullException e) {
                            assertThat(pair.first().awaitWritable(10_000)).isTrue();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofPlatform().start(r));
            PacketBuffer b = new PacketBuffer(2048, 0);
            for (int i = 0; i < total; i++) {
                b.reset(0);
                assertThat(pair.second().read(b)).isEqualTo(1000);
                assertPacket(b, i, 1000);
            }
            writer.get(10, TimeUnit.SECONDS);
            assertThat(pair.first().stats().packetsWritten()).isEqualTo(total);
        }
    }
}
