package org.netstack4j.tun.macos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.ChannelFullException;

/**
 * The utun channel's framing, batching, wake-up and shutdown over a socket pair: everything but the
 * Darwin control-socket set-up runs the same code as on macOS.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UtunChannelTest {
    private SocketPair pair;
    private UtunChannel channel;

    @BeforeEach
    void open() throws Throwable {
        pair = new SocketPair();
        channel = UtunChannel.adopt(pair.channelFd, "utun-test");
    }

    @AfterEach
    void close() throws IOException {
        channel.close();
        pair.close();
    }

    private static byte[] ipv4(int length, int seq) {
        byte[] p = new byte[length];
        p[0] = 0x45;
        for (int i = 1; i < length; i++) {
            p[i] = (byte) (i * 7 + seq);
        }
        return p;
    }

    private static byte[] ipv6(int length, int seq) {
        byte[] p = ipv4(length, seq);
        p[0] = 0x60;
        return p;
    }

    private static byte[] framed(int family, byte[] packet) {
        return ByteBuffer.allocate(4 + packet.length).putInt(family).put(packet).array();
    }

    @Test
    void readStripsTheFamilyHeaderOfIpv4AndIpv6() throws IOException {
        pair.sendFramed(UtunFraming.AF_INET, ipv4(60, 1));
        pair.sendFramed(UtunFraming.AF_INET6, ipv6(1280, 2));
        PacketBuffer buffer = new PacketBuffer(2048, 128);
        assertThat(channel.read(buffer)).isEqualTo(60);
        assertThat(buffer.toByteArray()).isEqualTo(ipv4(60, 1));
        assertThat(buffer.start()).isEqualTo(128);
        assertThat(buffer.networkOffset()).isEqualTo(128);
        buffer.reset(128);
        assertThat(channel.read(buffer)).isEqualTo(1280);
        assertThat(buffer.toByteArray()).isEqualTo(ipv6(1280, 2));
        assertThat(channel.stats().rxPackets()).isEqualTo(2);
        assertThat(channel.stats().rxBytes()).isEqualTo(1340);
    }

    @Test
    void writeAddsDarwinsFamilyInNetworkByteOrder() throws IOException {
        channel.write(PacketBuffer.copyOf(ipv4(40, 3), 32));
        channel.write(PacketBuffer.copyOf(ipv6(100, 4), 0)); // no headroom needed
        assertThat(pair.receiveRaw(10_000)).isEqualTo(framed(2, ipv4(40, 3)));
        assertThat(pair.receiveRaw(10_000)).isEqualTo(framed(30, ipv6(100, 4)));
        assertThat(channel.stats().txPackets()).isEqualTo(2);
        assertThat(channel.stats().txBytes()).isEqualTo(140);
    }

    @Test
    void malformedEntriesAreCountedDropsAndTheNextGoodPacketIsRead() throws IOException {
        pair.sendFramed(UtunFraming.AF_INET, ipv6(60, 0));   // family and version disagree
        pair.sendFramed(99, ipv4(60, 0));                     // unknown family
        pair.sendRaw(new byte[] {0, 0, 0});                   // shorter than the header
        pair.sendFramed(UtunFraming.AF_INET6, new byte[0]);   // header only
        pair.sendRaw(new byte[0]);                            // empty datagram
        pair.sendFramed(UtunFraming.AF_INET, ipv4(33, 9));
        PacketBuffer buffer = new PacketBuffer(2048, 0);
        assertThat(channel.read(buffer)).isEqualTo(33);
        assertThat(buffer.toByteArray()).isEqualTo(ipv4(33, 9));
        assertThat(channel.stats().rxDroppedMalformed()).isEqualTo(5);
        assertThat(channel.stats().rxPackets()).isEqualTo(1);
    }

    @Test
    void writesThatAreNotIpAreCountedDropsAndNeverReachTheInterface() throws IOException {
        channel.write(new PacketBuffer(64, 16));                       // empty
        channel.write(PacketBuffer.copyOf(new byte[] {0x20, 1, 2}, 0)); // version 2
        assertThat(channel.stats().txDroppedNotIp()).isEqualTo(2);
        assertThat(pair.receiveRaw(100)).isNull();
    }

    @Test
    void writesTheInterfaceCannotTakeNowAreRefusedAsFullNotFailed() throws IOException {
        // The peer never reads: the socket's send buffer fills and write(2) reports EAGAIN.
        PacketBuffer[] packet = {PacketBuffer.copyOf(ipv4(1000, 0), 0)};
        int attempts = 10_000;
        int accepted = 0;
        for (int i = 0; i < attempts; i++) {
            accepted += channel.writeBatch(packet, 1);
        }
        assertThatThrownBy(() -> channel.write(packet[0])).isInstanceOf(ChannelFullException.class)
                .hasMessageContaining("utun-test");
        UtunChannel.Stats stats = channel.stats();
        assertThat(accepted).isLessThan(attempts);
        assertThat(stats.txPackets()).isEqualTo(accepted);
        assertThat(stats.txBusy()).isEqualTo(attempts - accepted + 1);
        assertThat(channel.isOpen()).isTrue();
        long delivered = 0;
        while (pair.receiveRaw(0) != null) {
            delivered++;
        }
        assertThat(delivered).isEqualTo(stats.txPackets());
    }

    @Test
    void packetsLargerThanTheBufferAreTruncatedAndReportedWithTheirLength() throws IOException {
        pair.sendFramed(UtunFraming.AF_INET, ipv4(1500, 5));
        PacketBuffer small = new PacketBuffer(600, 100);
        assertThat(channel.read(small)).isEqualTo(1500);
        assertThat(small.toByteArray()).isEqualTo(Arrays.copyOf(ipv4(1500, 5), 500));
        assertThat(channel.stats().rxTruncated()).isEqualTo(1);
    }

    @Test
    void readBatchTakesWhatIsQueuedWithoutBlocking() throws IOException {
        for (int i = 0; i < 5; i++) {
            pair.sendFramed(UtunFraming.AF_INET, ipv4(50 + i, i));
        }
        pair.sendFramed(UtunFraming.AF_INET, ipv6(50, 0)); // malformed: skipped inside the batch
        pair.sendFramed(UtunFraming.AF_INET6, ipv6(70, 7));
        PacketBuffer[] buffers = new PacketBuffer[8];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = new PacketBuffer(2048, 0);
        }
        int[] lengths = new int[8];
        assertThat(channel.readBatch(buffers, lengths, 8)).isEqualTo(6);
        for (int i = 0; i < 5; i++) {
            assertThat(lengths[i]).isEqualTo(50 + i);
            assertThat(buffers[i].toByteArray()).isEqualTo(ipv4(50 + i, i));
        }
        assertThat(buffers[5].toByteArray()).isEqualTo(ipv6(70, 7));
        assertThat(channel.stats().rxDroppedMalformed()).isEqualTo(1);
    }

    @Test
    void aBlockedReaderWakesWhenAPacketArrives() throws Exception {
        PacketBuffer buffer = new PacketBuffer(2048, 0);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.read(buffer);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        awaitReaderInside();
        pair.sendFramed(UtunFraming.AF_INET6, ipv6(200, 1));
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(buffer.toByteArray()).isEqualTo(ipv6(200, 1));
    }

    @Test
    void closeFromAnotherThreadWakesTheReaderAndClosesTheSocket() throws Exception {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.read(new PacketBuffer(2048, 0));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        awaitReaderInside();
        channel.close();
        assertThat(read).failsWithin(10, TimeUnit.SECONDS)
                .withThrowableThat().havingRootCause().isInstanceOf(ClosedChannelException.class);
        assertThat(channel.isOpen()).isFalse();
        assertThat(pair.receiveRaw(10_000)).isEmpty(); // the peer sees the socket closed
        assertThatThrownBy(() -> channel.read(new PacketBuffer(2048, 0))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> channel.write(PacketBuffer.copyOf(ipv4(20, 0), 0))).isInstanceOf(ClosedChannelException.class);
        channel.close();
    }

    @Test
    void thePeerClosingEndsTheStream() throws Exception {
        pair.sendFramed(UtunFraming.AF_INET, ipv4(20, 1));
        pair.closePeer();
        PacketBuffer buffer = new PacketBuffer(2048, 0);
        assertThat(channel.read(buffer)).isEqualTo(20); // what was queued still comes first
        assertThat(channel.read(buffer)).isEqualTo(-1);
        assertThat(channel.readBatch(new PacketBuffer[] {buffer}, new int[1], 1)).isEqualTo(-1);
    }

    /** Bounded wait until a reader thread has entered the channel (it then polls or is about to). */
    private void awaitReaderInside() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (channelGuardInside() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("reader did not enter read() within 10 s");
            }
            Thread.sleep(1);
        }
    }

    private int channelGuardInside() {
        return channel.guardInside();
    }
}
