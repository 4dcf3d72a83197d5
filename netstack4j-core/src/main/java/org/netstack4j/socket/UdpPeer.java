package org.netstack4j.socket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.netstack4j.wire.Bytes;

/**
 * The address and port at the other end of a datagram, as a mutable holder: filled by
 * {@link UdpSocket#receive(byte[], int, int, UdpPeer, java.time.Duration)} and usable as the destination of
 * {@link UdpSocket#send(UdpPeer, byte[], int, int)}, so that a receive-and-reply loop allocates nothing.
 * Not thread-safe: one per thread.
 */
public final class UdpPeer {
    /** Prefix of an IPv4-mapped IPv6 address ({@code ::ffff:0:0/96}) in the low half. */
    static final long MAPPED = 0x0000_ffff_0000_0000L;

    private int ipVersion;
    private long high;
    private long low;
    private int port;

    /** An empty holder (IPv4 0.0.0.0, port 0). */
    public UdpPeer() {
        ipVersion = 4;
    }

    /** A holder set to {@code address}. */
    public UdpPeer(InetSocketAddress address) {
        set(address);
    }

    /** Sets this holder to {@code address}; returns this. */
    public UdpPeer set(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        if (a == null) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            set(6, Bytes.i64(b, 0), Bytes.i64(b, 8), address.getPort());
        } else {
            set(4, 0, Bytes.u32(b, 0), address.getPort());
        }
        return this;
    }

    void set(int version, long addressHigh, long addressLow, int p) {
        this.ipVersion = version;
        this.high = addressHigh;
        this.low = addressLow;
        this.port = p;
    }

    /** 4 or 6 (an IPv4 sender seen by a dual-stack socket is 6, with an IPv4-mapped address). */
    public int ipVersion() {
        return ipVersion;
    }

    /** Upper 64 bits of the address (0 for IPv4). */
    public long addressHigh() {
        return high;
    }

    /** Lower 64 bits of the address (an IPv4 address in the low 32 bits). */
    public long addressLow() {
        return low;
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** Whether the address is IPv4-mapped ({@code ::ffff:a.b.c.d}). */
    public boolean isIpv4Mapped() {
        return ipVersion == 6 && high == 0 && (low >>> 32) == 0xffff;
    }

    /** The address as a new {@link InetSocketAddress} (allocates; an IPv4-mapped address gives IPv4). */
    public InetSocketAddress toSocketAddress() {
        return SocketAddresses.of(ipVersion, high, low, port);
    }

    @Override
    public String toString() {
        return toSocketAddress().toString();
    }
}
