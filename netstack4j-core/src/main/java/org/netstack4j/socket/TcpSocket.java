package org.netstack4j.socket;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.netstack4j.transport.tcp.TcpConnection;
import org.netstack4j.transport.tcp.TcpState;

/**
 * One TCP connection of a netstack4j stack, with blocking calls that park a virtual thread without pinning a
 * carrier. Reads and writes may come from different threads; one reader and one writer at a time.
 */
public final class TcpSocket implements Closeable {
    private final TcpConnection c;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long readTimeoutNanos;
    private volatile int linger = -1;
    private volatile boolean outputShut;
    private InputStream in;
    private OutputStream out;

    TcpSocket(TcpConnection c) {
        this.c = c;
    }

    /** The connection core (state, buffers), for tests and adapters. */
    public TcpConnection connection() {
        return c;
    }

    /** Reads up to {@code length} bytes; blocks until at least one is there. -1 at end of stream. */
    public int read(byte[] b, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, b.length);
        long t = readTimeoutNanos;
        return c.receiveBuffer().read(b, offset, length, t == 0 ? Long.MAX_VALUE : System.nanoTime() + t);
    }

    /** Writes all {@code length} bytes, blocking while the send buffer is full. */
    public void write(byte[] b, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, b.length);
        if (closed.get()) {
            throw new SocketException("socket closed");
        }
        while (length > 0) {
            int n = c.sendBuffer().write(b, offset, length, Long.MAX_VALUE);
            offset += n;
            length -= n;
            c.appWake();
        }
    }

    /** A stream over {@link #read}; closing it closes the socket. */
    public synchronized InputStream inputStream() {
        if (in == null) {
            in = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = TcpSocket.this.read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return len == 0 ? 0 : TcpSocket.this.read(b, off, len);
                }

                @Override
                public int available() {
                    return c.receiveBuffer().available();
                }

                @Override
                public void close() throws IOException {
                    TcpSocket.this.close();
                }
            };
        }
        return in;
    }

    /** A stream over {@link #write}; closing it closes the socket. */
    public synchronized OutputStream outputStream() {
        if (out == null) {
            out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    TcpSocket.this.write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    TcpSocket.this.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    TcpSocket.this.close();
                }
            };
        }
        return out;
    }

    /** Read timeout (null or zero: wait forever); a timed-out read throws SocketTimeoutException. */
    public void readTimeout(Duration timeout) {
        readTimeoutNanos = timeout == null ? 0 : Math.max(0, timeout.toNanos());
    }

    /** Sends FIN after the data written so far; reading goes on. */
    public void shutdownOutput() throws IOException {
        if (closed.get()) {
            throw new SocketException("socket closed");
        }
        outputShut = true;
        c.appShutdownOutput();
    }

    /** Discards further received data; reads return -1. */
    public void shutdownInput() throws IOException {
        if (closed.get()) {
            throw new SocketException("socket closed");
        }
        c.receiveBuffer().shutInput();
    }

    /**
     * SO_LINGER: -1 (default) closes in the background (FIN after the buffered data); 0 aborts with RST;
     * n > 0 makes {@link #close()} wait up to n seconds for the data to be acknowledged.
     */
    public void linger(int seconds) {
        linger = seconds < 0 ? -1 : seconds;
    }

    /** TCP_NODELAY: disables Nagle's algorithm. */
    public void noDelay(boolean on) {
        c.noDelay(on);
    }

    /** SO_KEEPALIVE. */
    public void keepAlive(boolean on) {
        c.keepAlive(on);
    }

    /** Send buffer size in bytes. */
    public void sendBufferSize(int bytes) {
        c.sendBuffer().resize(bytes);
    }

    /**
     * Receive buffer size in bytes, as SO_RCVBUF: setting it turns receive-buffer auto-tuning off for this
     * connection (as on Linux). The window scale was fixed at the handshake, so the buffer grows only as far as
     * it can express (and the connection's memory limit allows); a smaller size than the current one keeps the
     * current one (a window offered is never taken back). To choose the window scale, give the size to
     * {@link Tcp#connect(InetSocketAddress, InetSocketAddress, Duration, int, int)} or
     * {@link TcpListener#receiveBufferSize(int)}.
     */
    public void receiveBufferSize(int bytes) {
        c.appReceiveBufferSize(Math.max(1024, bytes));
    }

    /** The local address and port. */
    public InetSocketAddress localAddress() {
        return SocketAddresses.of(c.ipVersion(), c.localHigh(), c.localLow(), c.localPort());
    }

    /** The peer's address and port. */
    public InetSocketAddress remoteAddress() {
        return SocketAddresses.of(c.ipVersion(), c.remoteHigh(), c.remoteLow(), c.remotePort());
    }

    /** Whether the connection is open (established or closing, not reset or closed by us). */
    public boolean isConnected() {
        TcpState s = c.state();
        return !closed.get() && s != TcpState.CLOSED && s != TcpState.TIME_WAIT && s != TcpState.SYN_SENT;
    }

    /** Closes the connection as {@link #linger} says; wakes blocked callers. Idempotent. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        int l = linger;
        // Unread data at close means the application will never see it: reset, as Linux does (RFC 9293 §3.10.4).
        if (l == 0 || c.receiveBuffer().available() > 0) {
            c.receiveBuffer().closeByApp();
            c.appAbort();
            return;
        }
        c.receiveBuffer().closeByApp();
        c.appShutdownOutput();
        if (l > 0) {
            c.sendBuffer().awaitDrained(System.nanoTime() + l * 1_000_000_000L);
        }
    }
}
