package org.netstack4j.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP service over {@link ServerSocket}s: one virtual thread accepts on each listener and every connection
 * gets a virtual thread of its own that runs {@link #serve(Socket)} and then closes the socket. Written over
 * the {@code java.net} types so the same service runs over the JDK's sockets and over netstack4j's adapters.
 * {@link #close()} closes the listeners and every open connection, and waits for the threads.
 */
abstract class TcpService implements AutoCloseable {
    /** How long {@link #close()} waits for each thread to end. */
    private static final long JOIN_MILLIS = 2000;

    private final String name;
    private final List<ServerSocket> listeners;
    private final List<Thread> acceptors = new ArrayList<>(2);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    TcpService(String name, List<ServerSocket> listeners) {
        this.name = name;
        this.listeners = List.copyOf(listeners);
    }

    /** Starts one accepting thread per listener; returns this. */
    final TcpService start() {
        for (ServerSocket l : listeners) {
            acceptors.add(Thread.ofVirtual().name(name + "-accept-" + l.getLocalPort()).start(() -> acceptLoop(l)));
        }
        return this;
    }

    /**
     * Serves one connection until it is done; the caller closes the socket afterwards. An IOException ends
     * the connection quietly (peers reset and go away all the time).
     */
    abstract void serve(Socket socket) throws IOException;

    private void acceptLoop(ServerSocket listener) {
        while (!closed && !listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException | RuntimeException e) {
                if (closed || listener.isClosed()) {
                    return;
                }
                // A failed accept (e.g. a connection reset while queued) loses that one; back off a little so
                // a persistent failure cannot spin.
                failures.incrementAndGet();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            open.add(s);
            Thread t = Thread.ofVirtual().name(name + "-" + s.getPort()).unstarted(() -> run(s));
            workers.add(t);
            t.start();
            if (closed) {
                // close() may have swept the set before this socket went in.
                closeQuietly(s);
            }
        }
    }

    private void run(Socket s) {
        try {
            serve(s);
        } catch (IOException | RuntimeException e) {
            // The peer went away or sent something we refuse; either way this connection ends here.
            if (!closed && e instanceof RuntimeException) {
                failures.incrementAndGet();
            }
        } finally {
            closeQuietly(s);
            open.remove(s);
            workers.remove(Thread.currentThread());
        }
    }

    /** Connections accepted so far. */
    final long accepted() {
        return accepted.get();
    }

    /** Connections being served now. */
    final int connections() {
        return workers.size();
    }

    /** Failed accepts and connections ended by an unexpected runtime exception. */
    final long failures() {
        return failures.get();
    }

    /** The listeners' local ports, in the order given. */
    final List<Integer> ports() {
        List<Integer> ports = new ArrayList<>(listeners.size());
        for (ServerSocket l : listeners) {
            ports.add(l.getLocalPort());
        }
        return ports;
    }

    /** Closes the listeners and the open connections, then waits a bounded time for every thread. */
    @Override
    public void close() {
        closed = true;
        for (ServerSocket l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                // Closing is best effort; the accept loop ends on the closed flag either way.
            }
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        join(acceptors);
        join(List.copyOf(workers));
    }

    /** True once every thread of the service has ended. */
    final boolean stopped() {
        for (Thread t : acceptors) {
            if (t.isAlive()) {
                return false;
            }
        }
        return workers.isEmpty();
    }

    private static void join(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Already gone.
        }
    }
}
