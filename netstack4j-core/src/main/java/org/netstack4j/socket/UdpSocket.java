package org.netstack4j.socket;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.netstack4j.stack.InterfaceAddress;
import org.netstack4j.transport.udp.UdpEndpoint;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.IpProtocol;
import org.netstack4j.wire.UdpHeader;

/**
 * A UDP socket on a netstack4j stack, opened by {@link Udp#bind}. Blocking send and receive that keep
 * datagram boundaries; safe for many (virtual) threads at once. {@link #close()} wakes every blocked
 * receiver with a {@link SocketException}. The receive queue is bounded: datagrams arriving while it is full
 * are dropped and counted ({@link #droppedDatagrams()}).
 *
 * <p>A connected socket ({@link #connect}) accepts datagrams only from its peer and reports an ICMP error
 * about it (port unreachable) by throwing {@link PortUnreachableException} from its next call, once.
 */
public final class UdpSocket implements UdpEndpoint, AutoCloseable {
    /** The largest payload: 65535 minus the IPv4 and UDP headers. */
    public static final int MAX_PAYLOAD = 65535 - 20 - UdpHeader.LENGTH;

    private final Udp udp;
    private final int ipVersion;
    private final long localHigh;
    private final long localLow;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ArrayDeque<UdpDatagram> queue = new ArrayDeque<>();
    private final LongAdder dropped = new LongAdder();
    private int localPort;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile long peerHigh;
    private volatile long peerLow;
    private volatile int peerPort;
    private int pendingError; // ICMP type << 8 | code, or -1; guarded by lock

    UdpSocket(Udp udp, int ipVersion, long localHigh, long localLow, int capacity) {
        this.udp = udp;
        this.ipVersion = ipVersion;
        this.localHigh = localHigh;
        this.localLow = localLow;
        this.capacity = capacity;
        this.pendingError = -1;
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
        return dropped.sum();
    }

