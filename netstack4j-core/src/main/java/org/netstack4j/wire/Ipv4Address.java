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

    /**
     * Parses dotted-decimal text ({@code 198.18.0.1}); no host name lookup. Strict like POSIX
     * {@code inet_pton}: exactly four decimal octets of ASCII digits, no leading zeros (which other parsers read
     * as octal), no other characters.
     *
     * @throws IllegalArgumentException if {@code text} is not such an address
     */
    public static Ipv4Address parse(String text) {
        long v = parseDotted(text, 0, text.length());
        if (v < 0) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        return new Ipv4Address((int) v);
    }

    /**
     * The address in {@code text[from, to)} as an unsigned value, or -1 if it is not strict dotted-decimal
     * (shared with the IPv4 tail of IPv6 text).
     */
    static long parseDotted(CharSequence text, int from, int to) {
        long v = 0;
        int octets = 0;
        int i = from;
        while (true) {
            int start = i;
            int octet = 0;
            while (i < to && i - start < 4) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                octet = octet * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            v = v << 8 | octet;
            octets++;
            if (octets == 4) {
                return i == to ? v : -1;
            }
            if (i >= to || text.charAt(i) != '.') {
                return -1;
            }
            i++;
        }
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
