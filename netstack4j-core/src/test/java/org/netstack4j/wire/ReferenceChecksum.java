package org.netstack4j.wire;

import java.util.HexFormat;

/**
 * A deliberately naive RFC 1071 checksum, byte by byte over explicitly assembled bytes, used as an
 * independent oracle for the views' checksum code (which goes through {@link Checksum}).
 */
final class ReferenceChecksum {
    private ReferenceChecksum() {
    }

    /** The checksum field value for {@code data} (whose own checksum field the caller has zeroed). */
    static int of(byte[] data) {
        long sum = 0;
        for (int i = 0; i < data.length; i += 2) {
            int high = data[i] & 0xff;
            int low = i + 1 < data.length ? data[i + 1] & 0xff : 0;
            sum += high * 256 + low;
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /**
     * The ICMPv6 checksum of {@code message} (checksum field at octets 2-3 taken as zero) with the
     * RFC 8200 section 8.1 pseudo-header spelled out octet by octet.
     */
    static int icmpv6(byte[] source, byte[] destination, byte[] message) {
        byte[] all = new byte[40 + message.length];
        System.arraycopy(source, 0, all, 0, 16);
        System.arraycopy(destination, 0, all, 16, 16);
        all[32] = (byte) (message.length >>> 24);
        all[33] = (byte) (message.length >>> 16);
        all[34] = (byte) (message.length >>> 8);
        all[35] = (byte) message.length;
        all[39] = 58;
        System.arraycopy(message, 0, all, 40, message.length);
        all[40 + 2] = 0;
        all[40 + 3] = 0;
        return of(all);
    }

    /** The ICMPv4 checksum of {@code message} (checksum field taken as zero). */
    static int icmpv4(byte[] message) {
        byte[] copy = message.clone();
        copy[2] = 0;
        copy[3] = 0;
        return of(copy);
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }
}