    /** Fixes the peer: only its datagrams are received and {@link #send(byte[])} goes to it. */
    public void connect(InetSocketAddress peer) throws SocketException {
        ensureOpen();
        byte[] a = checkFamily(peer);
        lock.lock();
        try {
            peerHigh = ipVersion == 6 ? Bytes.i64(a, 0) : 0;
            peerLow = ipVersion == 6 ? Bytes.i64(a, 8) : Bytes.u32(a, 0);
            peerPort = peer.getPort();
            pendingError = -1;
            connected = true;
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@code data} to the connected peer. */
    public void send(byte[] data) throws SocketException {
        if (!connected) {
            throw new SocketException("socket is not connected");
        }
        sendTo(peerHigh, peerLow, peerPort, data, 0, data.length);
    }

    /** Sends {@code data[offset, offset+length)} as one datagram to {@code destination}. */
    public void send(InetSocketAddress destination, byte[] data, int offset, int length) throws SocketException {
        byte[] a = checkFamily(destination);
        long high = ipVersion == 6 ? Bytes.i64(a, 0) : 0;
        long low = ipVersion == 6 ? Bytes.i64(a, 8) : Bytes.u32(a, 0);
        sendTo(high, low, destination.getPort(), data, offset, length);
    }

    private void sendTo(long dh, long dl, int dport, byte[] data, int offset, int length) throws SocketException {
        ensureOpen();
        throwPendingError();
        int max = ipVersion == 4 ? MAX_PAYLOAD : 65535 - UdpHeader.LENGTH;
        if (length > max) {
            throw new SocketException("message too long: " + length + " bytes, at most " + max);
        }
        long sh = localHigh;
        long sl = localLow;
        if (sh == 0 && sl == 0) {
            InterfaceAddress src = udp.sourceFor(ipVersion, dh, dl);
            if (src == null) {
                throw new SocketException("no IPv" + ipVersion + " source address");
            }
            sh = src.high();
            sl = src.low();
        }
        int ipLength = ipVersion == 4 ? 20 : 40;
        int udpLength = UdpHeader.LENGTH + length;
        byte[] p = new byte[ipLength + udpLength];
        UdpHeader.write(p, ipLength, localPort, dport, udpLength);
        System.arraycopy(data, offset, p, ipLength + UdpHeader.LENGTH, length);
        int pseudo;
        if (ipVersion == 4) {
            Bytes.put8(p, 0, 0x45);
            Bytes.put16(p, 2, p.length);
            Bytes.put16(p, 4, udp.nextIpv4Identification());
            Bytes.put8(p, 8, 64);
            Bytes.put8(p, 9, IpProtocol.UDP);
            Bytes.put32(p, 12, (int) sl);
            Bytes.put32(p, 16, (int) dl);
            Bytes.put16(p, 10, Checksum.compute(p, 0, 20));
            pseudo = Checksum.pseudoHeaderIpv4((int) sl, (int) dl, IpProtocol.UDP, udpLength);
        } else {
            Bytes.put32(p, 0, 0x6000_0000);
            Bytes.put16(p, 4, udpLength);
            Bytes.put8(p, 6, IpProtocol.UDP);
            Bytes.put8(p, 7, 64);
            Bytes.put64(p, 8, sh);
            Bytes.put64(p, 16, sl);
            Bytes.put64(p, 24, dh);
            Bytes.put64(p, 32, dl);
            pseudo = Checksum.pseudoHeaderIpv6(sh, sl, dh, dl, IpProtocol.UDP, udpLength);
        }
        int sum = Checksum.computeSkippingField(p, ipLength, udpLength, 6, pseudo);
        Bytes.put16(p, ipLength + 6, sum == 0 ? 0xffff : sum);
        if (!udp.write(p)) {
            throw new SocketException("datagram not sent (no route, or dropped by the stack)");
        }
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
        long nanos = timeout == null ? Long.MAX_VALUE : timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                if (closed) {
                    throw new SocketException("socket closed");
                }
                throwPendingErrorLocked();
                UdpDatagram d = queue.pollFirst();
                if (d != null) {
                    return d;
                }
                if (timeout == null) {
                    readable.await();
                } else {
                    if (nanos <= 0) {
                        throw new SocketTimeoutException("no datagram within " + timeout);
                    }
                    nanos = readable.awaitNanos(nanos);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Unbinds the port and wakes every blocked receiver; queued datagrams are discarded. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        udp.unbind(this);
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean acceptsDestination(long high, long low) {
        return (localHigh == 0 && localLow == 0) || (localHigh == high && localLow == low);
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
    public boolean receive(long sourceHigh, long sourceLow, int sourcePort, byte[] b, int offset, int length) {
        lock.lock();
        try {
            if (closed || queue.size() >= capacity) {
                dropped.increment();
                return false;
            }
            byte[] data = new byte[length];
            System.arraycopy(b, offset, data, 0, length);
            queue.addLast(new UdpDatagram(Udp.socketAddress(ipVersion, sourceHigh, sourceLow, sourcePort), data));
            readable.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void icmpError(int version, int type, int code) {
        lock.lock();
        try {
            pendingError = type << 8 | code;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("socket closed");
        }
    }

    private void throwPendingError() throws SocketException {
        lock.lock();
        try {
            throwPendingErrorLocked();
        } finally {
            lock.unlock();
        }
    }

    private void throwPendingErrorLocked() throws SocketException {
        int e = pendingError;
        if (e >= 0) {
            pendingError = -1;
            if (isPortUnreachable(e >>> 8, e & 0xff)) {
                throw new PortUnreachableException("port unreachable reported by the peer");
            }
            throw new SocketException("ICMP error type " + (e >>> 8) + " code " + (e & 0xff) + " from the peer");
        }
    }

    private boolean isPortUnreachable(int type, int code) {
        return ipVersion == 4 ? type == 3 && code == 3 : type == 1 && code == 4;
    }

    private byte[] checkFamily(InetSocketAddress address) {
        byte[] a = address.getAddress().getAddress();
        if ((address.getAddress() instanceof Inet6Address) != (ipVersion == 6)) {
            throw new IllegalArgumentException(address + " is not an IPv" + ipVersion + " address");
        }
        return a;
    }

    @Override
    public String toString() {
        return "UdpSocket[IPv" + ipVersion + " port " + localPort + (closed ? " closed" : "") + "]";
    }
}
