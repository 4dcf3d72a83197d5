package org.netstack4j.transport.tcp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Local ports in use per IP version. A listener owns its port; an active connection owns only its 4-tuple, so
 * one ephemeral port serves connections to different peers (and TIME-WAIT ties up a tuple, not a port).
 * Ephemeral ports come from 49152–65535 from a random start with linear probing and {@code putIfAbsent}, so
 * concurrent allocations never collide.
 */
final class PortTable {
    private static final int FIRST = 49152;
    private static final int COUNT = 65536 - FIRST;
    private final ConcurrentHashMap<Integer, Boolean> listening = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Tuple, Boolean> tuples = new ConcurrentHashMap<>();

    /** An active connection's local port and peer. */
    record Tuple(int version, int localPort, long remoteHigh, long remoteLow, int remotePort) {
    }

    /** Reserves {@code port} for a listener; false when a listener has it. */
    boolean reserve(int version, int port) {
        return listening.putIfAbsent(version << 16 | port, Boolean.TRUE) == null;
    }

    /** A free ephemeral port for a listener, reserved; -1 when none. */
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
        listening.remove(version << 16 | port);
    }

    /** Reserves the tuple of an active connection from {@code port}; false when taken. */
    boolean reserveTuple(Tuple t) {
        return !listening.containsKey(t.version() << 16 | t.localPort()) && tuples.putIfAbsent(t, Boolean.TRUE) == null;
    }

    /** Picks an ephemeral port whose tuple towards the peer is free and reserves it; -1 when none. */
    int allocateTuple(int version, long remoteHigh, long remoteLow, int remotePort) {
        int start = ThreadLocalRandom.current().nextInt(COUNT);
        for (int i = 0; i < COUNT; i++) {
            int port = FIRST + (start + i) % COUNT;
            if (reserveTuple(new Tuple(version, port, remoteHigh, remoteLow, remotePort))) {
                return port;
            }
        }
        return -1;
    }

    void releaseTuple(Tuple t) {
        tuples.remove(t);
    }
}
