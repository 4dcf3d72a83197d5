package org.netstack4j.network.fragment;

/**
 * Open-addressing tables (linear probing, backward-shift deletion, at most half full) of pending trains
 * by datagram key and of sources by address. The hash is seeded so that a remote party choosing
 * addresses and identifications cannot pile its datagrams onto one probe chain.
 */
final class TrainTable {
    private final Train[] trains;
    private final Source[] sources;
    private final int mask;
    private final long seed;

    TrainTable(int maxDatagrams, long seed) {
        int capacity = Integer.highestOneBit(Math.max(2, maxDatagrams) * 2 - 1) << 1;
        this.trains = new Train[capacity];
        this.sources = new Source[capacity];
        this.mask = capacity - 1;
        this.seed = seed;
    }

    private int mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51_afd7_ed55_8ccdL;
        h ^= h >>> 33;
        return (int) h & mask;
    }

    private int trainHome(long sh, long sl, long dh, long dl, long tag) {
        long h = seed;
        h = (h ^ sh) * 0x9e37_79b9_7f4a_7c15L;
        h = (h ^ sl) * 0x9e37_79b9_7f4a_7c15L;
        h = (h ^ dh) * 0x9e37_79b9_7f4a_7c15L;
        h = (h ^ dl) * 0x9e37_79b9_7f4a_7c15L;
        h = (h ^ tag) * 0x9e37_79b9_7f4a_7c15L;
        return mix(h);
    }

    private int sourceHome(long high, long low) {
        long h = ((seed ^ high) * 0xc2b2_ae3d_27d4_eb4fL ^ low) * 0x9e37_79b9_7f4a_7c15L;
        return mix(h);
    }

    Train getTrain(long sh, long sl, long dh, long dl, long tag) {
        for (int i = trainHome(sh, sl, dh, dl, tag); ; i = (i + 1) & mask) {
            Train t = trains[i];
            if (t == null || t.sameKey(sh, sl, dh, dl, tag)) {
                return t;
            }
        }
    }

    void putTrain(Train t) {
        int i = trainHome(t.sourceHigh, t.sourceLow, t.destinationHigh, t.destinationLow, t.tag);
        while (trains[i] != null) {
            i = (i + 1) & mask;
        }
        trains[i] = t;
    }

    void removeTrain(Train t) {
        int i = trainHome(t.sourceHigh, t.sourceLow, t.destinationHigh, t.destinationLow, t.tag);
        while (trains[i] != t) {
            if (trains[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        int hole = i;
        for (int j = (hole + 1) & mask; trains[j] != null; j = (j + 1) & mask) {
            Train m = trains[j];
            int k = trainHome(m.sourceHigh, m.sourceLow, m.destinationHigh, m.destinationLow, m.tag);
            if (!between(hole, k, j)) {
                trains[hole] = m;
                hole = j;
            }
        }
        trains[hole] = null;
    }

    Source getSource(long high, long low) {
        for (int i = sourceHome(high, low); ; i = (i + 1) & mask) {
            Source s = sources[i];
            if (s == null || (s.high == high && s.low == low)) {
                return s;
            }
        }
    }

    void putSource(Source s) {
        int i = sourceHome(s.high, s.low);
        while (sources[i] != null) {
            i = (i + 1) & mask;
        }
        sources[i] = s;
    }

    void removeSource(Source s) {
        int i = sourceHome(s.high, s.low);
        while (sources[i] != s) {
            if (sources[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        int hole = i;
        for (int j = (hole + 1) & mask; sources[j] != null; j = (j + 1) & mask) {
            Source m = sources[j];
            if (!between(hole, sourceHome(m.high, m.low), j)) {
                sources[hole] = m;
                hole = j;
            }
        }
        sources[hole] = null;
    }

    /** True if home {@code k} lies cyclically in {@code (hole, j]}: the member must stay where it is. */
    private static boolean between(int hole, int k, int j) {
        return hole <= j ? hole < k && k <= j : hole < k || k <= j;
    }
}
