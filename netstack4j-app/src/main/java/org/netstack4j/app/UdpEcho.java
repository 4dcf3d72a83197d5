package org.netstack4j.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.netstack4j.socket.Udp;
import org.netstack4j.socket.UdpPeer;
import org.netstack4j.socket.UdpSocket;

/**
 * The UDP echo service (RFC 862) on a stack: one wildcard socket per IP version on one port, each served
 * by a virtual thread that sends every datagram back to its source. {@link #close()} closes the sockets,
 * which ends the threads, and waits for them.
 */
final class UdpEcho implements AutoCloseable {
    /** The well-known echo port. */
    static final int PORT = 7;

    private final List<UdpSocket> sockets = new ArrayList<>(2);
    private final List<Thread> threads = new ArrayList<>(2);

    private UdpEcho() {
    }

    /** Binds the echo port for IPv4 and, when {@code ipv6}, IPv6, and starts serving. */
    static UdpEcho start(Udp udp, int port, boolean ipv6) throws IOException {
        UdpEcho echo = new UdpEcho();
        try {
            echo.serve(udp.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port)));
            if (ipv6) {
                echo.serve(udp.bind(new InetSocketAddress(InetAddress.getByName("::"), port)));
            }
        } catch (IOException | RuntimeException e) {
            echo.close();
            throw e;
        }
        return echo;
    }

    private void serve(UdpSocket socket) {
        sockets.add(socket);
        threads.add(Thread.ofVirtual().name("udp-echo-" + socket.localPort()).start(() -> loop(socket)));
    }

    private static void loop(UdpSocket socket) {
        // One buffer and one sender holder for the thread's life: echoing allocates nothing per datagram.
        byte[] buffer = new byte[65536];
        UdpPeer sender = new UdpPeer();
        while (!socket.isClosed()) {
            try {
                int n = socket.receive(buffer, 0, buffer.length, sender, null);
                socket.send(sender, buffer, 0, n);
            } catch (InterruptedException e) {
                return;
            } catch (SocketException e) {
                if (socket.isClosed()) {
                    return;
                }
                // A failed send (e.g. no route back) loses that one datagram; the service goes on.
            } catch (IOException e) {
                // Only connected sockets see ICMP errors, and this one is not connected; keep serving.
            }
        }
    }

    /** Closes the sockets and waits up to a second per thread for it to end. */
    @Override
    public void close() {
        for (UdpSocket s : sockets) {
            s.close();
        }
        for (Thread t : threads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** True once every serving thread has ended. */
    boolean stopped() {
        for (Thread t : threads) {
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
