package org.netstack4j.socket;

import java.net.InetSocketAddress;

/**
 * One received datagram: who sent it and its payload, boundaries kept.
 *
 * @param source the sender's address and port
 * @param data   the payload (owned by the caller)
 */
public record UdpDatagram(InetSocketAddress source, byte[] data) {
}
