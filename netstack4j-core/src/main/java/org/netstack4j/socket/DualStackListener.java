package org.netstack4j.socket;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

/**
 * A listener on the IPv6 unspecified address and its IPv4 twin on the same port, accepting from both: what a
 * JDK server socket bound to {@code ::} does (IPV6_V6ONLY off), while a stack listener takes one family. A
 * virtual thread per family accepts and hands each connection over through a queue of two, waiting while
 * it is full, so the stack's backlog still bounds what is queued.
 */
final class DualStackListener {
    /** Tries at finding an ephemeral port free in both families. */
    private static final int EPHEMERAL_TRIES = 16;
    private static final Object CLOSED = new Object();

    private final TcpListener v6;
    private final TcpListener v4;
    private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(2);
    private final Thread pump6;
    private final Thread pump4;
    private volatile boolean closed;

    private DualStackListener(TcpListener v6, TcpListener v4) {
        this.v6 = v6;
        this.v4 = v4;
        this.pump6 = Thread.ofVirtual().name("tcp-dual-accept6-" + v6.localAddress().getPort()).start(() -> pump(v6));
        this.pump4 = Thread.ofVirtual().name("tcp-dual-accept4-" + v4.localAddress().getPort()).start(() -> pump(v4));
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

    private void pump(TcpListener l) {
        while (!closed) {
            TcpSocket s;
            try {
                s = l.accept();
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                // A failed accept loses that one connection; a short pause keeps a persistent failure from spinning.
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            try {
                ready.put(s);
            } catch (InterruptedException e) {
                closeQuietly(s);
                return;
            }
        }
    }

    /** The next connection of either family; {@code timeout} null or zero waits forever. */
    TcpSocket accept(Duration timeout) throws IOException {
        Object o;
        try {
            o = timeout == null || timeout.isZero() ? ready.take() : ready.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketException("accept interrupted");
        }
        if (o == null) {
            throw new SocketTimeoutException("accept timed out");
        }
        if (o == CLOSED) {
            ready.offer(CLOSED);
            throw new SocketException("Socket closed");
        }
        return (TcpSocket) o;
    }

    /** The IPv6 listener's address: {@code [::]:port}. */
    InetSocketAddress localAddress() {
        return v6.localAddress();
    }

    /** Closes both listeners, ends the threads, resets connections not taken yet and wakes waiting accepts. */
    void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        for (TcpListener l : new TcpListener[] {v6, v4}) {
            try {
                l.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        pump6.interrupt();
        pump4.interrupt();
        try {
            pump6.join(2000);
            pump4.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Object o;
        while ((o = ready.poll()) != null) {
            if (o instanceof TcpSocket s) {
                closeQuietly(s);
            }
        }
        ready.offer(CLOSED);
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(TcpSocket s) {
        try {
            s.linger(0);
            s.close();
        } catch (IOException e) {
            // Already gone.
        }
    }
}
