package org.netstack4j.socket;

import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.netstack4j.stack.InterfaceAddress;
import org.netstack4j.stack.Nic;
import org.netstack4j.stack.Stack;
import org.netstack4j.transport.udp.UdpDemux;
import org.netstack4j.transport.udp.UdpProtocol;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.IpProtocol;

/**
 * UDP on one stack: registers the UDP protocol with it and opens {@link UdpSocket}s. One per stack.
 */
public final class Udp {
    private static final long WRITE_TIMEOUT_SECONDS = 10;

    private final Stack stack;
    private final UdpProtocol protocol = new UdpProtocol(new UdpDemux());
    private final AtomicInteger ipv4Identification = new AtomicInteger();

    private Udp(Stack stack) {
        this.stack = stack;
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

    /**
     * Opens a socket bound to {@code local}: its address picks the IP version (a wildcard address takes
     * the stack's address towards each destination as source), port 0 picks a free ephemeral port.
     *
     * @param receiveQueueCapacity datagrams held before further ones are dropped and counted
     * @throws BindException when the port is in use or no ephemeral port is free
     */
    public UdpSocket bind(InetSocketAddress local, int receiveQueueCapacity) throws SocketException {
        if (receiveQueueCapacity < 1) {
            throw new IllegalArgumentException("receive queue capacity " + receiveQueueCapacity);
        }
        InetAddress a = local.getAddress();
        int version = a instanceof Inet6Address ? 6 : 4;
        long high = 0;
        long low;
        if (version == 4) {
            low = Bytes.u32(a.getAddress(), 0);
        } else {
            byte[] b = a.getAddress();
            high = Bytes.i64(b, 0);
            low = Bytes.i64(b, 8);
        }
        UdpSocket s = new UdpSocket(this, version, high, low, receiveQueueCapacity);
        int port = protocol.demux().bind(version, local.getPort(), s);
        if (port < 0) {
            throw new BindException("address in use: " + local);
        }
        s.bound(port);
        return s;
    }

    /** {@link #bind(InetSocketAddress, int)} with a queue of 256 datagrams. */
    public UdpSocket bind(InetSocketAddress local) throws SocketException {
        return bind(local, 256);
    }

    void unbind(UdpSocket s) {
        protocol.demux().unbind(s.ipVersion(), s.localPort(), s);
    }

    int nextIpv4Identification() {
        return ipv4Identification.incrementAndGet() & 0xffff;
    }

    /** The address to send from towards a destination: the NIC address covering it, else the first one. */
    InterfaceAddress sourceFor(int version, long high, long low) {
        InterfaceAddress first = null;
        for (Nic nic : stack.nics()) {
            for (InterfaceAddress ia : nic.addresses()) {
                if (ia.ipv6() != (version == 6)) {
                    continue;
                }
                boolean covers = version == 4 ? ia.coversIpv4((int) low) : ia.coversIpv6(high, low);
                if (covers) {
                    return ia;
                }
                if (first == null && !(version == 6 && (ia.high() >>> 54) == 0x3fa)) {
                    first = ia;
                }
            }
        }
        return first;
    }

    /**
     * Sends a complete IP packet; true when the stack took it towards the link. Bounded: a stack that
     * stops while the packet waits for its shard never answers.
     */
    boolean write(byte[] ipPacket) throws SocketException {
        try {
            return stack.writePacket(ipPacket).get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketException("interrupted while sending");
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    static InetSocketAddress socketAddress(int version, long high, long low, int port) {
        try {
            byte[] b;
            if (version == 4) {
                b = new byte[4];
                Bytes.put32(b, 0, (int) low);
                return new InetSocketAddress(Inet4Address.getByAddress(b), port);
            }
            b = new byte[16];
            Bytes.put64(b, 0, high);
            Bytes.put64(b, 8, low);
            return new InetSocketAddress(InetAddress.getByAddress(b), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // a 4- or 16-byte array is always accepted
        }
    }
}
