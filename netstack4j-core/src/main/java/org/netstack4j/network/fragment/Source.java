package org.netstack4j.network.fragment;

/** A source address with datagrams pending: its memory use and its trains, oldest first. */
final class Source {
    long high;
    long low;
    long heldBytes;
    Train oldest;
    Train newest;
    Source nextFree;
}
