package org.netstack4j.socket;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One TCP connection of a netstack4j stack, with blocking calls that park a virtual thread without pinning a
 * carrier. Reads and writes may come from different threads; one reader and one writer at a time.
 */
public final class TcpSocket implements Closeable {

    private TcpSocket() {
    }

    /** Reads up to {@code length} bytes; blocks until at least one is there. -1 at end of stream. */
    public int read(byte[] b, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Writes all {@code length} bytes, blocking while the send buffer is full. */
    public void write(byte[] b, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** A stream over {@link #read}; closing it closes the socket. */
    public InputStream inputStream() {
        throw new UnsupportedOperationException("not yet");
    }

    /** A stream over {@link #write}; closing it closes the socket. */
    public OutputStream outputStream() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Read timeout (null or zero: wait forever); a timed-out read throws SocketTimeoutException. */
    public void readTimeout(Duration timeout) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Sends FIN after the data written so far; reading goes on. */
    public void shutdownOutput() throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Discards further received data; reads return -1. */
    public void shutdownInput() throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * SO_LINGER: -1 (default) closes in the background (FIN after the buffered data); 0 aborts with RST;
     * n > 0 makes {@link #close()} wait up to n seconds for the data to be acknowledged.
     */
    public void linger(int seconds) {
        throw new UnsupportedOperationException("not yet");
    }

    /** TCP_NODELAY: disables Nagle's algorithm. */
    public void noDelay(boolean on) {
        throw new UnsupportedOperationException("not yet");
    }

    /** SO_KEEPALIVE. */
    public void keepAlive(boolean on) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Send buffer size in bytes. */
    public void sendBufferSize(int bytes) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Receive buffer size in bytes (before the connection opens it also sets the window scale). */
    public void receiveBufferSize(int bytes) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The local address and port. */
    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The peer's address and port. */
    public InetSocketAddress remoteAddress() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Whether the connection is open (established or closing, not reset or closed by us). */
    public boolean isConnected() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Closes the connection as {@link #linger} says; wakes blocked callers. Idempotent. */
    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
