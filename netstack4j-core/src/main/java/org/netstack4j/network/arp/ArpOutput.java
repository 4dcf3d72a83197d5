package org.netstack4j.network.arp;

import org.netstack4j.buffer.PacketBuffer;

/**
 * What an {@link ArpHandler} asks its NIC to do. Called synchronously; implementations must not call
 * back into the same handler.
 */
public interface ArpOutput {
    /** Send a complete Ethernet frame (an ARP request or reply the handler built); the callee owns it. */
    void transmitFrame(PacketBuffer frame);

    /**
     * Send an IPv4 packet to {@code linkAddress}: put the Ethernet header in front (the packet has the
     * headroom it was built with) and write it. The callee owns the packet.
     */
    void transmit(PacketBuffer packet, long linkAddress);

    /**
     * Resolving {@code address} failed and {@code packet}, which waited for it, is dropped: the NIC may
     * answer with an ICMP host unreachable. Lent for the call only.
     */
    default void resolutionFailed(int address, PacketBuffer packet) {
    }

    /** Another host claims {@code address}, one of ours, from {@code linkAddress} (RFC 5227 conflict). */
    default void addressConflict(int address, long linkAddress) {
    }
}
