package org.netstack4j.tun.macos;

/**
 * The utun packet framing: every packet on a utun control socket is preceded by a 4-byte protocol
 * family in network byte order, {@code AF_INET} (2) or {@code AF_INET6} (30, Darwin's value).
 */
final class UtunFraming {
    /** Bytes of the family header. */
    static final int HEADER_LENGTH = 4;
    /** Darwin's {@code AF_INET}. */
    static final int AF_INET = 2;
    /** Darwin's {@code AF_INET6}. */
    static final int AF_INET6 = 30;

    private UtunFraming() {}

    /** The family to write in front of a packet whose first byte is {@code firstByte}, or -1 if it is not IP. */
    static int familyFor(int firstByte) {
        return switch ((firstByte & 0xF0) >>> 4) {
            case 4 -> AF_INET;
            case 6 -> AF_INET6;
            default -> -1;
        };
    }

    /** True when the family header and the packet's version nibble agree on IPv4 or IPv6. */
    static boolean matches(int family, int firstByte) {
        return family == familyFor(firstByte) && family != -1;
    }
}
