package org.netstack4j.tun.linux;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.network.StaticNat;

/**
 * The test acting as a router between two TUN devices of the same namespace: packets read from one
 * are rewritten (source and destination address, like a static NAT) and written to the other, so that
 * two kernel sockets talk through both devices. Transport checksums are updated incrementally
 * (RFC 1624), whether complete or partial ({@code NEEDS_CSUM}: the field then holds the
 * uncomplemented pseudo-header sum); offload metadata is passed on unchanged.
 */
final class NatRelay implements AutoCloseable {
    /** A super-packet seen on the way, copied with its metadata. */
    record SuperPacket(byte[] bytes, int gsoType, int gsoSize, int checksumStart, int checksumOffset) {
    }

    private final TunChannel from;
    private final TunChannel to;
    private final StaticNat nat;
    private final Thread thread;
    final AtomicLong relayed = new AtomicLong();
    final AtomicLong superPackets = new AtomicLong();
    final AtomicLong largest = new AtomicLong();
    final List<SuperPacket> samples = new CopyOnWriteArrayList<>();
    volatile Throwable failure;

    NatRelay(TunChannel from, TunChannel to, byte[] oldSource, byte[] newSource, byte[] oldDestination,
             byte[] newDestination, int bufferSize) {
        this.from = from;
        this.to = to;
        this.nat = new StaticNat(oldSource, newSource, oldDestination, newDestination);
        this.thread = Thread.ofPlatform().daemon().name("relay-" + from.deviceName()).start(() -> loop(bufferSize));
    }

    private void loop(int bufferSize) {
        int headroom = 64;
        PacketBuffer[] buffers = new PacketBuffer[32];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = new PacketBuffer(bufferSize + headroom, headroom);
        }
        int[] lengths = new int[buffers.length];
        PacketBuffer[] out = new PacketBuffer[buffers.length];
        try {
            for (;;) {
                for (PacketBuffer b : buffers) {
                    b.reset(headroom);
                }
                int n = from.readBatch(buffers, lengths, buffers.length);
                int m = 0;
                for (int i = 0; i < n; i++) {
                    PacketBuffer p = buffers[i];
                    if (p.gsoType() != PacketBuffer.GSO_NONE) {
                        superPackets.incrementAndGet();
                        largest.accumulateAndGet(p.length(), Math::max);
                        if (samples.size() < 8) {
                            samples.add(new SuperPacket(p.toByteArray(), p.gsoType(), p.gsoSize(),
                                    p.checksumStart() - p.start(), p.checksumOffset()));
                        }
                    }
                    if (nat.rewrite(p)) {
                        out[m++] = p;
                    }
                }
                int done = 0;
                while (done < m) {
                    int written;
                    try {
                        written = to.writeBatch(Arrays.copyOfRange(out, done, m), m - done);
                    } catch (PacketRejectedException e) {
                        failure = e;
                        written = 1;
                    }
                    if (written == 0) {
                        to.awaitWritable(1000); // device full: wait rather than drop
                    }
                    done += written;
                }
                relayed.addAndGet(m);
            }
        } catch (ClosedChannelException e) {
            // end
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }



    @Override
    public void close() throws IOException {
        from.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
