package org.netstack4j.bench.linux;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.PacketChannel;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

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
    private final byte[] oldSource;
    private final byte[] newSource;
    private final byte[] oldDestination;
    private final byte[] newDestination;
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
        this.oldSource = oldSource;
        this.newSource = newSource;
        this.oldDestination = oldDestination;
        this.newDestination = newDestination;
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
                    if (rewrite(p)) {
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

    private boolean rewrite(PacketBuffer p) {
        byte[] b = p.array();
        int at = p.start();
        if (p.length() < 40) {
            return false;
        }
        int version = (b[at] & 0xff) >>> 4;
        int source;
        int destination;
        int transport;
        int protocol;
        if (version == 4 && oldSource.length == 4) {
            source = at + 12;
            destination = at + 16;
            transport = at + (b[at] & 0x0f) * 4;
            protocol = b[at + 9] & 0xff;
        } else if (version == 6 && oldSource.length == 16) {
            source = at + 8;
            destination = at + 24;
            transport = at + 40;
            protocol = b[at + 6] & 0xff;
        } else {
            return false;
        }
        int n = oldSource.length;
        if (!Arrays.equals(b, source, source + n, oldSource, 0, n)
                || !Arrays.equals(b, destination, destination + n, oldDestination, 0, n)) {
            return false;
        }
        int field = protocol == 6 ? transport + 16 : protocol == 17 ? transport + 6 : -1;
        boolean partial = p.checksumPartial();
        int check = field < 0 || field + 2 > p.end() ? 0 : Bytes.u16(b, field);
        int ipCheck = version == 4 ? Bytes.u16(b, at + 10) : 0;
        for (int i = 0; i < n; i += 4) {
            check = update(check, Bytes.i32(oldSource, i), Bytes.i32(newSource, i), partial);
            check = update(check, Bytes.i32(oldDestination, i), Bytes.i32(newDestination, i), partial);
            ipCheck = Checksum.update32(ipCheck, Bytes.i32(oldSource, i), Bytes.i32(newSource, i));
            ipCheck = Checksum.update32(ipCheck, Bytes.i32(oldDestination, i), Bytes.i32(newDestination, i));
        }
        System.arraycopy(newSource, 0, b, source, n);
        System.arraycopy(newDestination, 0, b, destination, n);
        if (version == 4) {
            Bytes.put16(b, at + 10, ipCheck);
        }
        if (field >= 0 && field + 2 <= p.end()) {
            Bytes.put16(b, field, check);
        }
        return true;
    }

    private static int update(int field, int oldValue, int newValue, boolean partial) {
        return partial ? ~Checksum.update32(~field & 0xffff, oldValue, newValue) & 0xffff
                : Checksum.update32(field, oldValue, newValue);
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
