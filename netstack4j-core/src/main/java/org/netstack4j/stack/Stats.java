package org.netstack4j.stack;

import java.util.Map;
import java.util.TreeMap;
import org.netstack4j.link.LinkStatistics;

/**
 * An immutable snapshot of the stack's counters: per-layer events and drop reasons summed over the
 * shards ({@link StackCounter}), the link counters of each NIC, reassembly state and counters, and the
 * neighbour caches of Ethernet NICs.
 */
public final class Stats {
    private final long[] counters;
    private final Map<Integer, LinkStatistics> links;
    private final long reassemblyHeldBytes;
    private final int reassemblyPending;
    private final long reassemblyDrops;
    private final long reassemblyTimeouts;
    private final long datagramsReassembled;
    private final long neighbourPacketsDropped;
    private final long neighbourResolutionsFailed;
    private final long dadSolicitationsSent;
    private final long addressesAssigned;
    private final Map<String, String> details;

    Stats(long[] counters, Map<Integer, LinkStatistics> links, long reassemblyHeldBytes, int reassemblyPending,
          long reassemblyDrops, long reassemblyTimeouts, long datagramsReassembled, long neighbourPacketsDropped,
          long neighbourResolutionsFailed, long dadSolicitationsSent, long addressesAssigned,
          Map<String, String> details) {
        this.counters = counters.clone();
        this.links = Map.copyOf(links);
        this.reassemblyHeldBytes = reassemblyHeldBytes;
        this.reassemblyPending = reassemblyPending;
        this.reassemblyDrops = reassemblyDrops;
        this.reassemblyTimeouts = reassemblyTimeouts;
        this.datagramsReassembled = datagramsReassembled;
        this.neighbourPacketsDropped = neighbourPacketsDropped;
        this.neighbourResolutionsFailed = neighbourResolutionsFailed;
        this.dadSolicitationsSent = dadSolicitationsSent;
        this.addressesAssigned = addressesAssigned;
        this.details = Map.copyOf(details);
    }

    /** The value of one counter, summed over the shards. */
    public long get(StackCounter counter) {
        return counters[counter.ordinal()];
    }

    /** Sum of every drop-reason counter of {@code layer}. */
    public long drops(StackCounter.Layer layer) {
        long sum = 0;
        for (StackCounter c : StackCounter.VALUES) {
            if (c.isDrop() && c.layer() == layer) {
                sum += counters[c.ordinal()];
            }
        }
        return sum;
    }

    /** The link counters of NIC {@code nicId}, or null when there is no such NIC. */
    public LinkStatistics link(int nicId) {
        return links.get(nicId);
    }

    /** Bytes held by pending reassembly (IPv4 and IPv6, all shards); never above the configured caps. */
    public long reassemblyHeldBytes() {
        return reassemblyHeldBytes;
    }

    /** Datagrams waiting for fragments. */
    public int reassemblyPendingDatagrams() {
        return reassemblyPending;
    }

    /** Fragments dropped by reassembly (overlaps, caps, limits, malformed, timeouts). */
    public long reassemblyFragmentsDropped() {
        return reassemblyDrops;
    }

    /** Datagrams that timed out incomplete. */
    public long reassemblyTimeouts() {
        return reassemblyTimeouts;
    }

    /** Datagrams reassembled whole. */
    public long datagramsReassembled() {
        return datagramsReassembled;
    }

    /** Packets the neighbour caches dropped (queues full, resolution failed, evictions). */
    public long neighbourPacketsDropped() {
        return neighbourPacketsDropped;
    }

    /** Resolutions (ARP or NDP) that failed. */
    public long neighbourResolutionsFailed() {
        return neighbourResolutionsFailed;
    }

    /** Duplicate address detection solicitations sent by the NDP handlers. */
    public long dadSolicitationsSent() {
        return dadSolicitationsSent;
    }

    /** IPv6 addresses that passed duplicate address detection (or were assigned without it). */
    public long addressesAssigned() {
        return addressesAssigned;
    }

    /** A table of the non-zero counters by layer, then link, reassembly and neighbour details. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        StackCounter.Layer layer = null;
        for (StackCounter c : StackCounter.VALUES) {
            long v = counters[c.ordinal()];
            if (v == 0) {
                continue;
            }
            if (c.layer() != layer) {
                layer = c.layer();
                s.append(layer).append('\n');
            }
            s.append(String.format("  %-40s %12d%s%n", c.name().toLowerCase(), v, c.isDrop() ? "  (drop)" : ""));
        }
        s.append("REASSEMBLY\n");
        s.append(String.format("  %-40s %12d%n", "held_bytes", reassemblyHeldBytes));
        s.append(String.format("  %-40s %12d%n", "pending_datagrams", reassemblyPending));
        s.append(String.format("  %-40s %12d%n", "datagrams_reassembled", datagramsReassembled));
        s.append(String.format("  %-40s %12d%n", "fragments_dropped", reassemblyDrops));
        s.append(String.format("  %-40s %12d%n", "timeouts", reassemblyTimeouts));
        for (Map.Entry<Integer, LinkStatistics> e : new TreeMap<>(links).entrySet()) {
            s.append("LINK nic ").append(e.getKey()).append("\n  ").append(e.getValue()).append('\n');
        }
        for (Map.Entry<String, String> e : new TreeMap<>(details).entrySet()) {
            s.append(e.getKey()).append("\n  ").append(e.getValue()).append('\n');
        }
        return s.toString();
    }
}
