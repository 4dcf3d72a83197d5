package org.netstack4j.wire;

import java.util.Arrays;

/**
 * What the ICMPv4 and ICMPv6 fuzz targets share: their input layout (octet 0, low four bits: octets
 * after the two control octets that precede the message; octet 1, low four bits: octets at the end that
 * follow it), the finding check, and the two properties both message kinds must hold.
 */
final class IcmpFuzz {
    private IcmpFuzz() {
    }

    /** Where the message lies in a fuzz input. */
    record Range(int offset, int length) {
        /** The range an input designates, or null when it is too short to hold the two control octets. */
        static Range of(byte[] input) {
            if (input.length < 2) {
                return null;
            }
            int offset = Math.min(input.length, 2 + (input[0] & 0x0f));
            return new Range(offset, Math.max(0, input.length - offset - (input[1] & 0x0f)));
        }
    }

    /** A finding unless {@code condition} holds. */
    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    /** The stored checksum verifies exactly when it is the computed one (or the other zero). */
    static void checkChecksumVerdict(boolean valid, int stored, int computed) {
        check(valid == (stored == computed || (computed == 0 && stored == 0xffff)), "checksum verdicts disagree");
    }

    /**
     * Writers are the inverse of the reader: {@code rebuilt}, written from the fields read out of the message
     * at {@code offset}, equals it once the original checksum field is put back.
     */
    static void checkRebuiltEqualsInput(byte[] rebuilt, byte[] input, int offset, int length) {
        rebuilt[2] = input[offset + 2];
        rebuilt[3] = input[offset + 3];
        check(Arrays.equals(rebuilt, 0, length, input, offset, offset + length), "writer disagrees with reader");
    }
}
