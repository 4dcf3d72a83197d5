package org.netstack4j.transport.tcp;

import org.netstack4j.transport.TransportShard;

/**
 * Takes the SYNs that no connection and no listener claims (on a promiscuous NIC: SYNs to any address and
 * port), the hook a transparent TCP proxy is built on. Installed with
 * {@link TcpProtocol#unclaimedHandler(TcpUnclaimedHandler)}; called on the shard that received the SYN, which
 * is the shard that owns the 4-tuple. While a handler is installed a wildcard listener claims only SYNs to the
 * stack's own addresses.
 */
@FunctionalInterface
public interface TcpUnclaimedHandler {

    /**
     * Offers one SYN (no ACK, no RST; checksum verified, options parsed). {@code syn} is the shard's reusable
     * holder: copy what is kept. Addresses are high/low halves, an IPv4 address in the low 32 bits.
     *
     * @return true when taken (the handler answers it later through
     *     {@link TcpProtocol#openForwarded} or {@link TcpProtocol#refuseForwarded}, or drops it); false to
     *     leave it to the stack, which answers RST
     */
    boolean unclaimedSyn(TransportShard shard, int ipVersion, TcpSegment syn, long sourceHigh, long sourceLow,
                         int sourcePort, long destinationHigh, long destinationLow, int destinationPort);

    /** The stack is closing (its shards may not run submitted work any more): let go of what is held. */
    default void stackClosed() {
    }
}
