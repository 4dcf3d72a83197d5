package org.netstack4j.link;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of a link endpoint's counters. Byte counts are of what crossed the channel (link header
 * included).
 *
 * @param packetsIn  packets handed to the dispatcher (one that throws also counts a
 *                   {@link LinkDropReason#DISPATCHER_ERROR})
 * @param bytesIn    bytes of those packets as read
 * @param packetsOut packets handed to the channels (after segmentation: one per segment)
 * @param bytesOut   bytes of those packets
 * @param drops      drops by reason; every reason is present
 */
public record LinkStatistics(long packetsIn, long bytesIn, long packetsOut, long bytesOut,
                             Map<LinkDropReason, Long> drops) {

    /** Copies {@code drops}, filling absent reasons with zero. */
    public LinkStatistics {
        EnumMap<LinkDropReason, Long> all = new EnumMap<>(LinkDropReason.class);
        for (LinkDropReason r : LinkDropReason.values()) {
            Long v = drops.get(r);
            all.put(r, v == null ? 0L : v);
        }
        drops = Collections.unmodifiableMap(all);
    }

    /** Packets dropped for {@code reason}. */
    public long drops(LinkDropReason reason) {
        return drops.get(reason);
    }

    /** Packets dropped for any reason. */
    public long totalDrops() {
        long sum = 0;
        for (long v : drops.values()) {
            sum += v;
        }
        return sum;
    }
}
