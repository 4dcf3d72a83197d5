package org.netstack4j.link;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.netstack4j.buffer.PacketBuffer;

/**
 * A UDP socket used as a link: each datagram carries one packet or frame. Two stacks in two
 * processes (or two hosts) talk over a pair of these without any privilege.
 *
 * <p>The socket is connected to its peer, so datagrams from anyone else are discarded by the kernel.
 * It stays in blocking mode: the dispatch loop blocks in {@link #read}, and {@link #close()} from
 * another thread wakes it with an {@link java.nio.channels.AsynchronousCloseException}. When the
 * peer's socket is gone the kernel reports the ICMP port-unreachable errors that follow our sends as
 * a {@link java.net.PortUnreachableException} from {@link #read}, which an endpoint treats as the
 * link closing.
 *
 * <p>UDP has no end of stream, so {@link #read} never returns {@code -1} (a zero-length datagram
 * reads as a packet of length 0). A Java datagram socket does
 * not report the length of a datagram larger than the buffer (it truncates silently), so
 * {@link #read} returns the stored length; see {@link PacketChannel#read}.
 */
public final class DatagramPacketChannel implements PacketChannel {
    private final DatagramChannel channel;

    private DatagramPacketChannel(DatagramChannel channel) {
        this.channel = channel;
    }

    /**
     * Wraps a datagram channel that is already connected to its peer; the result owns it (closing
     * one closes the other).
     *
     * @throws IllegalArgumentException if {@code channel} is not connected
     */
    public static DatagramPacketChannel wrap(DatagramChannel channel) {
        if (!channel.isConnected()) {
            throw new IllegalArgumentException("datagram channel is not connected to a peer");
        }
        return new DatagramPacketChannel(channel);
    }

    /**
     * Opens a UDP socket bound to {@code local} (port 0 for any free one) and connected to
     * {@code remote}, with send and receive buffers of {@code socketBufferBytes} (0 keeps the system
     * default).
     */
    public static DatagramPacketChannel open(InetSocketAddress local, InetSocketAddress remote, int socketBufferBytes)
            throws IOException {
        DatagramChannel ch = DatagramChannel.open(
                remote.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            if (socketBufferBytes > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, socketBufferBytes);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, socketBufferBytes);
            }
            ch.bind(local);
            ch.connect(remote);
            return new DatagramPacketChannel(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Two channels on the loopback interface connected to each other: the two ends of a link for two
     * stacks (in this JVM or, by passing the ports on, in two processes).
     */
    public static DatagramPacketChannel[] loopbackPair(int socketBufferBytes) throws IOException {
        return loopbackPair(socketBufferBytes, false);
    }

    /**
     * {@link #loopbackPair(int)}, optionally with {@code SO_REUSEPORT} on the second socket so that a
     * test can send from its address with another socket (datagrams the JDK will not send, such as
     * empty ones).
     */
    static DatagramPacketChannel[] loopbackPair(int socketBufferBytes, boolean reusePortOnSecond) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        DatagramChannel first = DatagramChannel.open(StandardProtocolFamily.INET);
        DatagramChannel second = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            for (DatagramChannel ch : new DatagramChannel[] {first, second}) {
                if (socketBufferBytes > 0) {
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, socketBufferBytes);
                    ch.setOption(StandardSocketOptions.SO_SNDBUF, socketBufferBytes);
                }
                if (reusePortOnSecond && ch == second) {
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                ch.bind(new InetSocketAddress(lo, 0));
            }
            first.connect(second.getLocalAddress());
            second.connect(first.getLocalAddress());
            return new DatagramPacketChannel[] {new DatagramPacketChannel(first), new DatagramPacketChannel(second)};
        } catch (IOException | RuntimeException e) {
            first.close();
            second.close();
            throw e;
        }
    }

    /** The local address the socket is bound to. */
    public SocketAddress localAddress() throws IOException {
        return channel.getLocalAddress();
    }

    /** The peer the socket is connected to. */
    public SocketAddress remoteAddress() throws IOException {
        return channel.getRemoteAddress();
    }

    @Override
    public int read(PacketBuffer buffer) throws IOException {
        ByteBuffer bb = buffer.byteBuffer();
        int at = buffer.start();
        bb.limit(buffer.capacity()).position(at);
        int n = channel.read(bb);
        if (n < 0) {
            // UDP has no end of stream: the JDK reports a zero-length datagram as -1. It must not pass
            // for a closed peer, or an empty datagram from anyone could take the link down.
            n = 0;
        }
        buffer.setBounds(at, at + n);
        return n;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IOException also for an empty packet: the JDK's datagram channels skip the send of a
     *     zero-length datagram, so it could not be sent truthfully
     */
    @Override
    public void write(PacketBuffer packet) throws IOException {
        if (packet.length() == 0) {
            throw new IOException("a Java datagram channel cannot send a zero-length datagram");
        }
        ByteBuffer bb = packet.byteBuffer();
        // The view is shared with reads only for buffers the caller also reads into; writers own theirs.
        bb.limit(packet.end()).position(packet.start());
        int n = channel.write(bb);
        if (n == 0) {
            throw new ChannelFullException("datagram socket send buffer full");
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        try {
            return "DatagramPacketChannel[" + channel.getLocalAddress() + " -> " + channel.getRemoteAddress() + "]";
        } catch (IOException e) {
            return "DatagramPacketChannel[closed]";
        }
    }
}
