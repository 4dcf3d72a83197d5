package org.netstack4j.wire;

/**
 * A 48-bit IEEE 802 MAC address held in the low 48 bits of a {@code long} (first octet most
 * significant), so that it can be compared and hashed without allocation on the packet path.
 */
public record MacAddress(long value) {
    /** Octets in a MAC address. */
    public static final int LENGTH = 6;
    /** ff:ff:ff:ff:ff:ff. */
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);
    /** 00:00:00:00:00:00. */
    public static final MacAddress ZERO = new MacAddress(0);

    /** @throws IllegalArgumentException if {@code value} has bits above the low 48 */
    public MacAddress {
        if ((value & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("not a 48-bit address: " + Long.toHexString(value));
        }
    }

    /** Reads six octets at {@code offset} as a raw value (no allocation). */
    public static long read(byte[] b, int offset) {
        return ((long) Bytes.u16(b, offset) << 32) | Bytes.u32(b, offset + 2);
    }

    /** Writes the low 48 bits of {@code value} as six octets at {@code offset}. */
    public static void write(byte[] b, int offset, long value) {
        Bytes.put16(b, offset, (int) (value >>> 32));
        Bytes.put32(b, offset + 2, (int) value);
    }

    /** The address in six octets at {@code offset}. */
    public static MacAddress of(byte[] b, int offset) {
        return new MacAddress(read(b, offset));
    }

    /**
     * Parses six groups of one or two hexadecimal digits separated by {@code :} or by {@code -} (the same
     * separator throughout): {@code 02:00:5e:10:00:01}, {@code 02-00-5E-10-00-01}.
     *
     * @throws IllegalArgumentException if {@code text} is not such an address
     */
    public static MacAddress parse(String text) {
        int n = text.length();
        char separator = n > 2 ? (text.charAt(1) == ':' || text.charAt(1) == '-' ? text.charAt(1) : text.charAt(2)) : 0;
        if (separator != ':' && separator != '-') {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long v = 0;
        int i = 0;
        for (int group = 0; group < LENGTH; group++) {
            int start = i;
            int octet = 0;
            while (i < n && i - start < 3) {
                int d = Hex.digit(text.charAt(i));
                if (d < 0) {
                    break;
                }
                octet = octet << 4 | d;
                i++;
            }
            int digits = i - start;
            boolean last = group == LENGTH - 1;
            if (digits == 0 || digits > 2 || (last ? i != n : i >= n || text.charAt(i) != separator)) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            v = v << 8 | octet;
            i++;
        }
        return new MacAddress(v);
    }

    /** True for group (multicast and broadcast) addresses: the I/G bit of the first octet. */
    public boolean isMulticast() {
        return (value & 0x0100_0000_0000L) != 0;
    }

    /** True for ff:ff:ff:ff:ff:ff. */
    public boolean isBroadcast() {
        return value == BROADCAST.value;
    }

    /** Writes this address at {@code offset}. */
    public void writeTo(byte[] b, int offset) {
        write(b, offset, value);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (value >>> shift) & 0xff;
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
            if (shift > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
