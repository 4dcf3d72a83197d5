package org.netstack4j.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import org.netstack4j.buffer.PacketBuffer;

/**
 * A packet channel over an {@link InputStream}/{@link OutputStream} pair whose every
 * {@code read(byte[], int, int)} returns exactly one packet and whose every
 * {@code write(byte[], int, int)} sends exactly one: what a TUN file descriptor opened as streams
 * gives you, such as Android's {@code VpnService} ({@code new FileInputStream(fd)},
 * {@code new FileOutputStream(fd)}).
 *
 * <p>The streams must preserve packet boundaries; an ordinary byte stream (a TCP socket, a pipe)
 * does not, and needs a framing channel instead.
 *
 * <p>{@link #close()} closes both streams. Whether that wakes a reader blocked in
 * {@code InputStream.read} depends on the stream: socket and interruptible-channel streams wake,
 * but a {@code FileInputStream} on a Linux file descriptor may stay blocked until the next packet
 * arrives (closing a descriptor does not interrupt a {@code read(2)} in progress). On Android the
 * usual remedy is to make the descriptor non-blocking or to send the interface one last packet.
 */
public final class StreamPacketChannel implements PacketChannel {
    private final InputStream in;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private volatile boolean closed;

    /** Adopts both streams: closing this channel closes them. */
    public StreamPacketChannel(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public int read(PacketBuffer buffer) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        int at = buffer.start();
        int n;
        try {
            n = in.read(buffer.array(), at, buffer.capacity() - at);
        } catch (IOException e) {
            if (closed) {
                AsynchronousCloseException ace = new AsynchronousCloseException();
                ace.initCause(e);
                throw ace;
            }
            throw e;
        }
        if (n < 0) {
            if (closed) {
                throw new AsynchronousCloseException();
            }
            return -1;
        }
        buffer.setBounds(at, at + n);
        return n;
    }

    @Override
    public void write(PacketBuffer packet) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        synchronized (writeLock) {
            out.write(packet.array(), packet.start(), packet.length());
            out.flush();
        }
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        try {
            in.close();
        } catch (IOException e) {
            first = e;
        }
        try {
            out.close();
        } catch (IOException e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
