package org.netstack4j.tun.linux;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

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
    private final byte[] oldSource;
    private final byte[] newSource;
    private final byte[] oldDestination;
    private final byte[] newDestination;
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
        this.oldSource = oldSource;
        this.newSource = newSource;
        this.oldDestination = oldDestination;
        this.newDestination = newDestination;
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
                    if (rewrite(p)) {
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

    /** Rewrites the addresses in place; false for packets that are not ours (link noise). */
    private boolean rewrite(PacketBuffer p) {
        byte[] b = p.array();
        int at = p.start();
        int version = (b[at] & 0xff) >>> 4;
        int sourceAt;
        int destinationAt;
        int transportAt;
        int protocol;
        if (version == 4 && oldSource.length == 4) {
            sourceAt = at + 12;
            destinationAt = at + 16;
            transportAt = at + (b[at] & 0x0f) * 4;
            protocol = b[at + 9] & 0xff;
        } else if (version == 6 && oldSource.length == 16) {
            sourceAt = at + 8;
            destinationAt = at + 24;
            transportAt = at + 40;
            protocol = b[at + 6] & 0xff;
        } else {
            return false;
        }
        if (!Arrays.equals(b, sourceAt, sourceAt + oldSource.length, oldSource, 0, oldSource.length)
                || !Arrays.equals(b, destinationAt, destinationAt + oldDestination.length, oldDestination, 0,
                oldDestination.length)) {
            return false;
        }
        int field = protocol == TestPackets.PROTO_TCP ? transportAt + 16
                : protocol == TestPackets.PROTO_UDP ? transportAt + 6 : -1;
        boolean partial = p.checksumPartial();
        int check = field < 0 ? 0 : Bytes.u16(b, field);
        int ipCheck = version == 4 ? Bytes.u16(b, at + 10) : 0;
        for (int i = 0; i < oldSource.length; i += 4) {
            int o = Bytes.i32(oldSource, i);
            int n = Bytes.i32(newSource, i);
            check = update(check, o, n, partial);
            ipCheck = Checksum.update32(ipCheck, o, n);
            o = Bytes.i32(oldDestination, i);
            n = Bytes.i32(newDestination, i);
            check = update(check, o, n, partial);
            ipCheck = Checksum.update32(ipCheck, o, n);
        }
        System.arraycopy(newSource, 0, b, sourceAt, newSource.length);
        System.arraycopy(newDestination, 0, b, destinationAt, newDestination.length);
        if (version == 4) {
            Bytes.put16(b, at + 10, ipCheck);
        }
        if (field >= 0) {
            Bytes.put16(b, field, check);
        }
        return true;
    }

    /** RFC 1624 update of a complete checksum, or of the uncomplemented sum a partial one holds. */
    private static int update(int field, int oldValue, int newValue, boolean partial) {
        if (partial) {
            return ~Checksum.update32(~field & 0xffff, oldValue, newValue) & 0xffff;
        }
        return Checksum.update32(field, oldValue, newValue);
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
