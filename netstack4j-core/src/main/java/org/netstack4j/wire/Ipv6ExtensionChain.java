package org.netstack4j.wire;

import java.util.Objects;

/**
 * Reusable, allocation-free walker over the extension headers of an IPv6 packet (RFC 8200 section 4),
 * from the fixed header to the upper-layer header.
 *
 * <p>{@link #walk} follows the next-header chain through hop-by-hop options (0, only directly after the
 * fixed header), routing (43), fragment (44), destination options (60) and authentication (51) headers,
 * and stops at anything else: an upper-layer protocol, ESP (50, opaque), no next header (59), or a type it
 * does not know (the caller answers an unrecognised one with an ICMPv6 parameter problem pointing at
 * {@link #lastNextHeaderOffset()}). It also stops right after a fragment header of a real fragment: what
 * follows is fragment data, to be walked again after reassembly.
 *
 * <p>Every header must fit in the packet's payload, options inside hop-by-hop and destination options
 * headers must fit their header, and at most {@link #maxExtensions()} headers are accepted. After
 * {@link ParseResult#OK} every accessor is safe; after a rejection only {@link #errorOffset()} is.
 */
public final class Ipv6ExtensionChain {
    /** Extension headers accepted by the no-argument constructor. */
    public static final int DEFAULT_MAX_EXTENSIONS = 16;

    private final int[] types;
    private final int[] offsets;
    private final int[] lengths;
    private byte[] buffer;
    private boolean valid;
    private int count;
    private int upperLayerProtocol;
    private int upperLayerOffset;
    private int end;
    private int lastNextHeaderOffset;
    private int hopByHopHeader;
    private int routingHeader;
    private int fragmentHeader;
    private int errorOffset;

    /** A walker that accepts up to {@link #DEFAULT_MAX_EXTENSIONS} extension headers. */
    public Ipv6ExtensionChain() {
        this(DEFAULT_MAX_EXTENSIONS);
    }

    /**
     * A walker that accepts up to {@code maxExtensions} extension headers.
     *
     * @throws IllegalArgumentException if {@code maxExtensions} is negative
     */
    public Ipv6ExtensionChain(int maxExtensions) {
        if (maxExtensions < 0) {
            throw new IllegalArgumentException("maxExtensions " + maxExtensions);
        }
        types = new int[maxExtensions];
        offsets = new int[maxExtensions];
        lengths = new int[maxExtensions];
    }

    /** Most extension headers {@link #walk} accepts. */
    public int maxExtensions() {
        return types.length;
    }

