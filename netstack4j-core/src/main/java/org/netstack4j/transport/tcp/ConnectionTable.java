package org.netstack4j.transport.tcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** The connections of one shard by 4-tuple. Shard-confined; lookups with the reusable probe allocate nothing. */
public final class ConnectionTable {
    private final HashMap<FlowKey, TcpConnection> map = new HashMap<>();
    private final FlowKey probe = new FlowKey();

    TcpConnection lookup(int version, long localHigh, long localLow, int localPort, long remoteHigh, long remoteLow,
                         int remotePort) {
        return map.get(probe.set(version, localHigh, localLow, localPort, remoteHigh, remoteLow, remotePort));
    }

    void put(TcpConnection c) {
        map.put(c.key, c);
    }

    void remove(TcpConnection c) {
        map.remove(c.key, c);
    }

    /** Number of connections (every state, TIME-WAIT included). */
    public int size() {
        return map.size();
    }

    /** A copy of the connections (for shutdown and tests). */
    public List<TcpConnection> all() {
        return new ArrayList<>(map.values());
    }
}
