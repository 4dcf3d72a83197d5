package org.netstack4j.socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.netstack4j.stack.Stack;

/**
 * TCP on one stack: registers the TCP protocol with it, opens listeners and connections. One per stack.
 */
public final class Tcp {

    private Tcp() {
    }

    /** Registers TCP with {@code stack} (replacing any protocol 6 handler) with the default configuration. */
    public static Tcp attach(Stack stack) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Listens on {@code local} (a wildcard address listens on every address of its family; port 0 picks an
     * ephemeral port).
     *
     * @param backlog established connections waiting for {@link TcpListener#accept()}
     * @throws java.net.BindException when the address is in use
     */
    public TcpListener listen(InetSocketAddress local, int backlog) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Connects to {@code remote} from an ephemeral port on the stack's address towards it; blocks until
     * established.
     *
     * @throws java.net.ConnectException when refused (RST) or no route
     * @throws java.net.SocketTimeoutException when not established within {@code timeout}
     */
    public TcpSocket connect(InetSocketAddress remote, Duration timeout) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** {@link #connect(InetSocketAddress, Duration)} from a given local address and port (0: ephemeral). */
    public TcpSocket connect(InetSocketAddress local, InetSocketAddress remote, Duration timeout) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
