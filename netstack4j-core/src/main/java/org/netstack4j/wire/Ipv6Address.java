package org.netstack4j.wire;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv6 address held in two {@code long}s (high = first eight octets), comparable and hashable
 * without touching arrays.
 */
public record Ipv6Address(long high, long low) implements Comparable<Ipv6Address> {
    /** Octets in an IPv6 address. */
    public static final int LENGTH = 16;
    /** {@code ::}. */
    public static final Ipv6Address ANY = new Ipv6Address(0, 0);
    /** {@code ::1}. */
    public static final Ipv6Address LOOPBACK = new Ipv6Address(0, 1);
    /** {@code ff02::1}, all nodes on the link. */
    public static final Ipv6Address ALL_NODES = new Ipv6Address(0xff02_0000_0000_0000L, 1);
    /** {@code ff02::2}, all routers on the link. */
    public static final Ipv6Address ALL_ROUTERS = new Ipv6Address(0xff02_0000_0000_0000L, 2);

    /** The address in sixteen octets at {@code offset}. */
    public static Ipv6Address of(byte[] b, int offset) {
        return new Ipv6Address(Bytes.i64(b, offset), Bytes.i64(b, offset + 8));
    }

    /** Parses textual IPv6 ({@code 2001:2::1}, with {@code ::} compression and an embedded IPv4 tail); no lookup. */
    public static Ipv6Address parse(String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
        try {
            InetAddress a = InetAddress.getByName(text.contains(":") ? "[" + text + "]" : "invalid:");
            byte[] raw = a.getAddress();
            if (raw.length != LENGTH) {
                throw new IllegalArgumentException("not an IPv6 address: " + text);
            }
            return of(raw, 0);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: " + text, e);
        }
    }

    /** Converts from {@link Inet6Address}. */
    public static Ipv6Address of(Inet6Address address) {
        return of(address.getAddress(), 0);
    }

    /** Writes this address at {@code offset}. */
    public void writeTo(byte[] b, int offset) {
        Bytes.put64(b, offset, high);
        Bytes.put64(b, offset + 8, low);
    }

    /** The sixteen octets. */
    public byte[] toBytes() {
        byte[] b = new byte[LENGTH];
        writeTo(b, 0);
        return b;
    }

    /** Converts to {@link Inet6Address}. */
    public Inet6Address toInetAddress() {
        try {
            return Inet6Address.getByAddress(null, toBytes(), -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // sixteen octets are always accepted
        }
    }

    /** True for ff00::/8. */
    public boolean isMulticast() {
        return (high >>> 56) == 0xff;
    }

    /** True for fe80::/10. */
    public boolean isLinkLocalUnicast() {
        return (high >>> 54) == (0xfe80L >>> 6);
    }

    /** The solicited-node multicast address {@code ff02::1:ffXX:XXXX} for this address (RFC 4291 2.7.1). */
    public Ipv6Address solicitedNode() {
        return new Ipv6Address(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (low & 0xff_ffffL));
    }

    @Override
    public int compareTo(Ipv6Address o) {
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    @Override
    public String toString() {
        String s = toInetAddress().getHostAddress();
        int pct = s.indexOf('%');
        return pct >= 0 ? s.substring(0, pct) : compress(s);
    }

    // Inet6Address prints every group in full; RFC 5952 wants the longest zero run as "::".
    private static String compress(String full) {
        String[] g = full.split(":");
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < g.length; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < g.length && g[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bestStart; i++) {
            sb.append(g[i]).append(i + 1 < bestStart ? ":" : "");
        }
        sb.append("::");
        for (int i = bestStart + bestLen; i < g.length; i++) {
            sb.append(g[i]).append(i + 1 < g.length ? ":" : "");
        }
        return sb.toString();
    }
}
