package org.netstack4j.transport;

import org.netstack4j.buffer.PacketBuffer;

/**
 * Receives the packets of one IP protocol number (UDP, TCP, ...) from the stack's network layer.
 * Registered with the stack per protocol number; called on the shard loop that owns the packet's flow,
 * never concurrently for one flow, so an implementation keeps per-flow state without locks.
 *
 * <p>The packet's bounds are exactly the (reassembled) IP packet; {@link PacketBuffer#networkOffset()}
 * is its IP header and {@link PacketBuffer#transportOffset()} the first byte of the transport header.
 * Lives in the transport layer so that both the stack (which calls it) and the protocols (which implement
 * it) can see it without the protocols depending on the stack.
 */
@FunctionalInterface
public interface TransportProtocolHandler {

    /**
     * Called once when the handler is registered with a stack, before any packet, with the stack's shards
     * and paths. The default ignores it (a handler that only receives needs nothing from the stack).
     */
    default void attach(TransportHost host) {
    }

    /**
     * The stack was closed: its shards have been told to stop and no further packet, timer or submitted task
     * will reach the handler. Called once, from the closing thread; a handler fails the blocked calls of its
     * endpoints here. The default does nothing.
     */
    default void stackClosed() {
    }

    /**
     * Handles one inbound packet.
     *
     * @param nicId      the NIC the packet arrived on
     * @param ipVersion  4 or 6
     * @param packet     the packet; ownership passes to the handler only when it returns {@code true}
     * @return true when the handler took the packet (it releases it); false when no endpoint wants it: the
     *     stack answers with an ICMP port unreachable where allowed and releases the packet
     */
    boolean deliver(int nicId, int ipVersion, PacketBuffer packet);

    /**
     * An ICMP or ICMPv6 error arrived about a packet of this protocol (destination unreachable, packet too
     * big, time exceeded, parameter problem). Called on the shard that owns the quoted flow: the stack hashes
     * an error by the datagram it quotes. The packet is lent for the call only.
     *
     * @param ipVersion     4 or 6
     * @param type          the ICMP or ICMPv6 type
     * @param code          its code
     * @param info          the 32-bit field after the checksum (next-hop MTU, pointer, ...)
     * @param packet        the error packet
     * @param quotedOffset  where the quoted IP header starts in {@code packet.array()}; it runs to
     *                      {@link PacketBuffer#end()}, usually cut short after the transport header
     */
    default void icmpError(int nicId, int ipVersion, int type, int code, int info, PacketBuffer packet,
                           int quotedOffset) {
    }
}
