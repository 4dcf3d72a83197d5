package org.netstack4j.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 address held in an {@code int} (network order: first octet most significant). */
public record Ipv4Address(int value) implements Comparable<Ipv4Address> {
    /** Octets in an IPv4 address. */
    public static final int LENGTH = 4;
    /** 0.0.0.0. */
    public static final Ipv4Address ANY = new Ipv4Address(0);
    /** 255.255.255.255. */
    public static final Ipv4Address BROADCAST = new Ipv4Address(-1);

    /** The address in four octets at {@code offset}. */
    public static Ipv4Address of(byte[] b, int offset) {
        return new Ipv4Address(Bytes.i32(b, offset));
    }

    /** Parses dotted-quad text ({@code 198.18.0.1}); no host name lookup. */
    public static Ipv4Address parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            v = (v << 8) | octet;
        }
        return new Ipv4Address(v);
    }

    /** Converts from {@link Inet4Address}. */
    public static Ipv4Address of(Inet4Address address) {
        return of(address.getAddress(), 0);
    }

    /** Writes this address at {@code offset}. */
    public void writeTo(byte[] b, int offset) {
        Bytes.put32(b, offset, value);
    }

    /** The four octets. */
    public byte[] toBytes() {
        byte[] b = new byte[LENGTH];
        writeTo(b, 0);
        return b;
    }

    /** Converts to {@link Inet4Address}. */
    public Inet4Address toInetAddress() {
        try {
            return (Inet4Address) InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four octets are always accepted
        }
    }

    /** True for 224.0.0.0/4. */
    public boolean isMulticast() {
        return (value >>> 28) == 0xe;
    }

    /** True for 127.0.0.0/8. */
    public boolean isLoopback() {
        return (value >>> 24) == 127;
    }

    @Override
    public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return (value >>> 24) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
    }
}