    /**
     * Walks the extension headers of the packet {@code header} is wrapped around.
     *
     * @return {@link ParseResult#OK}; {@link ParseResult#IPV6_BAD_EXTENSION_LENGTH} when a header runs past the
     *         payload; {@link ParseResult#IPV6_BAD_OPTION_LENGTH} when an option runs past its header;
     *         {@link ParseResult#IPV6_MISPLACED_HOP_BY_HOP} when a hop-by-hop header is not the first;
     *         {@link ParseResult#IPV6_TOO_MANY_EXTENSIONS} beyond {@link #maxExtensions()} headers
     * @throws IllegalStateException if {@code header} is not wrapped
     */
    public ParseResult walk(Ipv6Header header) {
        byte[] b = header.buffer();
        valid = false;
        buffer = b;
        count = 0;
        hopByHopHeader = -1;
        routingHeader = -1;
        fragmentHeader = -1;
        errorOffset = -1;
        int nextHeaderField = header.offset() + 6;
        int nextHeader = b[nextHeaderField] & 0xff;
        int at = header.payloadOffset();
        int packetEnd = header.end();
        while (true) {
            int length;
            switch (nextHeader) {
                case Ipv6Header.NEXT_HEADER_HOP_BY_HOP, Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS,
                     Ipv6Header.NEXT_HEADER_ROUTING -> {
                    if (nextHeader == Ipv6Header.NEXT_HEADER_HOP_BY_HOP && count != 0) {
                        return reject(ParseResult.IPV6_MISPLACED_HOP_BY_HOP, nextHeaderField);
                    }
                    if (packetEnd - at < 2) {
                        return reject(ParseResult.IPV6_BAD_EXTENSION_LENGTH, nextHeaderField);
                    }
                    length = ((b[at + 1] & 0xff) + 1) * 8;
                    if (length > packetEnd - at) {
                        return reject(ParseResult.IPV6_BAD_EXTENSION_LENGTH, at + 1);
                    }
                    if (nextHeader != Ipv6Header.NEXT_HEADER_ROUTING) {
                        int bad = Ipv6OptionCursor.findMalformed(b, at + 2, length - 2);
                        if (bad >= 0) {
                            return reject(ParseResult.IPV6_BAD_OPTION_LENGTH, bad);
                        }
                    }
                }
                case Ipv6Header.NEXT_HEADER_FRAGMENT -> {
                    length = Ipv6FragmentHeader.LENGTH;
                    if (length > packetEnd - at) {
                        return reject(ParseResult.IPV6_BAD_EXTENSION_LENGTH, nextHeaderField);
                    }
                }
                case Ipv6Header.NEXT_HEADER_AUTHENTICATION -> {
                    if (packetEnd - at < 2) {
                        return reject(ParseResult.IPV6_BAD_EXTENSION_LENGTH, nextHeaderField);
                    }
                    // RFC 4302: the length field counts 4-octet words minus 2; 12 octets of fixed fields.
                    length = ((b[at + 1] & 0xff) + 2) * 4;
                    if (length < 12 || length > packetEnd - at) {
                        return reject(ParseResult.IPV6_BAD_EXTENSION_LENGTH, at + 1);
                    }
                }
                default -> {
                    return accept(nextHeader, at, packetEnd, nextHeaderField);
                }
            }
            if (count == types.length) {
                return reject(ParseResult.IPV6_TOO_MANY_EXTENSIONS, nextHeaderField);
            }
            types[count] = nextHeader;
            offsets[count] = at;
            lengths[count] = length;
            count++;
            switch (nextHeader) {
                case Ipv6Header.NEXT_HEADER_HOP_BY_HOP -> hopByHopHeader = at;
                case Ipv6Header.NEXT_HEADER_ROUTING -> routingHeader = at;
                case Ipv6Header.NEXT_HEADER_FRAGMENT -> fragmentHeader = at;
                default -> {
                }
            }
            boolean fragmentData = nextHeader == Ipv6Header.NEXT_HEADER_FRAGMENT && isFragmentAt(b, at);
            nextHeaderField = at;
            nextHeader = b[at] & 0xff;
            at += length;
            if (fragmentData) {
                return accept(nextHeader, at, packetEnd, nextHeaderField);
            }
        }
    }

    private ParseResult accept(int protocol, int offset, int packetEnd, int nextHeaderField) {
        upperLayerProtocol = protocol;
        upperLayerOffset = offset;
        end = packetEnd;
        lastNextHeaderOffset = nextHeaderField;
        valid = true;
        return ParseResult.OK;
    }

    private ParseResult reject(ParseResult reason, int offset) {
        errorOffset = offset;
        return reason;
    }

    private static boolean isFragmentAt(byte[] b, int fragmentHeader) {
        return (Bytes.u16(b, fragmentHeader + 2) & 0xfff9) != 0;
    }

    private void checkValid() {
        if (!valid) {
            throw new IllegalStateException("Ipv6ExtensionChain has no successfully walked packet");
        }
    }

    /** The array of the walked packet. */
    public byte[] buffer() {
        checkValid();
        return buffer;
    }

    /**
     * The protocol after the extension headers: an upper-layer protocol, {@link Ipv6Header#NEXT_HEADER_ESP},
     * {@link Ipv6Header#NEXT_HEADER_NONE}, an unknown value, or, when {@link #isFragment()}, the type of the
     * first header of the fragmentable part.
     */
    public int upperLayerProtocol() {
        checkValid();
        return upperLayerProtocol;
    }

