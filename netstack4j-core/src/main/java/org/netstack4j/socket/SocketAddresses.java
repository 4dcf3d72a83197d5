package org.netstack4j.socket;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.netstack4j.wire.Bytes;

/** Turns the stack's (version, high, low) addresses into {@link InetSocketAddress}es for the socket API. */
final class SocketAddresses {

    private SocketAddresses() {
    }

    /** An address of {@code version} (IPv4 in the low 32 bits of {@code low}) and {@code port}; allocates. */
    static InetSocketAddress of(int version, long high, long low, int port) {
        try {
            if (version == 4) {
                byte[] b = new byte[4];
                Bytes.put32(b, 0, (int) low);
                return new InetSocketAddress(Inet4Address.getByAddress(b), port);
            }
            byte[] b = new byte[16];
            Bytes.put64(b, 0, high);
            Bytes.put64(b, 8, low);
            return new InetSocketAddress(InetAddress.getByAddress(b), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // a 4- or 16-byte array is always accepted
        }
    }
}
