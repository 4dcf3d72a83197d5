package org.netstack4j.bench.linux;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.PacketChannel;
import org.netstack4j.network.StaticNat;

/**
 * A minimal router thread between two packet channels: reads a batch, rewrites the IPv4/IPv6
 * source and destination addresses (static NAT, checksums updated per RFC 1624, partial ones too),
 * writes the batch to the other channel. Offload metadata passes through untouched. It stands in for
 * the simplest possible userspace forwarder, so that the channels' own cost can be measured with the
 * kernel's TCP at both ends.
 */
final class NatRelay implements AutoCloseable {
    private final PacketChannel from;
    private final PacketChannel to;
    private final StaticNat nat;
    private final Thread thread;
    final AtomicLong packets = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong superPackets = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    volatile Throwable failure;

    NatRelay(String name, PacketChannel from, PacketChannel to, byte[] oldSource, byte[] newSource,
             byte[] oldDestination, byte[] newDestination, int bufferSize, int batch) {
        this.from = from;
        this.to = to;
        this.nat = new StaticNat(oldSource, newSource, oldDestination, newDestination);
        this.thread = Thread.ofPlatform().daemon().name(name).start(() -> loop(bufferSize, batch));
    }

    private void loop(int bufferSize, int batch) {
        int headroom = 64;
        PacketBuffer[] in = new PacketBuffer[batch];
        PacketBuffer[] out = new PacketBuffer[batch];
        for (int i = 0; i < batch; i++) {
            in[i] = new PacketBuffer(bufferSize + headroom, headroom);
        }
        int[] lengths = new int[batch];
        try {
            for (;;) {
                for (PacketBuffer b : in) {
                    b.reset(headroom);
                }
                int n = from.readBatch(in, lengths, batch);
                int m = 0;
                long size = 0;
                for (int i = 0; i < n; i++) {
                    PacketBuffer p = in[i];
                    if (nat.rewrite(p)) {
                        if (p.gsoType() != PacketBuffer.GSO_NONE) {
                            superPackets.incrementAndGet();
                        }
                        size += p.length();
                        out[m++] = p;
                    }
                }
                int done = 0;
                while (done < m) {
                    if (done > 0) {
                        System.arraycopy(out, done, out, 0, m - done);
                        m -= done;
                        done = 0;
                    }
                    try {
                        int sent = to.writeBatch(out, m);
                        if (sent == 0) {
                            dropped.addAndGet(m); // the device is full: drop, as a router would
                            break;
                        }
                        done += sent;
                    } catch (ClosedChannelException e) {
                        throw e;
                    } catch (IOException e) {
                        done++; // one refused packet: drop it and go on
                        dropped.incrementAndGet();
                    }
                }
                packets.addAndGet(n);
                bytes.addAndGet(size);
            }
        } catch (ClosedChannelException e) {
            // closed: the end
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }



    @Override
    public void close() throws IOException {
        from.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
