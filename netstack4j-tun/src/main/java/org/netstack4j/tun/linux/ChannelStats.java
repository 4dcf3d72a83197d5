package org.netstack4j.tun.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one channel: packets and bytes each way, and every packet that was dropped or needed
 * special handling, by reason. Counters only grow. Reading them from another thread gives a recent,
 * not an atomic, picture (each counter is read whole, the set is not a snapshot).
 *
 * <p>The reader side is updated by the one reading thread, the writer side under the channel's
 * write lock, with plain (opaque) stores: counting costs no fence on the packet path.
 */
public final class ChannelStats {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

    static final int PACKETS_READ = 0;
    static final int BYTES_READ = 1;
    static final int READS_TRUNCATED = 2;
    static final int READ_WAITS = 3;
    static final int SUPER_PACKETS_READ = 4;
    static final int SEGMENTS_SPLIT = 5;
    static final int CHECKSUMS_COMPLETED = 6;
    static final int READ_DROPS_MALFORMED = 7;
    static final int READ_COPIES = 8;
    static final int READ_BATCH_CALLS = 9;
    static final int PACKETS_WRITTEN = 10;
    static final int BYTES_WRITTEN = 11;
    static final int SUPER_PACKETS_WRITTEN = 12;
    static final int WRITE_DROPS_NO_BUFFERS = 13;
    static final int WRITE_DROPS_LINK_DOWN = 14;
    static final int WRITES_REJECTED = 15;
    static final int WRITES_FULL = 16;
    static final int WRITE_COPIES = 17;
    static final int WRITE_BATCH_CALLS = 18;
    private static final int COUNT = 19;

    private final long[] slots = new long[COUNT];

    void add(int counter, long delta) {
        SLOTS.setOpaque(slots, counter, (long) SLOTS.getOpaque(slots, counter) + delta);
    }

    void increment(int counter) {
        add(counter, 1);
    }

    private long get(int counter) {
        return (long) SLOTS.getOpaque(slots, counter);
    }

    /** Packets handed to the caller by read calls (segments of a split super-packet count one each). */
    public long packetsRead() {
        return get(PACKETS_READ);
    }

    /** Bytes of those packets (without device headers). */
    public long bytesRead() {
        return get(BYTES_READ);
    }

    /** Packets longer than the caller's buffer, truncated to it. */
    public long readsTruncated() {
        return get(READS_TRUNCATED);
    }

    /** Times a reader found nothing to read and waited for readiness. */
    public long readWaits() {
        return get(READ_WAITS);
    }

    /** GSO super-packets received from the kernel (delivered whole or split). */
    public long superPacketsRead() {
        return get(SUPER_PACKETS_READ);
    }

    /** Segments produced by splitting super-packets. */
    public long segmentsSplit() {
        return get(SEGMENTS_SPLIT);
    }

    /** Partial checksums ({@code NEEDS_CSUM}) completed in software on receive. */
    public long checksumsCompleted() {
        return get(CHECKSUMS_COMPLETED);
    }

    /** Received packets dropped because their device header or offload metadata was invalid. */
    public long readDropsMalformed() {
        return get(READ_DROPS_MALFORMED);
    }

    /** Received packets that went through a staging area (caller's buffer too small, or batched receive). */
    public long readCopies() {
        return get(READ_COPIES);
    }

    /** Batched receive system calls ({@code recvmmsg}). */
    public long readBatchCalls() {
        return get(READ_BATCH_CALLS);
    }

    /** Packets accepted by the device (a super-packet counts one). */
    public long packetsWritten() {
        return get(PACKETS_WRITTEN);
    }

    /** Bytes of those packets (without device headers). */
    public long bytesWritten() {
        return get(BYTES_WRITTEN);
    }

    /** Super-packets handed to the kernel for segmentation (host GSO). */
    public long superPacketsWritten() {
        return get(SUPER_PACKETS_WRITTEN);
    }

    /** Packets dropped because the kernel had no buffer space ({@code ENOBUFS}). */
    public long writeDropsNoBuffers() {
        return get(WRITE_DROPS_NO_BUFFERS);
    }

    /** Packets dropped because the interface was down ({@code EIO} on a TUN/TAP, {@code ENETDOWN}). */
    public long writeDropsLinkDown() {
        return get(WRITE_DROPS_LINK_DOWN);
    }

    /** Packets the device refused ({@code EINVAL}, {@code EMSGSIZE}). */
    public long writesRejected() {
        return get(WRITES_REJECTED);
    }

    /**
     * Packets not sent because the device was full ({@code EAGAIN}): reported to the writer as a
     * {@link org.netstack4j.link.ChannelFullException} or a short batch count.
     */
    public long writesFull() {
        return get(WRITES_FULL);
    }

    /** Written packets copied to a staging area first (no headroom for the device header, or batched send). */
    public long writeCopies() {
        return get(WRITE_COPIES);
    }

    /** Batched send system calls ({@code sendmmsg}). */
    public long writeBatchCalls() {
        return get(WRITE_BATCH_CALLS);
    }

    @Override
    public String toString() {
        return "ChannelStats[read " + packetsRead() + " pkts/" + bytesRead() + " B, truncated " + readsTruncated()
                + ", super " + superPacketsRead() + " -> " + segmentsSplit() + " segs, csum completed "
                + checksumsCompleted() + ", malformed " + readDropsMalformed() + ", waits " + readWaits()
                + "; written " + packetsWritten() + " pkts/" + bytesWritten() + " B, super " + superPacketsWritten()
                + ", ENOBUFS " + writeDropsNoBuffers() + ", link down " + writeDropsLinkDown() + ", rejected "
                + writesRejected() + ", full " + writesFull() + "]";
    }
}
