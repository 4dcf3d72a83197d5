package org.netstack4j.socket;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.netstack4j.transport.tcp.ListenerCore;

/** A listening TCP socket of a netstack4j stack. */
public final class TcpListener implements Closeable {
    private final Tcp tcp;
    private final ListenerCore core;

    TcpListener(Tcp tcp, ListenerCore core) {
        this.tcp = tcp;
        this.core = core;
    }

    /** Waits for the next established connection. */
    public TcpSocket accept() throws IOException {
        return new TcpSocket(core.take(Long.MAX_VALUE));
    }

    /** Waits up to {@code timeout} for the next connection; SocketTimeoutException when none came. */
    public TcpSocket accept(Duration timeout) throws IOException {
        if (timeout == null || timeout.isZero()) {
            return accept();
        }
        return new TcpSocket(core.take(System.nanoTime() + timeout.toNanos()));
    }

    /** The next connection if one is queued, else null; never blocks. */
    TcpSocket poll() {
        var c = core.poll();
        return c == null ? null : new TcpSocket(c);
    }

    /** Whether closed. */
    boolean isClosed() {
        return core.isClosed();
    }

    /** See {@link ListenerCore#onQueued(Runnable)}. */
    void onQueued(Runnable hook) {
        core.onQueued(hook);
    }

    /**
     * Receive buffer size of the connections accepted from now on, as SO_RCVBUF on a listening socket: it
     * decides the window scale of their SYN-ACK and turns receive-buffer auto-tuning off for them. Without it
     * they start at the configuration's size and are auto-tuned ({@code TcpConfig.receiveAutoTuning}).
     */
    public void receiveBufferSize(int bytes) {
        core.receiveBufferSize(bytes);
    }

    /** The bound address and port. */
    public InetSocketAddress localAddress() {
        return SocketAddresses.of(core.version(), core.high(), core.low(), core.port());
    }

    /** Stops listening: waiting accepts throw SocketException, queued connections are reset. Idempotent. */
    @Override
    public void close() throws IOException {
        tcp.closeListener(core);
    }
}
