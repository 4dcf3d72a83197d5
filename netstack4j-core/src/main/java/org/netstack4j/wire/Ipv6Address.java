package org.netstack4j.wire;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

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

    /**
     * Parses IPv6 text (RFC 4291 section 2.2): eight groups of one to four hexadecimal digits separated by
     * {@code :}, at most one {@code ::} standing for one or more zero groups, and optionally the last two
     * groups written as a dotted-decimal IPv4 address ({@code ::ffff:192.0.2.1}). Never looks up a name; zone
     * identifiers ({@code %eth0}) and brackets are rejected.
     *
     * @throws IllegalArgumentException if {@code text} is not such an address
     */
    public static Ipv6Address parse(String text) {
        int[] groups = new int[8];
        int count = parseGroups(text, groups);
        if (count < 0) {
            throw new IllegalArgumentException("not an IPv6 address: " + text);
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 4; i++) {
            high = high << 16 | groups[i];
            low = low << 16 | groups[i + 4];
        }
        return new Ipv6Address(high, low);
    }

    /** Fills {@code out} with the eight groups of {@code text}; returns 8, or -1 if the text is malformed. */
    private static int parseGroups(String text, int[] out) {
        int n = text.length();
        if (n < 2 || n > 45) { // "::" .. "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"
            return -1;
        }
        int count = 0;
        int gap = -1; // group index where "::" stands, or -1
        int i = 0;
        if (text.charAt(0) == ':') {
            if (text.charAt(1) != ':') {
                return -1;
            }
            gap = 0;
            i = 2;
        }
        while (i < n) {
            if (count == 8) {
                return -1;
            }
            int start = i;
            int value = 0;
            while (i < n && i - start < 5) {
                int d = Hex.digit(text.charAt(i));
                if (d < 0) {
                    break;
                }
                value = value << 4 | d;
                i++;
            }
            if (i < n && text.charAt(i) == '.') {
                long v4 = count <= 6 ? Ipv4Address.parseDotted(text, start, n) : -1;
                if (v4 < 0) {
                    return -1;
                }
                out[count++] = (int) (v4 >>> 16);
                out[count++] = (int) v4 & 0xffff;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                return -1;
            }
            out[count++] = value;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != ':' || ++i == n) {
                return -1;
            }
            if (text.charAt(i) == ':') {
                if (gap >= 0) {
                    return -1;
                }
                gap = count;
                i++;
            }
        }
        if (gap < 0) {
            return count == 8 ? 8 : -1;
        }
        if (count == 8) {
            return -1; // "::" must stand for at least one group
        }
        int moved = count - gap;
        System.arraycopy(out, gap, out, 8 - moved, moved);
        Arrays.fill(out, gap, 8 - moved, 0);
        return 8;
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

    /** True for IPv4-mapped addresses, {@code ::ffff:0:0/96} (RFC 4291 section 2.5.5.2). */
    public boolean isIpv4Mapped() {
        return high == 0 && (low >>> 32) == 0xffff;
    }

    /**
     * The RFC 5952 text: lower-case hexadecimal without leading zeros, the longest run of two or more zero
     * groups (the first of equal runs) as {@code ::}, and IPv4-mapped addresses with a dotted-decimal tail
     * ({@code ::ffff:192.0.2.1}).
     */
    @Override
    public String toString() {
        if (isIpv4Mapped()) {
            return "::ffff:" + new Ipv4Address((int) low);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (group(i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && group(j) == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLength) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(i)));
        }
        return sb.toString();
    }

    /** Group {@code i} (0..7) of the eight 16-bit groups. */
    private int group(int i) {
        long half = i < 4 ? high : low;
        return (int) (half >>> (48 - 16 * (i & 3))) & 0xffff;
    }
}
