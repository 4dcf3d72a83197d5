package org.netstack4j.socket;

import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import org.netstack4j.stack.Stack;
import org.netstack4j.transport.udp.UdpBinding;
import org.netstack4j.transport.udp.UdpDemux;
import org.netstack4j.transport.udp.UdpProtocol;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.IpProtocol;

/**
 * UDP on one stack: registers the UDP protocol with it and opens {@link UdpSocket}s. One per stack.
 */
public final class Udp {
    /** Packets each shard's send hand-off holds before senders wait. */
    private static final int OUTBOX_CAPACITY = 4096;

    private final UdpProtocol protocol = new UdpProtocol(new UdpDemux());
    private final UdpOutput output;

    private Udp(Stack stack) {
        this.output = new UdpOutput(stack.transportHost(), OUTBOX_CAPACITY);
    }

    /** Registers UDP with {@code stack} (replacing any protocol 17 handler) and returns it. */
    public static Udp attach(Stack stack) {
        Udp udp = new Udp(stack);
        stack.registerTransportHandler(IpProtocol.UDP, udp.protocol);
        return udp;
    }

    /** The protocol core, for its counters. */
    public UdpProtocol protocol() {
        return protocol;
    }

    UdpOutput output() {
        return output;
    }

    /** Times a sender found its shard's send hand-off full and had to wait for room. */
    public long sendHandOffWaits() {
        return output.handOffWaits();
    }

    /** Datagrams handed to a shard that its output then dropped (no route, full neighbour queue, ...). */
    public long sendDroppedByStack() {
        return output.droppedAfterHandOff();
    }

    /**
     * Opens a socket bound to {@code local}: its address picks the IP version (a wildcard address takes
     * the stack's address towards each destination as source), port 0 picks a free ephemeral port.
     *
     * @throws BindException when the port is in use (see {@link UdpBindOptions} for what may share one) or
     *     no ephemeral port is free
     */
    public UdpSocket bind(InetSocketAddress local, UdpBindOptions options) throws SocketException {
        InetAddress a = local.getAddress();
        int version = a instanceof Inet6Address ? 6 : 4;
        byte[] b = a.getAddress();
        long high = version == 6 ? Bytes.i64(b, 0) : 0;
        long low = version == 6 ? Bytes.i64(b, 8) : Bytes.u32(b, 0);
        UdpSocket s = new UdpSocket(this, version, high, low, options);
        int port = protocol.demux().bind(new UdpBinding(s, version, high, low, local.getPort(),
                options.reuseAddress(), options.reusePort(), options.ipv6Only()));
        if (port < 0) {
            throw new BindException("address in use: " + local);
        }
        s.bound(port);
        return s;
    }

    /** {@link #bind(InetSocketAddress, UdpBindOptions)} with default options but the given queue capacity. */
    public UdpSocket bind(InetSocketAddress local, int receiveQueueCapacity) throws SocketException {
        return bind(local, UdpBindOptions.defaults().withReceiveQueueCapacity(receiveQueueCapacity));
    }

    /** {@link #bind(InetSocketAddress, UdpBindOptions)} with default options (a queue of 256 datagrams). */
    public UdpSocket bind(InetSocketAddress local) throws SocketException {
        return bind(local, UdpBindOptions.defaults());
    }

    void unbind(UdpSocket s) {
        protocol.demux().unbind(s.localPort(), s);
    }
}
