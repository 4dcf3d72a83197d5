package org.netstack4j.socket;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

/**
 * A listener on the IPv6 unspecified address and its IPv4 twin on the same port, accepting from both: what a
 * JDK server socket bound to {@code ::} does (IPV6_V6ONLY off), while a stack listener takes one family. An
 * accepting thread takes from whichever listener has a connection queued and otherwise waits for either to
 * queue one (each listener wakes it through its {@code onQueued} hook): no thread of its own and no hand-off
 * between threads per connection, and the stack's backlog bounds what is queued.
 */
final class DualStackListener {
    /** Tries at finding an ephemeral port free in both families. */
    private static final int EPHEMERAL_TRIES = 16;

    private final TcpListener v6;
    private final TcpListener v4;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    /** Which family is tried first: alternates, so a busy family cannot starve the other. */
    private boolean v4First;
    private volatile boolean closed;

    private DualStackListener(TcpListener v6, TcpListener v4) {
        this.v6 = v6;
        this.v4 = v4;
        Runnable wake = this::wake;
        v6.onQueued(wake);
        v4.onQueued(wake);
    }

    /** Listens on {@code [::]:port} and {@code 0.0.0.0:port} (port 0: one ephemeral port free in both). */
    static DualStackListener open(Tcp tcp, int port, int backlog) throws IOException {
        BindException last = null;
        for (int i = 0; i < (port == 0 ? EPHEMERAL_TRIES : 1); i++) {
            TcpListener v6 = tcp.listen(new InetSocketAddress(Ipv6Address.ANY.toInetAddress(), port), backlog);
            try {
                TcpListener v4 = tcp.listen(new InetSocketAddress(Ipv4Address.ANY.toInetAddress(),
                        v6.localAddress().getPort()), backlog);
                return new DualStackListener(v6, v4);
            } catch (BindException e) {
                v6.close();
                last = e;
            } catch (IOException | RuntimeException e) {
                v6.close();
                throw e;
            }
        }
        throw last;
    }

    /** See {@link TcpListener#receiveBufferSize(int)}: for both families. */
    void receiveBufferSize(int bytes) {
        v6.receiveBufferSize(bytes);
        v4.receiveBufferSize(bytes);
    }

    private void wake() {
        lock.lock();
        try {
            queued.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The next connection of either family; {@code timeout} null or zero waits forever. */
    TcpSocket accept(Duration timeout) throws IOException {
        long deadline = timeout == null || timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new SocketException("Socket closed");
                }
                // Polled under our lock: a connection queued after the poll signals only once we wait.
                TcpListener first = v4First ? v4 : v6;
                TcpListener second = v4First ? v6 : v4;
                v4First = !v4First;
                TcpSocket s = first.poll();
                if (s == null) {
                    s = second.poll();
                }
                if (s != null) {
                    return s;
                }
                if (v6.isClosed() && v4.isClosed()) {
                    throw new SocketException("Socket closed");
                }
                if (deadline == Long.MAX_VALUE) {
                    queued.await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("accept timed out");
                    }
                    queued.awaitNanos(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketException("accept interrupted");
        } finally {
            lock.unlock();
        }
    }

    /** The IPv6 listener's address: {@code [::]:port}. */
    InetSocketAddress localAddress() {
        return v6.localAddress();
    }

    /** Closes both listeners (resetting connections not taken yet) and wakes waiting accepts. */
    void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        for (TcpListener l : new TcpListener[] {v6, v4}) {
            l.onQueued(null);
            try {
                l.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        lock.lock();
        try {
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
