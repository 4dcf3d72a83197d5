package org.netstack4j.wire;

import java.util.HexFormat;

/** Byte-vector helpers for the wire tests. */
final class TestBytes {
    private TestBytes() {
    }

    /** Bytes from hex text; spaces and line breaks are ignored. */
    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    /** A copy of {@code data} placed at {@code offset} in a larger array filled with {@code fill}. */
    static byte[] at(int offset, byte[] data, int trailing, int fill) {
        byte[] b = new byte[offset + data.length + trailing];
        java.util.Arrays.fill(b, (byte) fill);
        System.arraycopy(data, 0, b, offset, data.length);
        return b;
    }
}
