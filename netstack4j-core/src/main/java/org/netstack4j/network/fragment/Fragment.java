package org.netstack4j.network.fragment;

import org.netstack4j.buffer.PacketBuffer;

/**
 * What a family-specific front end read from one fragment, handed to the shared {@link Reassembler}.
 * One reusable instance per front end.
 */
final class Fragment {
    long sourceHigh;
    long sourceLow;
    long destinationHigh;
    long destinationLow;
    /** The rest of the datagram key: IPv4 protocol and identification, IPv6 identification. */
    long tag;
    PacketBuffer buffer;
    /** Offset of the data in the datagram's data (the fragment offset), in bytes. */
    int offset;
    /** Absolute index of the data in {@link #buffer}. */
    int dataStart;
    int dataLength;
    boolean moreFragments;
    /** Largest offset + length this fragment's header allows (65535-byte datagram limit). */
    int maxEnd;
    /** ECN codepoint, 0..3. */
    int ecn;
    /** This fragment's header, copied into the reassembled packet if it is the first. */
    int headerStart;
    int headerLength;
    int fixupOffset;
    int fixupValue;
}
