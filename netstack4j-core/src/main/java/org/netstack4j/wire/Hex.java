package org.netstack4j.wire;

/** ASCII hexadecimal digits for the address parsers (which must not accept non-ASCII digits). */
final class Hex {
    private Hex() {
    }

    /** Value of an ASCII hexadecimal digit of either case, or -1. */
    static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
