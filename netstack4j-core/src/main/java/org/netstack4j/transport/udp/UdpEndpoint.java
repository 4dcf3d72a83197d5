package org.netstack4j.transport.udp;

/**
 * One bound UDP endpoint as the demultiplexer sees it: its local port, an optional connected peer that
 * filters what it accepts, and the callbacks that hand it datagrams and ICMP errors. Implemented by the
 * socket layer; called on shard threads, so implementations must be thread-safe.
 */
public interface UdpEndpoint {

    /**
     * True when the endpoint takes datagrams addressed to this local address: any for a wildcard bind,
     * else only its own.
     */
    boolean acceptsDestination(long high, long low);

    /** True once {@code connect} fixed a peer: only datagrams from it are accepted. */
    boolean isConnected();

    /** True when the connected peer is the given address (as high/low halves; IPv4 in low) and port. */
    boolean peerIs(long high, long low, int port);

    /**
     * Offers one datagram's payload, copied out of {@code b}. Returns false when the endpoint had no room
     * (the endpoint counts that drop itself).
     */
    boolean receive(long sourceHigh, long sourceLow, int sourcePort, byte[] b, int offset, int length);

    /** An ICMP error about a datagram this endpoint sent to its connected peer. */
    void icmpError(int ipVersion, int type, int code);
}
