package org.netstack4j.tun.linux;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.PacketChannel;

/**
 * A reader thread that drains a channel into a queue of packet copies until the channel closes,
 * so that tests can wait for packets with a deadline instead of blocking forever.
 */
final class PacketCollector implements AutoCloseable {
    private final PacketChannel channel;
    private final BlockingQueue<byte[]> packets = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile Throwable failure;
    private volatile long endedAtNanos;

    PacketCollector(PacketChannel channel, int bufferSize, int headroom) {
        this.channel = channel;
        this.thread = Thread.ofPlatform().daemon().name("collector-" + channel).start(() -> loop(bufferSize, headroom));
    }

    private void loop(int bufferSize, int headroom) {
        PacketBuffer[] buffers = new PacketBuffer[16];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = new PacketBuffer(bufferSize, headroom);
        }
        int[] lengths = new int[buffers.length];
        try {
            for (;;) {
                for (PacketBuffer b : buffers) {
                    b.reset(headroom);
                }
                int n = channel.readBatch(buffers, lengths, buffers.length);
                if (n < 0) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    packets.add(buffers[i].toByteArray());
                }
            }
        } catch (ClosedChannelException e) {
            // normal end
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            endedAtNanos = System.nanoTime();
        }
    }

    /** The next packet, or null when none arrives within {@code millis}. */
    byte[] poll(long millis) throws InterruptedException {
        return packets.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next packet matching {@code filter} (others are dropped), or null after {@code millis}. */
    byte[] pollMatching(Predicate<byte[]> filter, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (;;) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            byte[] p = packets.poll(left, TimeUnit.NANOSECONDS);
            if (p == null || filter.test(p)) {
                return p;
            }
        }
    }

    /** Everything queued now. */
    List<byte[]> drain() {
        List<byte[]> out = new ArrayList<>();
        packets.drainTo(out);
        return out;
    }

    Throwable failure() {
        return failure;
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    /** When the reader loop ended ({@link System#nanoTime()}), 0 while it runs. */
    long endedAtNanos() {
        return endedAtNanos;
    }

    /** Waits for the reader to end (the channel must be closed first). */
    boolean join(long millis) throws InterruptedException {
        return thread.join(java.time.Duration.ofMillis(millis));
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            thread.join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
