package org.netstack4j.link;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters behind {@link LinkStatistics}. Inbound counts are kept per dispatch loop (one
 * writer each, published with opaque stores, so counting costs two plain additions); outbound
 * counts and drops use {@link LongAdder}s because any thread may write. Nothing here allocates per
 * packet.
 */
final class LinkCounters {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final LinkDropReason[] REASONS = LinkDropReason.values();

    /** Per-loop inbound counters: [2 * loop] packets, [2 * loop + 1] bytes; padded apart by the stride. */
    private static final int STRIDE = 16; // 128 bytes between loops' counters: no false sharing
    private final long[] inbound;
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder[] drops = new LongAdder[REASONS.length];

    LinkCounters(int loops) {
        inbound = new long[(loops + 1) * STRIDE];
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    /** Counts one delivered packet; only the loop's own thread calls this for a given {@code loop}. */
    void received(int loop, int bytes) {
        int i = (loop + 1) * STRIDE;
        LONGS.setOpaque(inbound, i, (long) LONGS.getOpaque(inbound, i) + 1);
        LONGS.setOpaque(inbound, i + 1, (long) LONGS.getOpaque(inbound, i + 1) + bytes);
    }

    void sent(int packets, long bytes) {
        packetsOut.add(packets);
        bytesOut.add(bytes);
    }

    void dropped(LinkDropReason reason) {
        drops[reason.ordinal()].increment();
    }

    void dropped(LinkDropReason reason, int packets) {
        drops[reason.ordinal()].add(packets);
    }

    LinkStatistics snapshot() {
        long packetsIn = 0;
        long bytesIn = 0;
        for (int i = STRIDE; i < inbound.length; i += STRIDE) {
            packetsIn += (long) LONGS.getOpaque(inbound, i);
            bytesIn += (long) LONGS.getOpaque(inbound, i + 1);
        }
        EnumMap<LinkDropReason, Long> d = new EnumMap<>(LinkDropReason.class);
        for (LinkDropReason r : REASONS) {
            d.put(r, drops[r.ordinal()].sum());
        }
        return new LinkStatistics(packetsIn, bytesIn, packetsOut.sum(), bytesOut.sum(), d);
    }
}
