package org.netstack4j.network;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable longest-prefix-match index over the routes of one address family: one open-addressing
 * hash table per prefix length present, probed from the longest length down. Each table maps a masked
 * prefix to its routes, best metric first. Lookups allocate nothing.
 */
final class PrefixIndex {
    static final PrefixIndex EMPTY_V4 = build(false, List.of());
    static final PrefixIndex EMPTY_V6 = build(true, List.of());

    private final Level[] levels;

    private PrefixIndex(Level[] levels) {
        this.levels = levels;
    }

    /** Builds the index of {@code routes} (all of the given family), keeping their relative order among equals. */
    static PrefixIndex build(boolean ipv6, List<Route> routes) {
        int bits = ipv6 ? 128 : 32;
        List<List<Route>> byLength = new ArrayList<>(bits + 1);
        for (int i = 0; i <= bits; i++) {
            byLength.add(new ArrayList<>());
        }
        for (Route r : routes) {
            byLength.get(r.prefixLength()).add(r);
        }
        List<Level> levels = new ArrayList<>();
        for (int length = bits; length >= 0; length--) {
            List<Route> atLength = byLength.get(length);
            if (!atLength.isEmpty()) {
                levels.add(new Level(ipv6, length, atLength));
            }
        }
        return new PrefixIndex(levels.toArray(new Level[0]));
    }

    /**
     * The best route covering the address: longest prefix, then lowest metric, then oldest; restricted
     * to NIC {@code nicId} unless it is {@link RouteTable#ANY_NIC}. {@code null} when none.
     */
    Route lookup(long high, long low, int nicId) {
        for (Level level : levels) {
            Route r = level.find(high & level.maskHigh, low & level.maskLow, nicId);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static final class Level {
        final long maskHigh;
        final long maskLow;
        final int mask;
        final long[] keyHigh;
        final long[] keyLow;
        final Route[][] values;

        Level(boolean ipv6, int length, List<Route> routes) {
            this.maskHigh = Route.maskHigh(ipv6, length);
            this.maskLow = Route.maskLow(ipv6, length);
            int capacity = Integer.highestOneBit(Math.max(2, routes.size()) * 2 - 1) << 1;
            this.mask = capacity - 1;
            this.keyHigh = new long[capacity];
            this.keyLow = new long[capacity];
            this.values = new Route[capacity][];
            List<Route> sorted = new ArrayList<>(routes);
            sorted.sort(Comparator.comparingInt(Route::metric)); // stable: oldest first among equal metrics
            for (Route r : sorted) {
                int i = indexOf(r.destinationHigh(), r.destinationLow());
                Route[] existing = values[i];
                if (existing == null) {
                    keyHigh[i] = r.destinationHigh();
                    keyLow[i] = r.destinationLow();
                    values[i] = new Route[] {r};
                } else {
                    Route[] grown = java.util.Arrays.copyOf(existing, existing.length + 1);
                    grown[existing.length] = r;
                    values[i] = grown;
                }
            }
        }

        /** The slot holding {@code (high, low)}, or the empty slot where it would go. */
        private int indexOf(long high, long low) {
            int i = hash(high, low) & mask;
            while (values[i] != null && (keyHigh[i] != high || keyLow[i] != low)) {
                i = (i + 1) & mask;
            }
            return i;
        }

        Route find(long high, long low, int nicId) {
            Route[] routes = values[indexOf(high, low)];
            if (routes == null) {
                return null;
            }
            if (nicId == RouteTable.ANY_NIC) {
                return routes[0];
            }
            for (Route r : routes) {
                if (r.nicId() == nicId) {
                    return r;
                }
            }
            return null;
        }

        private static int hash(long high, long low) {
            long h = (high * 0x9e37_79b9_7f4a_7c15L) ^ (low * 0xc2b2_ae3d_27d4_eb4fL);
            return (int) (h ^ (h >>> 29) ^ (h >>> 47));
        }
    }
}
