package org.netstack4j.network.fragment;

import java.util.Arrays;
import org.netstack4j.buffer.PacketBuffer;

/**
 * One datagram being reassembled: its key, its fragments sorted by offset (never overlapping: an
 * overlap discards the train), and what the first fragment's header needs for the reassembled packet.
 * Recycled through the reassembler's free list, arrays and all.
 */
final class Train {
    long sourceHigh;
    long sourceLow;
    long destinationHigh;
    long destinationLow;
    long tag;
    long deadline;

    PacketBuffer[] buffers = new PacketBuffer[4];
    /** Offset of each fragment's data in the datagram's data. */
    int[] offsets = new int[4];
    /** Absolute index of each fragment's data in its buffer. */
    int[] starts = new int[4];
    int[] lengths = new int[4];
    int count;
    /** Data bytes held. */
    int received;
    /** Length of the datagram's data once the last fragment arrived, else -1. */
    int end;
    /** Largest offset + length held. */
    int highest;
    /** Offset of the held last fragment, or -1. */
    int lastOffset;
    /** Buffer capacities held. */
    long heldBytes;
    /** One bit per ECN codepoint seen (RFC 3168 merging). */
    int ecnSeen;

    /** The first fragment's header, copied into the reassembled packet: where it starts and how long. */
    int headerStart;
    int headerLength;
    /** Family-specific: an offset in that header and a value to store there (IPv6: the next-header fix-up). */
    int fixupOffset;
    int fixupValue;
    boolean hasFirst;

    Source source;
    Train agePrev;
    Train ageNext;
    Train sourcePrev;
    Train sourceNext;
    Train nextFree;

    void reset() {
        count = 0;
        received = 0;
        end = -1;
        highest = 0;
        lastOffset = -1;
        heldBytes = 0;
        ecnSeen = 0;
        hasFirst = false;
        source = null;
    }

    /** Room for one more fragment (growing up to {@code max}); false when the train is at {@code max}. */
    boolean ensureRoom(int max) {
        if (count < buffers.length) {
            return true;
        }
        if (count >= max) {
            return false;
        }
        int n = Math.min(max, buffers.length * 2);
        buffers = Arrays.copyOf(buffers, n);
        offsets = Arrays.copyOf(offsets, n);
        starts = Arrays.copyOf(starts, n);
        lengths = Arrays.copyOf(lengths, n);
        return true;
    }

    /** Index of the first fragment whose offset is at least {@code offset}. */
    int search(int offset) {
        int lo = 0;
        int hi = count;
        // Fragments usually arrive in order: check the tail first.
        if (count > 0 && offsets[count - 1] < offset) {
            return count;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (offsets[mid] < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    void insertAt(int i, PacketBuffer buffer, int offset, int start, int length) {
        int move = count - i;
        if (move > 0) {
            System.arraycopy(buffers, i, buffers, i + 1, move);
            System.arraycopy(offsets, i, offsets, i + 1, move);
            System.arraycopy(starts, i, starts, i + 1, move);
            System.arraycopy(lengths, i, lengths, i + 1, move);
        }
        buffers[i] = buffer;
        offsets[i] = offset;
        starts[i] = start;
        lengths[i] = length;
        count++;
    }

    boolean sameKey(long sh, long sl, long dh, long dl, long t) {
        return sourceHigh == sh && sourceLow == sl && destinationHigh == dh && destinationLow == dl && tag == t;
    }
}
