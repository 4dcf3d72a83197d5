package org.netstack4j.network.fragment;

import org.netstack4j.buffer.PacketBuffer;

/**
 * Events a reassembler reports so its owner can send ICMP errors. Packets are lent for the duration of
 * the call only: copy what the error needs, do not keep or release them.
 */
public interface ReassemblyListener {
    /**
     * A datagram timed out. Called only when its first fragment (offset 0) had arrived: RFC 792 and
     * RFC 8200 send a time exceeded (fragment reassembly time exceeded) only then, quoting it.
     */
    default void reassemblyTimedOut(PacketBuffer firstFragment) {
    }

    /**
     * A fragment was dropped as {@link ReassemblyStatus#TOO_BIG} or {@link ReassemblyStatus#BAD_LENGTH},
     * which RFC 8200 answers with a parameter problem (pointing at the fragment offset or the payload
     * length field respectively).
     */
    default void fragmentRejected(PacketBuffer fragment, ReassemblyStatus reason) {
    }
}
