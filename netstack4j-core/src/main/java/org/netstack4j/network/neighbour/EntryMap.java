package org.netstack4j.network.neighbour;

/**
 * Fixed-capacity open-addressing map from a 128-bit address to its {@link NeighbourEntry}: linear
 * probing with backward-shift deletion (no tombstones), at most half full, seeded hash so that
 * addresses chosen by a remote party cannot be aimed at one probe chain.
 */
final class EntryMap {
    private final NeighbourEntry[] slots;
    private final int mask;
    private final long seed;

    EntryMap(int maxEntries, long seed) {
        int capacity = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1;
        this.slots = new NeighbourEntry[capacity];
        this.mask = capacity - 1;
        this.seed = seed;
    }

    private int home(long high, long low) {
        long h = (high ^ seed) * 0x9e37_79b9_7f4a_7c15L + low;
        h = (h ^ (h >>> 32)) * 0xd6e8_feb8_6659_fd93L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    NeighbourEntry get(long high, long low) {
        for (int i = home(high, low); ; i = (i + 1) & mask) {
            NeighbourEntry e = slots[i];
            if (e == null || (e.high == high && e.low == low)) {
                return e;
            }
        }
    }

    /** Inserts {@code e}, whose address must not be present; the caller keeps the map at most half full. */
    void put(NeighbourEntry e) {
        int i = home(e.high, e.low);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = e;
    }

    void remove(NeighbourEntry e) {
        int i = home(e.high, e.low);
        while (slots[i] != e) {
            if (slots[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        // Backward shift: pull later members of the probe run into the hole when their home allows.
        int hole = i;
        for (int j = (hole + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int k = home(slots[j].high, slots[j].low);
            boolean stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
            if (!stays) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = null;
    }

    void clear() {
        java.util.Arrays.fill(slots, null);
    }
}
