package org.netstack4j.network.fragment;

import org.netstack4j.buffer.PacketBuffer;

/** Receives the fragments a fragmenter cuts, in offset order; takes ownership of each. */
@FunctionalInterface
public interface FragmentSink {
    /** One fragment, its network offset set to its IP header. */
    void accept(PacketBuffer fragment);
}
