package org.netstack4j.transport.udp;

import org.netstack4j.buffer.PacketBuffer;

/**
 * Takes the valid datagrams no bound endpoint claims (on a promiscuous NIC: datagrams to any address), the
 * hook a transparent proxy or DNS interceptor is built on. Installed with
 * {@link UdpProtocol#unclaimedHandler(UdpUnclaimedHandler)}; called on the shard that received the datagram.
 */
@FunctionalInterface
public interface UdpUnclaimedHandler {

    /**
     * Offers one datagram (bounds as in {@link UdpEndpoint#deliver}). Addresses are high/low halves, an IPv4
     * address in the low 32 bits.
     *
     * @return true when taken: the handler owns and releases {@code datagram}; false to leave it to the
     *     stack, which answers port unreachable where allowed
     */
    boolean unclaimed(int nicId, int ipVersion, PacketBuffer datagram, long sourceHigh, long sourceLow,
                      int sourcePort, long destinationHigh, long destinationLow, int destinationPort);
}
