package org.netstack4j.transport.udp;

import org.netstack4j.buffer.PacketBuffer;

/**
 * One bound UDP endpoint as the demultiplexer sees it: an optional connected peer that filters what it
 * accepts, and the callbacks that hand it datagrams and ICMP errors. Where it is bound (address, port,
 * reuse flags) is the {@link UdpBinding}'s. Implemented by the socket layer; called on shard threads, so
 * implementations must be thread-safe.
 */
public interface UdpEndpoint {

    /** True once {@code connect} fixed a peer: only datagrams from it are accepted. */
    boolean isConnected();

    /**
     * True when the connected peer is the given address and port: high/low halves of an IPv6 address, or
     * an IPv4 address in the low 32 bits for an IPv4 endpoint; an IPv6 endpoint is asked about an IPv4 peer
     * by its IPv4-mapped address ({@code ::ffff:a.b.c.d}).
     */
    boolean peerIs(long high, long low, int port);

    /**
     * Hands over one datagram; the endpoint owns {@code datagram} from here on and releases it (at once when
     * it has no room, counting that drop itself). Its bounds run from the IP header ({@link
     * PacketBuffer#start()}, where source and destination can be read back) to the end of the UDP payload,
     * which starts at {@link PacketBuffer#payloadOffset()}.
     *
     * @param ipVersion the datagram's IP version (4 for an IPv4 datagram to a dual-stack IPv6 endpoint)
     * @return true when queued, false when dropped
     */
    boolean deliver(int ipVersion, PacketBuffer datagram);

    /** An ICMP error about a datagram this endpoint sent to its connected peer. */
    void icmpError(int ipVersion, int type, int code);
}
