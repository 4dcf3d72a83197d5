package org.netstack4j.network.ndp;

import org.netstack4j.buffer.PacketBuffer;

/**
 * What an {@link NdpHandler} asks its NIC to do. Called synchronously; implementations must not call
 * back into the same handler.
 */
public interface NdpOutput {
    /**
     * Send an IPv6 packet to {@code linkAddress} (a neighbour's MAC or a 33:33 multicast group): put the
     * Ethernet header in front (the packet has the headroom it was built with) and write it. Used both for
     * the handler's own messages and for packets whose neighbour was resolved. The callee owns the packet.
     */
    void transmit(PacketBuffer packet, long linkAddress);

    /**
     * Resolving {@code (high, low)} failed and {@code packet}, which waited for it, is dropped: the NIC may
     * answer with an ICMPv6 address unreachable. Lent for the call only.
     */
    default void resolutionFailed(long high, long low, PacketBuffer packet) {
    }

    /** Duplicate address detection finished without a conflict: the address may now be used. */
    default void addressAssigned(long high, long low) {
    }

    /** Another node uses (or is claiming) the tentative address: it was removed (RFC 4862 section 5.4.5). */
    default void duplicateAddressDetected(long high, long low) {
    }

    /** A neighbour advertised one of our assigned addresses: a conflict to report; the address stays. */
    default void addressConflict(long high, long low, long linkAddress) {
    }
}
