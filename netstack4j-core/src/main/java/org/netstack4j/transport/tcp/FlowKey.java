package org.netstack4j.transport.tcp;

/**
 * A connection's 4-tuple (with the IP version) as a hash key. Each connection owns one; the shard reuses a
 * mutable probe for lookups, so finding a connection allocates nothing.
 */
public final class FlowKey {
    int version;
    long localHigh;
    long localLow;
    int localPort;
    long remoteHigh;
    long remoteLow;
    int remotePort;

    FlowKey set(int version, long localHigh, long localLow, int localPort, long remoteHigh, long remoteLow,
                int remotePort) {
        this.version = version;
        this.localHigh = localHigh;
        this.localLow = localLow;
        this.localPort = localPort;
        this.remoteHigh = remoteHigh;
        this.remoteLow = remoteLow;
        this.remotePort = remotePort;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowKey k && k.localPort == localPort && k.remotePort == remotePort
                && k.localLow == localLow && k.remoteLow == remoteLow && k.localHigh == localHigh
                && k.remoteHigh == remoteHigh && k.version == version;
    }

    @Override
    public int hashCode() {
        long h = localLow * 0x9E3779B97F4A7C15L ^ remoteLow * 0xC2B2AE3D27D4EB4FL ^ localHigh * 31 ^ remoteHigh * 17
                ^ ((long) localPort << 16 | remotePort) * 0x165667B19E3779F9L ^ version;
        return (int) (h ^ h >>> 32);
    }

    @Override
    public String toString() {
        return "v" + version + " " + localLow + ":" + localPort + " <-> " + remoteLow + ":" + remotePort;
    }
}
