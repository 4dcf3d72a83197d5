package org.netstack4j.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} making {@link NetstackSocket}s on one stack, for clients that take a socket factory
 * (HTTP client libraries, database drivers). Host names are not looked up: {@code createSocket(String, int)}
 * takes an address literal, and a client that resolves names itself should use its own resolver and connect
 * an unconnected socket from {@link #createSocket()} to the resolved address.
 */
public final class NetstackSocketFactory extends SocketFactory {
    private final Tcp tcp;

    /** A factory for sockets on {@code tcp}'s stack. */
    public NetstackSocketFactory(Tcp tcp) {
        this.tcp = Objects.requireNonNull(tcp, "tcp");
    }

    /** An unconnected socket. */
    @Override
    public Socket createSocket() throws IOException {
        return new NetstackSocket(tcp);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new NetstackSocket(tcp, host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return new NetstackSocket(tcp, NetstackSocketImpl.numeric(host), port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return new NetstackSocket(tcp, host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return new NetstackSocket(tcp, address, port, localAddress, localPort);
    }
}
