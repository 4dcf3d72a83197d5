package org.netstack4j.wire;

/**
 * The option framing IPv4 (RFC 791 section 3.1) and TCP (RFC 9293 section 3.1) share: kind 0 ends the list,
 * kind 1 is a one-octet no-operation, every other kind is followed by a length octet that counts the whole
 * option (kind and length octets included, so at least 2). Both cursors and both header validations walk
 * options with these two functions, so the framing rules live in one place.
 *
 * <p>IPv6 options (RFC 8200 section 4.2) only look alike: Pad1 is the lone one-octet option, there is no end
 * marker and the length counts the data alone, so {@link Ipv6OptionCursor} keeps its own step.
 */
final class KindLengthOptions {
    /** Kind of End of Option List (IPv4 and TCP alike). */
    static final int KIND_END_OF_LIST = 0;
    /** Kind of No Operation (IPv4 and TCP alike). */
    static final int KIND_NO_OPERATION = 1;

    private KindLengthOptions() {
    }

    /**
     * Size of the option at {@code at} (with {@code at < end}): 0 for End of Option List, 1 for No Operation,
     * the length octet for any other well-formed option, -1 when the length octet is missing, below 2 or runs
     * past {@code end}, or (with {@code tcpKindLengths}) is not the length RFC 9293 and RFC 7323/2018 fix for a
     * known TCP kind.
     */
    static int size(byte[] b, int at, int end, boolean tcpKindLengths) {
        int kind = b[at] & 0xff;
        if (kind == KIND_END_OF_LIST) {
            return 0;
        }
        if (kind == KIND_NO_OPERATION) {
            return 1;
        }
        int len = at + 1 < end ? b[at + 1] & 0xff : 0;
        if (len < 2 || len > end - at || tcpKindLengths && !TcpOptionCursor.lengthFitsKind(kind, len)) {
            return -1;
        }
        return len;
    }

    /**
     * True when every option in {@code [offset, offset + length)} up to End of Option List (or the end) is
     * well-formed by {@link #size}; what follows End of Option List is padding and is not looked at.
     */
    static boolean isWellFormed(byte[] b, int offset, int length, boolean tcpKindLengths) {
        int end = offset + length;
        int at = offset;
        while (at < end) {
            int size = size(b, at, end, tcpKindLengths);
            if (size <= 0) {
                return size == 0;
            }
            at += size;
        }
        return true;
    }
}
