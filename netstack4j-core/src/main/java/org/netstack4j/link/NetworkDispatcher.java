package org.netstack4j.link;

import org.netstack4j.buffer.PacketBuffer;

/**
 * Receives the packets a {@link LinkEndpoint} reads: the network layer (a NIC of the stack), or a
 * wrapper such as the {@link SnifferEndpoint}'s.
 *
 * <p>Called on the endpoint's dispatch threads, one per channel, so possibly from several threads
 * at once. An implementation must not block for long: while it runs, its channel is not read.
 */
@FunctionalInterface
public interface NetworkDispatcher {

    /**
     * Delivers one inbound packet.
     *
     * <p>{@code packet.start()} is at the network header and {@link PacketBuffer#networkOffset()}
     * says so too; in Ethernet mode {@link PacketBuffer#linkOffset()} is at the frame's header,
     * which is still in the array in front of the packet. {@link PacketBuffer#networkProtocol()},
     * {@link PacketBuffer#remoteLinkAddress()} and {@link PacketBuffer#localLinkAddress()} repeat the
     * arguments.
     *
     * <p>Ownership of {@code packet} passes to the dispatcher, which must eventually
     * {@link PacketBuffer#release()} it (or pass it on to whoever will).
     *
     * @param endpoint          the endpoint that read the packet
     * @param remoteLinkAddress the frame's source address (48-bit value), or
     *                          {@link PacketBuffer#NO_LINK_ADDRESS} on a link without addresses
     * @param localLinkAddress  the frame's destination address, or {@link PacketBuffer#NO_LINK_ADDRESS}
     * @param protocol          the network protocol as an EtherType ({@code 0x0800}, {@code 0x86dd},
     *                          {@code 0x0806}, ...)
     * @param packet            the packet, from its network header on
     */
    void deliverNetworkPacket(LinkEndpoint endpoint, long remoteLinkAddress, long localLinkAddress, int protocol,
                              PacketBuffer packet);

    /**
     * Delivers one packet of a batch that the calling thread read at once, as
     * {@link #deliverNetworkPacket}, except that the dispatcher may put off what it would do per packet
     * beyond queuing it (waking the thread that processes it, say) until {@link #endOfBatch}, which the
     * caller promises to call on the same thread after the batch's last packet. A wrapper that forwards
     * packets forwards both methods, or neither (then this default delivers each packet at once).
     */
    default void deliverInBatch(LinkEndpoint endpoint, long remoteLinkAddress, long localLinkAddress, int protocol,
                                PacketBuffer packet) {
        deliverNetworkPacket(endpoint, remoteLinkAddress, localLinkAddress, protocol, packet);
    }

    /**
     * Ends a batch delivered with {@link #deliverInBatch}: the dispatcher does the work it put off (and may
     * process the batch on the calling thread). Called even when every packet of the batch was dropped.
     */
    default void endOfBatch(LinkEndpoint endpoint) {
    }
}
