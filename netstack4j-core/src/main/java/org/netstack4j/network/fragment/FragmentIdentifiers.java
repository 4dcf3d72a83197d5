package org.netstack4j.network.fragment;

/**
 * Supplies the identification of an IPv6 fragmented packet. RFC 7739 asks for values that are unique
 * per (source, destination) for the packet's lifetime and hard to predict, so the generator sees the
 * addresses.
 */
@FunctionalInterface
public interface FragmentIdentifiers {
    /** The identification for the next fragmented packet from source to destination. */
    int next(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow);
}
