package org.netstack4j.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import org.netstack4j.wire.Ipv6Address;

/**
 * A {@link ServerSocket} listening through a {@link TcpListener} of a netstack4j stack; {@link #accept()}
 * returns {@link NetstackSocket}s. {@code setSoTimeout} bounds {@code accept}. As with the JDK's sockets,
 * {@code 0.0.0.0} listens on every IPv4 address and {@code ::} on every address of both families (a
 * listener per family on the same port underneath); a specific address listens on that one.
 */
public class NetstackServerSocket extends ServerSocket {
    private final Tcp tcp;

    /** An unbound server socket on {@code tcp}'s stack; bind it with {@link #bind(java.net.SocketAddress)}. */
    public NetstackServerSocket(Tcp tcp) throws IOException {
        super(new NetstackSocketImpl(tcp, true));
        this.tcp = Objects.requireNonNull(tcp, "tcp");
    }

    /** Listens on {@code ::} (both families), {@code port} (0: ephemeral), backlog 50, as {@code new ServerSocket(port)}. */
    public NetstackServerSocket(Tcp tcp, int port) throws IOException {
        this(tcp, port, 50, null);
    }

    /** Listens on {@code bindAddress} (null: {@code ::}, both families), {@code port}, with {@code backlog}. */
    public NetstackServerSocket(Tcp tcp, int port, int backlog, InetAddress bindAddress) throws IOException {
        this(tcp);
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        try {
            bind(new InetSocketAddress(bindAddress == null ? Ipv6Address.ANY.toInetAddress() : bindAddress, port),
                    backlog);
        } catch (IOException | RuntimeException e) {
            try {
                close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Waits for a connection (up to {@code getSoTimeout()} when set) and returns it as a NetstackSocket. */
    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        if (!isBound()) {
            throw new SocketException("Socket is not bound yet");
        }
        NetstackSocket s = new NetstackSocket(new NetstackSocketImpl(tcp, false));
        implAccept(s);
        return s;
    }
}
