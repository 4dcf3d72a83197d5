package org.netstack4j.socket;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.udp.UdpEndpoint;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.UdpHeader;

/**
 * A UDP socket on a netstack4j stack, opened by {@link Udp#bind}. Blocking send and receive that keep
 * datagram boundaries; safe for many (virtual) threads at once. {@link #close()} wakes every blocked
 * receiver with a {@link SocketException}. The receive queue is bounded: datagrams arriving while it is full
 * are dropped and counted ({@link #droppedDatagrams()}).
 *
 * <p>A connected socket ({@link #connect}) accepts datagrams only from its peer and reports an ICMP error
 * about it (port unreachable) by throwing {@link PortUnreachableException} from its next call, once.
 *
 * <p>Two shapes of the same calls: {@link #receive(Duration)} returns a new {@link UdpDatagram}, while
 * {@link #receive(byte[], int, int, UdpPeer, Duration)} copies into the caller's array and fills a reused
 * {@link UdpPeer}, which {@link #send(UdpPeer, byte[], int, int)} takes as a destination: a loop over those
 * allocates nothing per datagram. Sending builds the packet on the caller's thread in a pooled buffer of the
 * flow's shard; a send returns once the shard has it, before it reaches the wire.
 */
public final class UdpSocket implements UdpEndpoint, AutoCloseable {
    /** The largest payload: 65535 minus the IPv4 and UDP headers. */
    public static final int MAX_PAYLOAD = 65535 - 20 - UdpHeader.LENGTH;
    /** The largest payload over IPv6 (no jumbograms): 65535 minus the UDP header. */
    public static final int MAX_PAYLOAD_IPV6 = 65535 - UdpHeader.LENGTH;

    private final Udp udp;
    private final int ipVersion;
    private final long localHigh;
    private final long localLow;
    private final boolean dualStack;
    private final UdpReceiveQueue queue;
    private int localPort;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile long peerHigh;
    private volatile long peerLow;
    private volatile int peerPort;
    /** The last destination's path (source address, MTU); set by connect, replaced when the destination changes. */
    private volatile CachedPath path;

    /** A path looked up for one destination. */
    private record CachedPath(int version, long high, long low, TransportHost.Path path) {
    }

    UdpSocket(Udp udp, int ipVersion, long localHigh, long localLow, UdpBindOptions options) {
        this.udp = udp;
        this.ipVersion = ipVersion;
        this.localHigh = localHigh;
        this.localLow = localLow;
        this.dualStack = ipVersion == 6 && localHigh == 0 && localLow == 0 && !options.ipv6Only();
        this.queue = new UdpReceiveQueue(options.receiveQueueCapacity(), this::raise);
    }

    void bound(int port) {
        localPort = port;
    }

    int ipVersion() {
        return ipVersion;
    }

    /** The bound local port. */
    public int localPort() {
        return localPort;
    }

    /** Datagrams dropped because the receive queue was full. */
    public long droppedDatagrams() {
        return queue.dropped();
    }

    /**
     * Fixes the peer: only its datagrams are received and {@link #send(byte[])} goes to it. Looks up the path
     * towards it once (source address and MTU for a wildcard-bound socket).
     *
     * @throws SocketException when there is no route to it
     */
    public void connect(InetSocketAddress peer) throws SocketException {
        ensureOpen();
        UdpPeer p = peerOf(peer);
        int version = wireVersion(p.addressHigh(), p.addressLow());
        pathTo(version, version == 4 ? 0 : p.addressHigh(), version == 4 ? p.addressLow() & 0xffff_ffffL
                : p.addressLow());
        peerHigh = p.addressHigh();
        peerLow = p.addressLow();
        peerPort = p.port();
        queue.clearError();
        connected = true;
    }

    /** Sends {@code data} to the connected peer. */
    public void send(byte[] data) throws SocketException {
        send(data, 0, data.length);
    }

