package org.netstack4j.transport.tcp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Local ports in use per IP version (listeners and active connections). Ephemeral ports come from
 * 49152–65535 from a random start with linear probing and {@code putIfAbsent}, so concurrent allocations never
 * collide.
 */
final class PortTable {
    private static final int FIRST = 49152;
    private static final int COUNT = 65536 - FIRST;
    private final ConcurrentHashMap<Integer, Boolean> used = new ConcurrentHashMap<>();

    /** Reserves {@code port}; false when in use. */
    boolean reserve(int version, int port) {
        return used.putIfAbsent(version << 16 | port, Boolean.TRUE) == null;
    }

    /** A free ephemeral port, reserved; -1 when none. */
    int allocate(int version) {
        int start = ThreadLocalRandom.current().nextInt(COUNT);
        for (int i = 0; i < COUNT; i++) {
            int port = FIRST + (start + i) % COUNT;
            if (reserve(version, port)) {
                return port;
            }
        }
        return -1;
    }

    void release(int version, int port) {
        used.remove(version << 16 | port);
    }

    int size() {
        return used.size();
    }
}