    /** Index of the upper-layer header (or of the fragment data when {@link #isFragment()}). */
    public int upperLayerOffset() {
        checkValid();
        return upperLayerOffset;
    }

    /** Bytes from {@link #upperLayerOffset()} to the end of the packet (upper-layer length for checksums). */
    public int upperLayerLength() {
        checkValid();
        return end - upperLayerOffset;
    }

    /**
     * Index of the next-header field that holds {@link #upperLayerProtocol()}: in the fixed header or in the
     * last extension header. An ICMPv6 parameter problem for an unrecognised next header points here
     * (relative to the start of the IPv6 header).
     */
    public int lastNextHeaderOffset() {
        checkValid();
        return lastNextHeaderOffset;
    }

    /** Number of extension headers walked. */
    public int extensionCount() {
        checkValid();
        return count;
    }

    /**
     * Type (the next-header value naming it) of extension header {@code index}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < extensionCount()}
     */
    public int extensionType(int index) {
        return types[checkIndex(index)];
    }

    /** Index of the first byte of extension header {@code index}. */
    public int extensionOffset(int index) {
        return offsets[checkIndex(index)];
    }

    /** Length in bytes of extension header {@code index}. */
    public int extensionLength(int index) {
        return lengths[checkIndex(index)];
    }

    private int checkIndex(int index) {
        checkValid();
        return Objects.checkIndex(index, count);
    }

    /** Index of the hop-by-hop options header, or -1. */
    public int hopByHopOffset() {
        checkValid();
        return hopByHopHeader;
    }

    /** Index of the routing header (the last one, if several), or -1. */
    public int routingHeaderOffset() {
        checkValid();
        return routingHeader;
    }

    /** Routing type of the routing header, or -1 without one. */
    public int routingType() {
        checkValid();
        return routingHeader < 0 ? -1 : buffer[routingHeader + 2] & 0xff;
    }

    /** Segments left of the routing header, or -1 without one. */
    public int segmentsLeft() {
        checkValid();
        return routingHeader < 0 ? -1 : buffer[routingHeader + 3] & 0xff;
    }

    /** Index of the fragment header (the last one, if several), or -1. */
    public int fragmentHeaderOffset() {
        checkValid();
        return fragmentHeader;
    }

    /** True when the packet has a fragment header (a real or an atomic fragment). */
    public boolean hasFragmentHeader() {
        return fragmentHeaderOffset() >= 0;
    }

    /** True when the packet is a real fragment (offset or M flag set) and needs reassembly. */
    public boolean isFragment() {
        checkValid();
        return fragmentHeader >= 0 && isFragmentAt(buffer, fragmentHeader);
    }

    /** True for the fragment at offset 0 of a fragmented packet. */
    public boolean isFirstFragment() {
        return isFragment() && fragmentOffset() == 0;
    }

    /** Fragment offset in bytes, or 0 without a fragment header. */
    public int fragmentOffset() {
        checkValid();
        return fragmentHeader < 0 ? 0 : Bytes.u16(buffer, fragmentHeader + 2) & 0xfff8;
    }

    /** The M flag of the fragment header; false without one. */
    public boolean moreFragments() {
        checkValid();
        return fragmentHeader >= 0 && (buffer[fragmentHeader + 3] & 1) != 0;
    }

    /** Identification of the fragment header, or 0 without one. */
    public int fragmentIdentification() {
        checkValid();
        return fragmentHeader < 0 ? 0 : Bytes.i32(buffer, fragmentHeader + 4);
    }

    /**
     * After {@link #walk} rejected a packet: index of the byte at fault, always inside the packet, for the
     * pointer of an ICMPv6 parameter problem; -1 otherwise. It is the length field of a header that runs past
     * the payload, the type of an option that runs past its header, and the next-header field that names a
     * misplaced hop-by-hop header, the header beyond the cap, or a header whose fixed part is cut off by the
     * end of the payload.
     */
    public int errorOffset() {
        return errorOffset;
    }
}