    /** Sends {@code data[offset, offset+length)} to the connected peer. */
    public void send(byte[] data, int offset, int length) throws SocketException {
        if (!connected) {
            throw new SocketException("socket is not connected");
        }
        sendTo(peerHigh, peerLow, peerPort, data, offset, length);
    }

    /** Sends {@code data[offset, offset+length)} as one datagram to {@code destination}. */
    public void send(InetSocketAddress destination, byte[] data, int offset, int length) throws SocketException {
        UdpPeer p = peerOf(destination);
        sendTo(p.addressHigh(), p.addressLow(), p.port(), data, offset, length);
    }

    /** Sends {@code data[offset, offset+length)} as one datagram to {@code destination} (no allocation). */
    public void send(UdpPeer destination, byte[] data, int offset, int length) throws SocketException {
        if (destination.ipVersion() != ipVersion) {
            throw new IllegalArgumentException(destination + " is not an IPv" + ipVersion + " address");
        }
        sendTo(destination.addressHigh(), destination.addressLow(), destination.port(), data, offset, length);
    }

    private void sendTo(long dh, long dl, int dport, byte[] data, int offset, int length) throws SocketException {
        ensureOpen();
        queue.raisePending();
        int version = wireVersion(dh, dl);
        int max = version == 4 ? MAX_PAYLOAD : MAX_PAYLOAD_IPV6;
        if (length > max) {
            throw new SocketException("message too long: " + length + " bytes, at most " + max);
        }
        if (version == 4 && ipVersion == 6) {
            dh = 0;
            dl &= 0xffff_ffffL; // an IPv4-mapped destination of a dual-stack socket
        }
        long sh = localHigh;
        long sl = localLow;
        if (isWildcard()) {
            TransportHost.Path p = pathTo(version, dh, dl);
            sh = p.sourceHigh();
            sl = p.sourceLow();
        }
        udp.output().send(version, sh, sl, localPort, dh, dl, dport, data, offset, length);
    }

    /** The path towards a destination: the cached one when it is for the same destination. */
    private TransportHost.Path pathTo(int version, long dh, long dl) throws SocketException {
        CachedPath c = path;
        if (c != null && c.version == version && c.high == dh && c.low == dl) {
            return c.path;
        }
        TransportHost host = udp.output().host();
        long h = version == 4 ? 0 : dh;
        long l = version == 4 ? dl & 0xffff_ffffL : dl;
        TransportHost.Path p = version == 4 ? host.pathToIpv4((int) l) : host.pathToIpv6(h, l);
        if (p == null) {
            throw new SocketException("no route to " + SocketAddresses.of(version, h, l, 0).getAddress()
                    + " (or no IPv" + version + " source address)");
        }
        path = new CachedPath(version, dh, dl, p);
        return p;
    }

    /** The link MTU towards the connected peer (or the last destination), or 0 when not looked up yet. */
    public int pathMtu() {
        CachedPath c = path;
        return c == null ? 0 : c.path.mtu();
    }

    /** Waits for the next datagram without a time limit. */
    public UdpDatagram receive() throws IOException, InterruptedException {
        return receive(null);
    }

    /**
     * Waits for the next datagram.
     *
     * @param timeout how long to wait, or null for no limit
     * @throws SocketTimeoutException   when none came in time
     * @throws PortUnreachableException when the connected peer reported port unreachable since the last call
     * @throws SocketException          when the socket is or gets closed
     */
    public UdpDatagram receive(Duration timeout) throws IOException, InterruptedException {
        PacketBuffer p = queue.take(UdpReceiveQueue.nanos(timeout));
        try {
            UdpPeer from = new UdpPeer();
            readSource(p, from);
            byte[] data = new byte[p.end() - p.payloadOffset()];
            System.arraycopy(p.array(), p.payloadOffset(), data, 0, data.length);
            return new UdpDatagram(from.toSocketAddress(), data);
        } finally {
            p.release();
        }
    }

