package org.netstack4j.socket;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** A listening TCP socket of a netstack4j stack. */
public final class TcpListener implements Closeable {

    private TcpListener() {
    }

    /** Waits for the next established connection. */
    public TcpSocket accept() throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Waits up to {@code timeout} for the next connection; SocketTimeoutException when none came. */
    public TcpSocket accept(Duration timeout) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** The bound address and port. */
    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stops listening: waiting accepts throw SocketException, queued connections are reset. Idempotent. */
    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
