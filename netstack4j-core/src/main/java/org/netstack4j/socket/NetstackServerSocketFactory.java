package org.netstack4j.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Objects;
import javax.net.ServerSocketFactory;

/** A {@link ServerSocketFactory} making {@link NetstackServerSocket}s on one stack. */
public final class NetstackServerSocketFactory extends ServerSocketFactory {
    private final Tcp tcp;

    /** A factory for server sockets on {@code tcp}'s stack. */
    public NetstackServerSocketFactory(Tcp tcp) {
        this.tcp = Objects.requireNonNull(tcp, "tcp");
    }

    /** An unbound server socket. */
    @Override
    public ServerSocket createServerSocket() throws IOException {
        return new NetstackServerSocket(tcp);
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return new NetstackServerSocket(tcp, port);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return new NetstackServerSocket(tcp, port, backlog, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return new NetstackServerSocket(tcp, port, backlog, bindAddress);
    }
}
