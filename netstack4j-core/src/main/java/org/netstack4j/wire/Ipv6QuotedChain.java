package org.netstack4j.wire;

/**
 * Finds the upper-layer header of the IPv6 packet quoted in an ICMPv6 error. Unlike
 * {@link Ipv6ExtensionChain} it does not need the whole packet: a quote is usually cut short (RFC 4443
 * keeps as much as fits in the minimum MTU), so its payload length cannot be checked, and only the headers
 * that are there are walked: hop-by-hop, routing, destination options, fragment and authentication.
 * Allocation-free and stateless.
 */
public final class Ipv6QuotedChain {
    /** Most extension headers walked before giving up. */
    public static final int MAX_EXTENSIONS = Ipv6ExtensionChain.DEFAULT_MAX_EXTENSIONS;

    private Ipv6QuotedChain() {
    }

    /**
     * Walks the quoted packet whose fixed header starts at {@code offset}, with bytes up to {@code end}.
     *
     * @return {@code protocol << 32 | headerOffset} of the upper-layer header, or -1 when the quote is too
     *     short to reach it, a header is malformed, the chain is too long, or the quote is a fragment other
     *     than the first (whose data holds no transport header)
     */
    public static long upperLayer(byte[] b, int offset, int end) {
        if (offset < 0 || end > b.length || end - offset < Ipv6Header.LENGTH) {
            return -1;
        }
        int next = b[offset + 6] & 0xff;
        int at = offset + Ipv6Header.LENGTH;
        for (int n = 0; n <= MAX_EXTENSIONS; n++) {
            int length;
            switch (next) {
                case Ipv6Header.NEXT_HEADER_HOP_BY_HOP, Ipv6Header.NEXT_HEADER_ROUTING,
                     Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS -> {
                    if (end - at < 2) {
                        return -1;
                    }
                    length = ((b[at + 1] & 0xff) + 1) * 8;
                }
                case Ipv6Header.NEXT_HEADER_FRAGMENT -> {
                    if (end - at < Ipv6FragmentHeader.LENGTH) {
                        return -1;
                    }
                    if ((Bytes.u16(b, at + 2) & 0xfff8) != 0) {
                        return -1; // a later fragment: no transport header in it
                    }
                    length = Ipv6FragmentHeader.LENGTH;
                }
                case Ipv6Header.NEXT_HEADER_AUTHENTICATION -> {
                    if (end - at < 2) {
                        return -1;
                    }
                    length = ((b[at + 1] & 0xff) + 2) * 4;
                }
                default -> {
                    return (long) next << 32 | at;
                }
            }
            next = b[at] & 0xff;
            at += length;
            if (at > end) {
                return -1;
            }
        }
        return -1;
    }
}
