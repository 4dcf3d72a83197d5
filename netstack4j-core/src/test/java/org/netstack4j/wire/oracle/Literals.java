package org.netstack4j.wire.oracle;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * tshark's address text turned into numbers by code that is not ours (the JDK's literal parser), so a
 * comparison does not go through our own formatting alone.
 */
final class Literals {
    private Literals() {
    }

    /** "02:4e:53:34:4a:0a" as a 48-bit value. */
    static long mac(String text) {
        String hex = text.replace(":", "");
        if (hex.length() != 12) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        return Long.parseLong(hex, 16);
    }

    /** A dotted-quad IPv4 literal as a 32-bit value. */
    static int ipv4(String text) {
        byte[] b = literal(text);
        if (b.length != 4) {
            throw new IllegalArgumentException("not an IPv4 literal: " + text);
        }
        return ByteBuffer.wrap(b).getInt();
    }

    /** An IPv6 literal as {high, low}. */
    static long[] ipv6(String text) {
        byte[] b = literal(text);
        if (b.length != 16) {
            throw new IllegalArgumentException("not an IPv6 literal: " + text);
        }
        ByteBuffer buffer = ByteBuffer.wrap(b);
        return new long[] {buffer.getLong(), buffer.getLong()};
    }

    private static byte[] literal(String text) {
        if (text.isEmpty() || !(text.indexOf(':') >= 0 || Character.isDigit(text.charAt(0)))) {
            throw new IllegalArgumentException("not an address literal: " + text);
        }
        try {
            // A literal is parsed, never looked up.
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + text, e);
        }
    }
}
