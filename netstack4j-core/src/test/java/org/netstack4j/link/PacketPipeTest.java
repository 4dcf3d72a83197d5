package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;

class PacketPipeTest {
    private static PacketBuffer packet(int n, int first) {
        return PacketBuffer.copyOf(TestPackets.payload(n, first), 8);
    }

    @Test
    void eachReadReturnsExactlyOneWrittenPacket() throws IOException {
        PacketPipe pipe = PacketPipe.open(8, 100);
        pipe.a().write(packet(3, 1));
        pipe.a().write(packet(5, 10));
        PacketBuffer in = new PacketBuffer(200, 16);
        assertThat(pipe.b().read(in)).isEqualTo(3);
        assertThat(in.toByteArray()).containsExactly(1, 2, 3);
        in.reset(16);
        assertThat(pipe.b().read(in)).isEqualTo(5);
        assertThat(in.toByteArray()).containsExactly(10, 11, 12, 13, 14);
        assertThat(in.start()).isEqualTo(16);
    }

    @Test
    void directionsAreIndependent() throws IOException {
        PacketPipe pipe = PacketPipe.open(4, 100);
        pipe.b().write(packet(2, 7));
        assertThat(pipe.b().queued()).isZero();
        assertThat(pipe.a().queued()).isEqualTo(1);
        PacketBuffer in = new PacketBuffer(100, 0);
        assertThat(pipe.a().read(in)).isEqualTo(2);
        assertThat(in.toByteArray()).containsExactly(7, 8);
    }

    @Test
    void fullRingRefusesWritesWithoutBlocking() throws IOException {
        PacketPipe pipe = PacketPipe.open(4, 100);
        for (int i = 0; i < 4; i++) {
            pipe.a().write(packet(1, i));
        }
        assertThatThrownBy(() -> pipe.a().write(packet(1, 9))).isInstanceOf(ChannelFullException.class);
        PacketBuffer in = new PacketBuffer(100, 0);
        pipe.b().read(in);
        PacketBuffer[] batch = {packet(1, 20), packet(1, 21), packet(1, 22)};
        assertThat(pipe.a().writeBatch(batch, 3)).isEqualTo(1);
        assertThat(pipe.b().queued()).isEqualTo(4);
    }

    @Test
    void packetLongerThanTheReadersRoomIsTruncatedAndReportedWithItsRealLength() throws IOException {
        PacketPipe pipe = PacketPipe.open(2, 100);
        pipe.a().write(packet(50, 0));
        PacketBuffer in = new PacketBuffer(30, 10);
        assertThat(pipe.b().read(in)).isEqualTo(50);
        assertThat(in.length()).isEqualTo(20);
    }

    @Test
    void packetLongerThanTheSlotsIsRefused() {
        PacketPipe pipe = PacketPipe.open(2, 10);
        assertThatThrownBy(() -> pipe.a().write(packet(11, 0))).isInstanceOf(IOException.class).hasMessageContaining("maximum of 10");
    }

    @Test
    void readBatchTakesWhatIsQueuedUpToTheCount() throws IOException {
        PacketPipe pipe = PacketPipe.open(8, 100);
        for (int i = 0; i < 5; i++) {
            pipe.a().write(packet(i + 1, 0));
        }
        PacketBuffer[] bufs = new PacketBuffer[3];
        for (int i = 0; i < 3; i++) {
            bufs[i] = new PacketBuffer(100, 0);
        }
        int[] lengths = new int[3];
        assertThat(pipe.b().readBatch(bufs, lengths, 3)).isEqualTo(3);
        assertThat(lengths).containsExactly(1, 2, 3);
        for (PacketBuffer b : bufs) {
            b.reset(0);
        }
        assertThat(pipe.b().readBatch(bufs, lengths, 3)).isEqualTo(2);
        assertThat(lengths[0]).isEqualTo(4);
        assertThat(lengths[1]).isEqualTo(5);
    }

    @Test
    void blockedReaderWakesForAPacketWrittenLater() throws Exception {
        PacketPipe pipe = PacketPipe.open(2, 100);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return pipe.b().read(new PacketBuffer(100, 0));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        awaitParked(pipe);
        pipe.a().write(packet(7, 0));
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(7);
    }

    @Test
    void closeWakesABlockedReaderWithClosedChannelException() throws Exception {
        PacketPipe pipe = PacketPipe.open(2, 100);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try {
                pipe.b().read(new PacketBuffer(100, 0));
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        started.await();
        awaitParked(pipe);
        pipe.b().close();
        assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        assertThat(pipe.b().isOpen()).isFalse();
        assertThatThrownBy(() -> pipe.b().write(packet(1, 0))).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void peerCloseDeliversQueuedPacketsThenEndOfStream() throws Exception {
        PacketPipe pipe = PacketPipe.open(4, 100);
        pipe.a().write(packet(2, 0));
        pipe.a().close();
        PacketBuffer in = new PacketBuffer(100, 0);
        assertThat(pipe.b().read(in)).isEqualTo(2);
        in.reset(0);
        assertThat(pipe.b().read(in)).isEqualTo(-1);
        assertThatThrownBy(() -> pipe.b().write(packet(1, 0))).isInstanceOf(IOException.class).hasMessageContaining("peer closed");
    }

    @Test
    void peerCloseWakesABlockedReaderWithEndOfStream() throws Exception {
        PacketPipe pipe = PacketPipe.open(2, 100);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return pipe.b().read(new PacketBuffer(100, 0));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        awaitParked(pipe);
        pipe.a().close();
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
    }

    @Test
    void concurrentWritersLoseNothingAndKeepEachWritersOrder() throws Exception {
        int writers = 4;
        int perWriter = 20_000;
        PacketPipe pipe = PacketPipe.open(64, 16);
        Thread[] threads = new Thread[writers];
        for (int w = 0; w < writers; w++) {
            int id = w;
            threads[w] = new Thread(() -> {
                PacketBuffer p = new PacketBuffer(16, 0);
                for (int i = 0; i < perWriter; ) {
                    p.reset(0);
                    int at = p.append(5);
                    p.array()[at] = (byte) id;
                    org.netstack4j.wire.Bytes.put32(p.array(), at + 1, i);
                    try {
                        pipe.a().write(p);
                        i++;
                    } catch (ChannelFullException e) {
                        Thread.onSpinWait();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            threads[w].start();
        }
        int[] next = new int[writers];
        PacketBuffer in = new PacketBuffer(16, 0);
        for (int n = 0; n < writers * perWriter; n++) {
            in.reset(0);
            assertThat(pipe.b().read(in)).isEqualTo(5);
            int id = in.array()[0];
            assertThat(org.netstack4j.wire.Bytes.i32(in.array(), 1)).isEqualTo(next[id]);
            next[id]++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(next).containsOnly(perWriter);
    }

    @Test
    void interruptingABlockedReaderClosesItsEndAsNioChannelsDo() throws Exception {
        PacketPipe pipe = PacketPipe.open(2, 100);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                pipe.b().read(new PacketBuffer(100, 0));
                failure.complete(null);
            } catch (IOException e) {
                failure.complete(e);
            }
        });
        reader.start();
        awaitParked(pipe);
        reader.interrupt();
        assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(java.nio.channels.ClosedByInterruptException.class);
        assertThat(pipe.b().isOpen()).isFalse();
        reader.join();
    }

    /** Waits (bounded) until the reader of end b is parked in read, so the wake-up is really tested. */
    static void awaitParked(PacketPipe pipe) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pipe.b().hasBlockedReader()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("reader never blocked");
            }
            Thread.sleep(1);
        }
    }
}
