package org.netstack4j.network.neighbour;

import org.netstack4j.buffer.PacketBuffer;

/**
 * What a {@link NeighbourCache} asks its owner to do: the cache decides, the owner performs the I/O
 * (builds the ARP request or neighbour solicitation, writes frames). Called synchronously from the
 * cache's methods and timers; implementations must not call back into the same cache.
 *
 * <p>Addresses are the cache's keys: an IPv6 address as two longs, an IPv4 address as
 * {@code (0, address & 0xffffffffL)}. Link addresses are 48-bit MAC addresses in a {@code long}.
 */
public interface NeighbourOutput {
    /**
     * Send a solicitation (NDP neighbour solicitation, ARP request) for {@code (high, low)}.
     *
     * @param linkAddress {@link NeighbourCache#NO_LINK_ADDRESS} to resolve (to the solicited-node
     *                    multicast group, or ARP broadcast); otherwise a unicast probe to this address
     * @param prompting   the oldest packet waiting for this neighbour, or {@code null}: RFC 4861 asks to
     *                    use its source address as the solicitation's source when it is ours. Lent for
     *                    the duration of the call only.
     */
    void sendSolicitation(long high, long low, long linkAddress, PacketBuffer prompting);

    /** Send {@code packet} to link address {@code linkAddress}; the callee takes ownership of the buffer. */
    void transmit(PacketBuffer packet, long linkAddress);

    /**
     * Resolution of {@code (high, low)} failed and {@code packet}, which was waiting for it, is dropped:
     * the owner may answer with an ICMP destination unreachable (address unreachable). The packet is lent
     * for the duration of the call; the cache releases it afterwards.
     */
    default void resolutionFailed(long high, long low, PacketBuffer packet) {
    }
}
