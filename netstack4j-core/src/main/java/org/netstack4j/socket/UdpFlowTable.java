package org.netstack4j.socket;

/**
 * The flows of one shard by their 4-tuple: a chained hash table confined to the shard's thread, so it needs
 * no locks and a lookup allocates nothing. Grows by doubling.
 */
final class UdpFlowTable {
    private UdpFlow[] buckets = new UdpFlow[64];
    private int size;

    int size() {
        return size;
    }

    UdpFlow find(int version, long sh, long sl, int sport, long dh, long dl, int dport) {
        UdpFlow f = buckets[index(hash(sh, sl, sport, dh, dl, dport), buckets.length)];
        while (f != null && !f.is(version, sh, sl, sport, dh, dl, dport)) {
            f = f.next;
        }
        return f;
    }

    void add(UdpFlow f) {
        if (size >= buckets.length) {
            resize();
        }
        int i = index(hashOf(f), buckets.length);
        f.next = buckets[i];
        buckets[i] = f;
        size++;
    }

    boolean remove(UdpFlow f) {
        int i = index(hashOf(f), buckets.length);
        UdpFlow prev = null;
        for (UdpFlow c = buckets[i]; c != null; prev = c, c = c.next) {
            if (c == f) {
                if (prev == null) {
                    buckets[i] = c.next;
                } else {
                    prev.next = c.next;
                }
                f.next = null;
                size--;
                return true;
            }
        }
        return false;
    }

    /** Calls {@code action} for every flow (it may not add or remove). */
    void forEach(java.util.function.Consumer<UdpFlow> action) {
        for (UdpFlow head : buckets) {
            for (UdpFlow f = head; f != null; f = f.next) {
                action.accept(f);
            }
        }
    }

    private void resize() {
        UdpFlow[] old = buckets;
        buckets = new UdpFlow[old.length * 2];
        for (UdpFlow head : old) {
            UdpFlow f = head;
            while (f != null) {
                UdpFlow n = f.next;
                int i = index(hashOf(f), buckets.length);
                f.next = buckets[i];
                buckets[i] = f;
                f = n;
            }
        }
    }

    private static int hashOf(UdpFlow f) {
        return hash(f.sourceHigh, f.sourceLow, f.sourcePort, f.destinationHigh, f.destinationLow,
                f.destinationPort);
    }

    private static int hash(long sh, long sl, int sport, long dh, long dl, int dport) {
        long h = sh * 0x9e3779b97f4a7c15L ^ sl;
        h = (h * 0x9e3779b97f4a7c15L ^ dh) * 0x9e3779b97f4a7c15L ^ dl;
        h = h * 0x9e3779b97f4a7c15L ^ ((long) sport << 16 | dport);
        h *= 0xbf58476d1ce4e5b9L;
        return (int) (h ^ h >>> 32);
    }

    private static int index(int hash, int length) {
        return (hash ^ hash >>> 16) & (length - 1);
    }
}
