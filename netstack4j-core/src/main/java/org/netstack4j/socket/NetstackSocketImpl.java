package org.netstack4j.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.netstack4j.transport.tcp.TcpConfig;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

/**
 * The {@link SocketImpl} behind {@link NetstackSocket} and {@link NetstackServerSocket}: a {@link TcpSocket}
 * once connected or accepted, a {@link TcpListener} once listening. Options set before the connection exists
 * are kept and applied when it opens. {@code java.net.Socket} calls it under its own state checks (closed,
 * connected, shut down), so this class only guards what those checks do not cover.
 */
final class NetstackSocketImpl extends SocketImpl {
    /**
     * Connect timeout used for {@code timeout == 0} ("infinite"): the handshake gives up on its own SYN
     * retransmission limit well before this.
     */
    static final Duration NO_CONNECT_TIMEOUT = Duration.ofDays(1);
    /** What SO_SNDBUF and SO_RCVBUF report before a size is set (the stack's configured default applies). */
    static final int NOMINAL_BUFFER = 64 * 1024;
    /** Smallest buffer passed to the stack; smaller requests are raised to it, as kernels do. */
    static final int MIN_BUFFER = 1024;

    private static final Set<SocketOption<?>> CLIENT_OPTIONS = Set.of(StandardSocketOptions.TCP_NODELAY,
            StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR);
    private static final Set<SocketOption<?>> SERVER_OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_REUSEADDR);

    private final Tcp tcp;
    private final boolean server;
    private final Object lock = new Object();
    private volatile TcpSocket connection;
    private volatile TcpListener listener;
    /** Instead of {@link #listener} when bound to {@code ::}: both families, as a JDK socket there. */
    private volatile DualStackListener dual;
    private volatile boolean closed;
    private InetSocketAddress bindAddress;
    private InputStream in;
    private OutputStream out;

    // Options, applied to the connection when it opens.
    private volatile int soTimeout;
    private boolean noDelay;
    private int linger = -1;
    private boolean keepAlive;
    private int sendBuffer = -1;
    private int receiveBuffer = -1;
    private boolean reuseAddress;

    NetstackSocketImpl(Tcp tcp, boolean server) {
        this.tcp = Objects.requireNonNull(tcp, "tcp");
        this.server = server;
    }

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new SocketException("netstack4j sockets here are TCP streams; use Udp for datagrams");
        }
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        connect(new InetSocketAddress(numeric(host), port), 0);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        connect(new InetSocketAddress(address, port), 0);
    }

    @Override
    protected void connect(SocketAddress endpoint, int timeoutMillis) throws IOException {
        if (!(endpoint instanceof InetSocketAddress isa)) {
            throw new IllegalArgumentException("netstack4j connects to InetSocketAddress only");
        }
        InetSocketAddress remote = resolved(isa);
        InetSocketAddress local;
        int snd;
        int rcv;
        synchronized (lock) {
            ensureOpen();
            if (connection != null || listener != null || dual != null) {
                throw new SocketException("Already connected");
            }
            local = bindAddress;
            snd = sendBuffer;
            rcv = receiveBuffer;
        }
        if (local != null && local.getAddress().isAnyLocalAddress()
                && local.getAddress().getClass() != remote.getAddress().getClass()) {
            // bind(null) picks the JDK's wildcard (:: when the JVM has IPv6): it means "any", of either family.
            local = new InetSocketAddress(anyLocal(remote.getAddress()), local.getPort());
        }
        Duration timeout = timeoutMillis > 0 ? Duration.ofMillis(timeoutMillis) : NO_CONNECT_TIMEOUT;
        TcpSocket s;
        if (snd > 0 || rcv > 0) {
            // Sizes set before connecting go into the handshake: the receive buffer decides the window scale and
            // turns auto-tuning off (an unset one stays 0: the configuration's, auto-tuned).
            TcpConfig config = tcp.protocol().config();
            s = tcp.connect(local != null ? local : new InetSocketAddress(anyLocal(remote.getAddress()), 0), remote,
                    timeout, Math.max(MIN_BUFFER, snd > 0 ? snd : config.sendBufferSize()),
                    rcv > 0 ? Math.max(MIN_BUFFER, rcv) : 0);
        } else {
            s = local == null ? tcp.connect(remote, timeout) : tcp.connect(local, remote, timeout);
        }
        attach(s);
    }

    /** Takes over an open connection: applies the options kept so far and fills in the addresses. */
    private void attach(TcpSocket s) throws IOException {
        synchronized (lock) {
            if (closed) {
                s.close();
                throw new SocketException("Socket closed");
            }
            apply(s);
            InetSocketAddress remote = s.remoteAddress();
            address = remote.getAddress();
            port = remote.getPort();
            localport = s.localAddress().getPort();
            connection = s;
        }
    }

    private void apply(TcpSocket s) {
        int t = soTimeout;
        s.readTimeout(t > 0 ? Duration.ofMillis(t) : Duration.ZERO);
        s.noDelay(noDelay);
        s.linger(linger);
        s.keepAlive(keepAlive);
        if (sendBuffer > 0) {
            s.sendBufferSize(sendBuffer);
        }
        if (receiveBuffer > 0) {
            s.receiveBufferSize(receiveBuffer);
        }
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        synchronized (lock) {
            ensureOpen();
            if (bindAddress != null || connection != null || listener != null || dual != null) {
                throw new SocketException("Already bound");
            }
            bindAddress = new InetSocketAddress(host == null ? anyLocal() : host, port);
            localport = port;
            if (server) {
                address = bindAddress.getAddress();
            }
        }
    }

    @Override
    protected void listen(int backlog) throws IOException {
        InetSocketAddress local;
        synchronized (lock) {
            ensureOpen();
            if (listener != null || dual != null) {
                throw new SocketException("Already listening");
            }
            local = bindAddress != null ? bindAddress : new InetSocketAddress(anyLocal(), 0);
        }
        int queue = backlog > 0 ? backlog : 50;
        boolean both = local.getAddress() instanceof Inet6Address && local.getAddress().isAnyLocalAddress();
        TcpListener l = both ? null : tcp.listen(local, queue);
        DualStackListener d = both ? DualStackListener.open(tcp, local.getPort(), queue) : null;
        InetSocketAddress bound = both ? d.localAddress() : l.localAddress();
        synchronized (lock) {
            if (closed) {
                if (both) {
                    d.close();
                } else {
                    l.close();
                }
                throw new SocketException("Socket closed");
            }
            listener = l;
            dual = d;
            listenerReceiveBuffer(l, d, receiveBuffer);
            address = bound.getAddress();
            localport = bound.getPort();
        }
    }

    /** The connection, null before it exists. */
    TcpSocket tcpSocket() {
        return connection;
    }

    /** SO_RCVBUF of a listening socket: the receive buffer of the connections it accepts. */
    private static void listenerReceiveBuffer(TcpListener l, DualStackListener d, int bytes) {
        if (bytes <= 0) {
            return;
        }
        int size = Math.max(MIN_BUFFER, bytes);
        if (l != null) {
            l.receiveBufferSize(size);
        }
        if (d != null) {
            d.receiveBufferSize(size);
        }
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        if (!(s instanceof NetstackSocketImpl target)) {
            throw new SocketException("a netstack4j listener accepts into netstack4j sockets only");
        }
        TcpListener l = listener;
        DualStackListener d = dual;
        if (l == null && d == null) {
            ensureOpen();
            throw new SocketException("Socket is not listening");
        }
        int t = soTimeout;
        Duration timeout = t > 0 ? Duration.ofMillis(t) : null;
        TcpSocket c = d != null ? d.accept(timeout) : timeout != null ? l.accept(timeout) : l.accept();
        target.attach(c);
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        synchronized (lock) {
            TcpSocket s = connected();
            if (in == null) {
                in = new Input(s);
            }
            return in;
        }
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        synchronized (lock) {
            TcpSocket s = connected();
            if (out == null) {
                out = new Output(s);
            }
            return out;
        }
    }

    /** What the connection's own stream says can be read without blocking (0 when it cannot tell). */
    @Override
    protected int available() throws IOException {
        return connected().inputStream().available();
    }

    @Override
    protected void close() throws IOException {
        TcpSocket s;
        TcpListener l;
        DualStackListener d;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            s = connection;
            l = listener;
            d = dual;
        }
        IOException failure = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (l != null) {
            l.close();
        }
        if (d != null) {
            d.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    protected void shutdownInput() throws IOException {
        connected().shutdownInput();
    }

    @Override
    protected void shutdownOutput() throws IOException {
        connected().shutdownOutput();
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("netstack4j does not send urgent data");
    }

    // The option interface java.net.Socket's setters and getters use.

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        ensureOpen();
        synchronized (lock) {
            TcpSocket s = connection;
            switch (optID) {
                case SO_TIMEOUT -> {
                    int t = (Integer) value;
                    soTimeout = t;
                    if (s != null) {
                        s.readTimeout(t > 0 ? Duration.ofMillis(t) : Duration.ZERO);
                    }
                }
                case TCP_NODELAY -> {
                    noDelay = (Boolean) value;
                    if (s != null) {
                        s.noDelay(noDelay);
                    }
                }
                case SO_LINGER -> {
                    // Boolean false turns lingering off; an Integer turns it on with that many seconds.
                    linger = value instanceof Integer i ? Math.max(0, i) : -1;
                    if (s != null) {
                        s.linger(linger);
                    }
                }
                case SO_KEEPALIVE -> {
                    keepAlive = (Boolean) value;
                    if (s != null) {
                        s.keepAlive(keepAlive);
                    }
                }
                case SO_SNDBUF -> {
                    sendBuffer = positive((Integer) value, "SO_SNDBUF");
                    if (s != null) {
                        s.sendBufferSize(sendBuffer);
                    }
                }
                case SO_RCVBUF -> {
                    // Set explicitly, the receive buffer is no longer auto-tuned (as on Linux); a listening
                    // socket passes it on to the connections it accepts.
                    receiveBuffer = positive((Integer) value, "SO_RCVBUF");
                    if (s != null) {
                        s.receiveBufferSize(receiveBuffer);
                    }
                    listenerReceiveBuffer(listener, dual, receiveBuffer);
                }
                // Kept and reported only: the stack has no address-reuse switch to pass it to.
                case SO_REUSEADDR -> reuseAddress = (Boolean) value;
                case SO_OOBINLINE -> {
                    if ((Boolean) value) {
                        throw unsupported("SO_OOBINLINE (urgent data inline)");
                    }
                }
                default -> throw unsupported(name(optID));
            }
        }
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        ensureOpen();
        synchronized (lock) {
            return switch (optID) {
                case SO_TIMEOUT -> soTimeout;
                case TCP_NODELAY -> noDelay;
                case SO_LINGER -> linger < 0 ? Boolean.FALSE : (Object) linger;
                case SO_KEEPALIVE -> keepAlive;
                case SO_SNDBUF -> sendBuffer > 0 ? sendBuffer : NOMINAL_BUFFER;
                case SO_RCVBUF -> receiveBuffer > 0 ? receiveBuffer : NOMINAL_BUFFER;
                case SO_REUSEADDR -> reuseAddress;
                case SO_OOBINLINE -> Boolean.FALSE;
                case SO_BINDADDR -> localAddress();
                default -> throw unsupported(name(optID));
            };
        }
    }

    // The typed option interface (Socket.setOption/getOption); unsupported ones are
    // UnsupportedOperationException there, as its contract says.

    @Override
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name);
        int id = id(name);
        if (name == StandardSocketOptions.SO_LINGER) {
            int v = (Integer) value;
            setOption(id, v < 0 ? Boolean.FALSE : (Object) Math.min(v, 65535));
            return;
        }
        if (value == null) {
            throw new IllegalArgumentException("no value for " + name);
        }
        setOption(id, value);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name);
        Object v = getOption(id(name));
        if (name == StandardSocketOptions.SO_LINGER) {
            return (T) (v instanceof Integer ? v : Integer.valueOf(-1));
        }
        return (T) v;
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return server ? SERVER_OPTIONS : CLIENT_OPTIONS;
    }

    private int id(SocketOption<?> name) {
        if (supportedOptions().contains(name)) {
            if (name == StandardSocketOptions.TCP_NODELAY) {
                return TCP_NODELAY;
            } else if (name == StandardSocketOptions.SO_LINGER) {
                return SO_LINGER;
            } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
                return SO_KEEPALIVE;
            } else if (name == StandardSocketOptions.SO_SNDBUF) {
                return SO_SNDBUF;
            } else if (name == StandardSocketOptions.SO_RCVBUF) {
                return SO_RCVBUF;
            } else if (name == StandardSocketOptions.SO_REUSEADDR) {
                return SO_REUSEADDR;
            }
        }
        throw new UnsupportedOperationException("netstack4j does not support the socket option " + name);
    }

    private static int positive(int v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive: " + v);
        }
        return v;
    }

    private static SocketException unsupported(String what) {
        return new SocketException("netstack4j does not support the socket option " + what);
    }

    private static String name(int optID) {
        return switch (optID) {
            case IP_TOS -> "IP_TOS";
            case SO_BROADCAST -> "SO_BROADCAST";
            case SO_REUSEPORT -> "SO_REUSEPORT";
            case IP_MULTICAST_IF, IP_MULTICAST_IF2 -> "IP_MULTICAST_IF";
            case IP_MULTICAST_LOOP -> "IP_MULTICAST_LOOP";
            default -> "0x" + Integer.toHexString(optID);
        };
    }

    private InetAddress localAddress() {
        TcpSocket s = connection;
        if (s != null) {
            return s.localAddress().getAddress();
        }
        TcpListener l = listener;
        if (l != null) {
            return l.localAddress().getAddress();
        }
        DualStackListener d = dual;
        if (d != null) {
            return d.localAddress().getAddress();
        }
        return bindAddress != null ? bindAddress.getAddress() : anyLocal();
    }

    private TcpSocket connected() throws SocketException {
        ensureOpen();
        TcpSocket s = connection;
        if (s == null) {
            throw new SocketException("Socket is not connected");
        }
        return s;
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    /** The IPv4 wildcard. */
    static InetAddress anyLocal() {
        return Ipv4Address.ANY.toInetAddress();
    }

    /** The wildcard of {@code like}'s family. */
    static InetAddress anyLocal(InetAddress like) {
        return like instanceof Inet6Address ? Ipv6Address.ANY.toInetAddress() : Ipv4Address.ANY.toInetAddress();
    }

    /**
     * The address of {@code a}, parsing an unresolved one's host as a numeric literal: the adapter never
     * looks a name up (the kernel's resolver would answer for the kernel's network, not the stack's).
     */
    static InetSocketAddress resolved(InetSocketAddress a) throws UnknownHostException {
        if (!a.isUnresolved()) {
            return a;
        }
        return new InetSocketAddress(numeric(a.getHostString()), a.getPort());
    }

    /** An IPv4 or IPv6 literal (brackets allowed) as an address; UnknownHostException for anything else. */
    static InetAddress numeric(String host) throws UnknownHostException {
        if (host == null) {
            throw new UnknownHostException("netstack4j needs an address, got null");
        }
        try {
            return Ipv4Address.parse(host).toInetAddress();
        } catch (IllegalArgumentException notV4) {
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            try {
                return Ipv6Address.parse(h).toInetAddress();
            } catch (IllegalArgumentException notV6) {
                throw new UnknownHostException(host + ": netstack4j does not resolve names;"
                        + " pass an address literal or an already resolved InetSocketAddress");
            }
        }
    }

    private final class Input extends InputStream {
        private final TcpSocket socket;

        Input(TcpSocket socket) {
            this.socket = socket;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ensureOpen();
            if (len == 0) {
                return 0;
            }
            return socket.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return NetstackSocketImpl.this.available();
        }

        @Override
        public void close() throws IOException {
            NetstackSocketImpl.this.close();
        }
    }

    private final class Output extends OutputStream {
        private final TcpSocket socket;

        Output(TcpSocket socket) {
            this.socket = socket;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ensureOpen();
            if (len > 0) {
                socket.write(b, off, len);
            }
        }

        @Override
        public void close() throws IOException {
            NetstackSocketImpl.this.close();
        }
    }
}
