package org.netstack4j.socket;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.netstack4j.stack.Stack;
import org.netstack4j.transport.tcp.ListenerCore;
import org.netstack4j.transport.tcp.TcpConfig;
import org.netstack4j.transport.tcp.TcpConnection;
import org.netstack4j.transport.tcp.TcpProtocol;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.IpProtocol;

/**
 * TCP on one stack: registers the TCP protocol with it, opens listeners and connections. One per stack.
 */
public final class Tcp {
    private final Stack stack;
    private final TcpProtocol protocol;

    private Tcp(Stack stack, TcpProtocol protocol) {
        this.stack = stack;
        this.protocol = protocol;
    }

    /** Registers TCP with {@code stack} (replacing any protocol 6 handler) with the default configuration. */
    public static Tcp attach(Stack stack) {
        return attach(stack, TcpConfig.defaults());
    }

    /** Registers TCP with {@code stack} (replacing any protocol 6 handler) with {@code config}. */
    public static Tcp attach(Stack stack, TcpConfig config) {
        TcpProtocol p = new TcpProtocol(config);
        stack.registerTransportHandler(IpProtocol.TCP, p);
        return new Tcp(stack, p);
    }

    /** The protocol core: configuration, counters, connection count. */
    public TcpProtocol protocol() {
        return protocol;
    }

    /** The stack. */
    public Stack stack() {
        return stack;
    }

    /**
     * Listens on {@code local} (a wildcard address listens on every address of its family; port 0 picks an
     * ephemeral port).
     *
     * @param backlog established connections waiting for {@link TcpListener#accept()}
     * @throws java.net.BindException when the address is in use
     */
    public TcpListener listen(InetSocketAddress local, int backlog) throws IOException {
        long[] a = address(local.getAddress());
        ListenerCore core = protocol.listen(version(local.getAddress()), a[0], a[1], local.getPort(), backlog);
        return new TcpListener(this, core);
    }

    /**
     * Connects to {@code remote} from an ephemeral port on the stack's address towards it; blocks until
     * established.
     *
     * @throws java.net.ConnectException when refused (RST) or no route
     * @throws java.net.SocketTimeoutException when not established within {@code timeout}
     */
    public TcpSocket connect(InetSocketAddress remote, Duration timeout) throws IOException {
        InetAddress any = version(remote.getAddress()) == 4 ? InetAddress.getByAddress(new byte[4])
                : InetAddress.getByAddress(new byte[16]);
        return connect(new InetSocketAddress(any, 0), remote, timeout);
    }

    /** {@link #connect(InetSocketAddress, Duration)} from a given local address and port (0: ephemeral). */
    public TcpSocket connect(InetSocketAddress local, InetSocketAddress remote, Duration timeout) throws IOException {
        return connect(local, remote, timeout, protocol.config().sendBufferSize(), 0);
    }

    /**
     * {@link #connect(InetSocketAddress, InetSocketAddress, Duration)} with buffer sizes. A positive receive
     * buffer size is the application's choice (SO_RCVBUF): it decides the window scale offered in the SYN and the
     * connection's receive buffer is never auto-tuned. 0 takes the configuration's size, auto-tuned when
     * {@code TcpConfig.receiveAutoTuning} is on.
     */
    public TcpSocket connect(InetSocketAddress local, InetSocketAddress remote, Duration timeout, int sendBufferSize,
                             int receiveBufferSize) throws IOException {
        if (remote.isUnresolved()) {
            throw new SocketException("unresolved address " + remote);
        }
        int v = version(remote.getAddress());
        if (version(local.getAddress()) != v) {
            throw new SocketException("local and remote address families differ");
        }
        long[] l = address(local.getAddress());
        long[] r = address(remote.getAddress());
        TcpConnection c = protocol.connect(v, l[0], l[1], local.getPort(), r[0], r[1], remote.getPort(),
                sendBufferSize, receiveBufferSize);
        try {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                c.establishedFuture().get();
            } else {
                c.establishedFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            c.appAbort();
            throw new SocketTimeoutException("connect timed out");
        } catch (InterruptedException e) {
            c.appAbort();
            Thread.currentThread().interrupt();
            throw new SocketException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new ConnectException(String.valueOf(cause));
        }
        return new TcpSocket(c);
    }

    static int version(InetAddress a) {
        return a instanceof Inet6Address ? 6 : 4;
    }

    static long[] address(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return new long[] {0, Bytes.u32(b, 0)};
        }
        return new long[] {Bytes.i64(b, 0), Bytes.i64(b, 8)};
    }

    void closeListener(ListenerCore core) {
        protocol.closeListener(core);
    }
}
