package org.netstack4j.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A {@link Socket} whose connection is a {@link TcpSocket} of a netstack4j stack, for code written against
 * {@code java.net.Socket}. Connect (with timeout), bind, streams, {@code setSoTimeout}, {@code setTcpNoDelay},
 * {@code setSoLinger}, {@code setKeepAlive}, buffer sizes, {@code shutdownInput/Output}, addresses and
 * {@code close} work as on a JDK socket. Addresses must be numeric or already resolved: the socket does no
 * name lookup ({@link java.net.UnknownHostException} otherwise). Options the stack lacks (IP_TOS, urgent
 * data inline) throw {@link java.net.SocketException}. Bound to a wildcard address (as {@code bind(null)}
 * does), the socket connects from the stack's address towards the peer, of either family.
 */
public class NetstackSocket extends Socket {
    private final NetstackSocketImpl impl;

    /** An unconnected socket on {@code tcp}'s stack; connect it with {@link #connect(java.net.SocketAddress)}. */
    public NetstackSocket(Tcp tcp) throws IOException {
        this(new NetstackSocketImpl(tcp, false));
    }

    /** Accepted sockets get the implementation the listener filled in. */
    NetstackSocket(NetstackSocketImpl impl) throws IOException {
        super(impl);
        this.impl = impl;
    }

    /** The stack's socket under this one, null before it is connected. */
    TcpSocket tcpSocket() {
        return impl.tcpSocket();
    }

    /** A socket connected to {@code address:port}. */
    public NetstackSocket(Tcp tcp, InetAddress address, int port) throws IOException {
        this(tcp);
        connectOrClose(new InetSocketAddress(address, port), null);
    }

    /** A socket connected to {@code host:port}; {@code host} must be an address literal. */
    public NetstackSocket(Tcp tcp, String host, int port) throws IOException {
        this(tcp);
        connectOrClose(new InetSocketAddress(NetstackSocketImpl.numeric(host), port), null);
    }

    /** A socket bound to {@code localAddress:localPort} (0: ephemeral) and connected to {@code address:port}. */
    public NetstackSocket(Tcp tcp, InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        this(tcp);
        connectOrClose(new InetSocketAddress(address, port),
                new InetSocketAddress(localAddress == null ? NetstackSocketImpl.anyLocal() : localAddress, localPort));
    }

    private void connectOrClose(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        try {
            if (local != null) {
                bind(local);
            }
            connect(remote);
        } catch (IOException | RuntimeException e) {
            try {
                close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