    /**
     * Waits for the next datagram and copies its payload into {@code into[offset, offset+length)}; what does
     * not fit is discarded, as with {@link java.net.DatagramSocket}. Allocates nothing.
     *
     * @param sender  filled with the sender's address and port
     * @param timeout how long to wait, or null for no limit
     * @return the number of bytes copied
     * @throws SocketTimeoutException   when none came in time
     * @throws PortUnreachableException when the connected peer reported port unreachable since the last call
     * @throws SocketException          when the socket is or gets closed
     */
    public int receive(byte[] into, int offset, int length, UdpPeer sender, Duration timeout)
            throws IOException, InterruptedException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        PacketBuffer p = queue.take(UdpReceiveQueue.nanos(timeout));
        try {
            readSource(p, sender);
            int n = Math.min(length, p.end() - p.payloadOffset());
            System.arraycopy(p.array(), p.payloadOffset(), into, offset, n);
            return n;
        } finally {
            p.release();
        }
    }

    /** Reads the sender of a queued datagram out of its IP and UDP headers. */
    private void readSource(PacketBuffer p, UdpPeer into) {
        byte[] b = p.array();
        int net = p.start();
        int port = Bytes.u16(b, p.payloadOffset() - UdpHeader.LENGTH);
        if ((b[net] & 0xf0) == 0x40) {
            long v4 = Bytes.u32(b, net + 12);
            if (ipVersion == 6) {
                into.set(6, 0, UdpPeer.MAPPED | v4, port);
            } else {
                into.set(4, 0, v4, port);
            }
        } else {
            into.set(6, Bytes.i64(b, net + 8), Bytes.i64(b, net + 16), port);
        }
    }

    /** Unbinds the port and wakes every blocked receiver; queued datagrams are discarded. */
    @Override
    public void close() {
        closed = true;
        if (queue.close("socket closed")) {
            udp.unbind(this);
        }
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public boolean peerIs(long high, long low, int port) {
        return connected && peerPort == port && peerLow == low && peerHigh == high;
    }

    @Override
    public boolean deliver(int version, PacketBuffer datagram) {
        return queue.offer(datagram);
    }

    @Override
    public void icmpError(int version, int type, int code) {
        queue.error(type << 8 | code | (version == 6 ? 1 << 16 : 0));
    }

    private void raise(int e) throws SocketException {
        int type = e >>> 8 & 0xff;
        int code = e & 0xff;
        boolean v6 = (e >>> 16) != 0;
        if (v6 ? type == 1 && code == 4 : type == 3 && code == 3) {
            throw new PortUnreachableException("port unreachable reported by the peer");
        }
        throw new SocketException("ICMP" + (v6 ? "v6" : "") + " error type " + type + " code " + code
                + " from the peer");
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("socket closed");
        }
    }

    private boolean isWildcard() {
        return localHigh == 0 && localLow == 0;
    }

    /** The IP version on the wire towards an address of this socket's family (IPv4 for a mapped one). */
    private int wireVersion(long high, long low) {
        return ipVersion == 6 && dualStack && high == 0 && (low >>> 32) == 0xffff ? 4 : ipVersion;
    }

    /** The address as this socket's family; a dual-stack socket takes IPv4 addresses as mapped ones. */
    private UdpPeer peerOf(InetSocketAddress address) {
        UdpPeer p = new UdpPeer(address);
        if (p.ipVersion() == ipVersion) {
            return p;
        }
        if (dualStack && !(address.getAddress() instanceof Inet6Address)) {
            p.set(6, 0, UdpPeer.MAPPED | p.addressLow(), p.port());
            return p;
        }
        throw new IllegalArgumentException(address + " is not an IPv" + ipVersion + " address");
    }

    @Override
    public String toString() {
        return "UdpSocket[IPv" + ipVersion + (dualStack ? " dual-stack" : "") + " port " + localPort
                + (closed ? " closed" : "") + "]";
    }
}
