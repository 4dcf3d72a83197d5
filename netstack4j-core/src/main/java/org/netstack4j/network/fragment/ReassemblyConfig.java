package org.netstack4j.network.fragment;

/**
 * Limits of a reassembler. Immutable; derive variants with the {@code with*} methods.
 *
 * <p>Memory is counted as the capacity of every held fragment's buffer (what the fragment really
 * costs, like Linux's {@code truesize}), not its payload, so tiny fragments in large buffers cannot
 * slip past the caps.
 */
public final class ReassemblyConfig {
    private static final long SECOND = 1_000_000_000L;

    private final long timeout;
    private final long memoryCap;
    private final long perSourceCap;
    private final int maxDatagrams;
    private final int maxFragmentsPerDatagram;

    private ReassemblyConfig(long timeout, long memoryCap, long perSourceCap, int maxDatagrams,
                             int maxFragmentsPerDatagram) {
        if (timeout <= 0) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (memoryCap <= 0 || perSourceCap <= 0) {
            throw new IllegalArgumentException("caps must be positive: " + memoryCap + ", " + perSourceCap);
        }
        if (maxDatagrams <= 0 || maxDatagrams > 1 << 20) {
            throw new IllegalArgumentException("maxDatagrams outside 1.." + (1 << 20) + ": " + maxDatagrams);
        }
        if (maxFragmentsPerDatagram < 2 || maxFragmentsPerDatagram > 8192) {
            throw new IllegalArgumentException("maxFragmentsPerDatagram outside 2..8192: " + maxFragmentsPerDatagram);
        }
        this.timeout = timeout;
        this.memoryCap = memoryCap;
        this.perSourceCap = perSourceCap;
        this.maxDatagrams = maxDatagrams;
        this.maxFragmentsPerDatagram = maxFragmentsPerDatagram;
    }

    /**
     * IPv4 defaults: 30 s timeout (Linux's {@code ipfrag_time}; RFC 791 suggests 15 s and at most
     * the TTL), 4 MiB in all, 1 MiB per source, 1024 datagrams, 256 fragments each.
     */
    public static ReassemblyConfig ipv4() {
        return new ReassemblyConfig(30 * SECOND, 4 << 20, 1 << 20, 1024, 256);
    }

    /** IPv6 defaults: the 60 s of RFC 8200, otherwise as {@link #ipv4()}. */
    public static ReassemblyConfig ipv6() {
        return ipv4().withTimeout(60 * SECOND);
    }

    /** How long a datagram may wait for its fragments, from its first fragment's arrival, in nanoseconds. */
    public long timeout() {
        return timeout;
    }

    /** Bytes all pending datagrams may hold together. */
    public long memoryCap() {
        return memoryCap;
    }

    /** Bytes the pending datagrams of one source address may hold together. */
    public long perSourceCap() {
        return perSourceCap;
    }

    /** Datagrams pending at once; beyond it the oldest is evicted. */
    public int maxDatagrams() {
        return maxDatagrams;
    }

    /** Fragments one datagram may consist of; beyond it the datagram is discarded. */
    public int maxFragmentsPerDatagram() {
        return maxFragmentsPerDatagram;
    }

    /** A copy with another {@link #timeout()}. */
    public ReassemblyConfig withTimeout(long nanos) {
        return new ReassemblyConfig(nanos, memoryCap, perSourceCap, maxDatagrams, maxFragmentsPerDatagram);
    }

    /** A copy with other memory caps. */
    public ReassemblyConfig withCaps(long memory, long perSource) {
        return new ReassemblyConfig(timeout, memory, perSource, maxDatagrams, maxFragmentsPerDatagram);
    }

    /** A copy with another {@link #maxDatagrams()}. */
    public ReassemblyConfig withMaxDatagrams(int value) {
        return new ReassemblyConfig(timeout, memoryCap, perSourceCap, value, maxFragmentsPerDatagram);
    }

    /** A copy with another {@link #maxFragmentsPerDatagram()}. */
    public ReassemblyConfig withMaxFragmentsPerDatagram(int value) {
        return new ReassemblyConfig(timeout, memoryCap, perSourceCap, maxDatagrams, value);
    }

    @Override
    public String toString() {
        return "ReassemblyConfig[timeout=" + timeout + "ns, memory=" + memoryCap + ", perSource=" + perSourceCap
                + ", datagrams=" + maxDatagrams + ", fragments=" + maxFragmentsPerDatagram + "]";
    }
}
