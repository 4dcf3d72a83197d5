package org.netstack4j.network.fragment;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6FragmentHeader;
import org.netstack4j.wire.Ipv6Header;

/** Builds datagrams and hand-cut fragments for the reassembly and fragmentation tests. */
final class TestPackets {
    static final int HEADROOM = 32;
    static final int SRC = 0xc000_0201;
    static final int DST = 0xc633_6407;
    static final long SRC6_HI = 0x2001_0db8_0000_0001L;
    static final long SRC6_LO = 0x0000_0000_0000_0007L;
    static final long DST6_HI = 0x2001_0db8_0000_0002L;
    static final long DST6_LO = 0x0000_0000_0000_0001L;

    private TestPackets() {
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** An IPv4 datagram: a header with {@code options} (a multiple of 4 bytes) and {@code payload}. */
    static byte[] ipv4(int source, int identification, int protocol, byte[] options, byte[] payload) {
        int headerLength = Ipv4Header.MIN_LENGTH + options.length;
        byte[] d = new byte[headerLength + payload.length];
        Ipv4Header.write(d, 0, 0, Math.min(0xffff, d.length), identification, 0, 0, 64, protocol, source, DST);
        System.arraycopy(options, 0, d, Ipv4Header.MIN_LENGTH, options.length);
        Bytes.put8(d, 0, 0x40 | headerLength / 4);
        Bytes.put16(d, 2, d.length);
        System.arraycopy(payload, 0, d, headerLength, payload.length);
        Bytes.put16(d, 10, Ipv4Header.checksum(d, 0, headerLength));
        return d;
    }

    static byte[] ipv4(int identification, byte[] payload) {
        return ipv4(SRC, identification, Ipv4Header.PROTOCOL_UDP, new byte[0], payload);
    }

    /**
     * A fragment of an IPv4 datagram carrying {@code length} payload bytes from {@code offset}, with the
     * datagram's header (or {@code header} if given: a later fragment's header without uncopied options).
     * Total length is not checked against 65535, so oversized fragments can be built.
     */
    static PacketBuffer ipv4Fragment(byte[] datagram, byte[] header, int offset, int length, boolean more) {
        int originalHeader = (datagram[0] & 0xf) * 4;
        byte[] h = header != null ? header : Arrays.copyOf(datagram, originalHeader);
        byte[] f = new byte[h.length + length];
        System.arraycopy(h, 0, f, 0, h.length);
        System.arraycopy(datagram, originalHeader + offset, f, h.length, length);
        Bytes.put8(f, 0, 0x40 | h.length / 4);
        Bytes.put16(f, 2, f.length & 0xffff);
        int flags = Bytes.u16(datagram, 6) & Ipv4Header.FLAG_DONT_FRAGMENT;
        Bytes.put16(f, 6, flags | (more ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0) | offset >>> 3);
        Bytes.put16(f, 10, Ipv4Header.checksum(f, 0, h.length));
        return PacketBuffer.copyOf(f, HEADROOM);
    }

    static PacketBuffer ipv4Fragment(byte[] datagram, int offset, int length, boolean more) {
        return ipv4Fragment(datagram, null, offset, length, more);
    }

    /** A fragment with arbitrary payload bytes and a chosen total length field (for oversize tests). */
    static PacketBuffer ipv4RawFragment(int identification, int offset, int length, boolean more) {
        byte[] f = new byte[Ipv4Header.MIN_LENGTH + length];
        Ipv4Header.write(f, 0, 0, Ipv4Header.MIN_LENGTH, identification,
                more ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0, offset, 64, Ipv4Header.PROTOCOL_UDP, SRC, DST);
        Bytes.put16(f, 2, f.length);
        Bytes.put16(f, 10, Ipv4Header.checksum(f, 0, Ipv4Header.MIN_LENGTH));
        for (int i = Ipv4Header.MIN_LENGTH; i < f.length; i++) {
            f[i] = (byte) (offset + i);
        }
        return PacketBuffer.copyOf(f, HEADROOM);
    }

    /**
     * An IPv6 packet: the fixed header, then {@code extensions} (complete extension headers whose first
     * octets are patched into a chain ending in {@code upperLayer}), then {@code payload}.
     */
    static byte[] ipv6(int[] extensionTypes, int[] extensionLengths, int upperLayer, byte[] payload) {
        int extensionBytes = Arrays.stream(extensionLengths).sum();
        byte[] p = new byte[Ipv6Header.LENGTH + extensionBytes + payload.length];
        int first = extensionTypes.length == 0 ? upperLayer : extensionTypes[0];
        Ipv6Header.write(p, 0, 0, 0x12345, Math.min(0xffff, p.length - Ipv6Header.LENGTH), first, 64, SRC6_HI, SRC6_LO, DST6_HI, DST6_LO);
        int at = Ipv6Header.LENGTH;
        for (int i = 0; i < extensionTypes.length; i++) {
            int next = i + 1 < extensionTypes.length ? extensionTypes[i + 1] : upperLayer;
            p[at] = (byte) next;
            p[at + 1] = (byte) (extensionLengths[i] / 8 - 1);
            // The rest stays zero: Pad1 options, valid at any length.
            at += extensionLengths[i];
        }
        System.arraycopy(payload, 0, p, at, payload.length);
        return p;
    }

    /**
     * A fragment of an IPv6 packet whose first {@code unfragmentable} bytes are the per-fragment headers:
     * those headers (the last next-header field pointing at a new fragment header), the fragment header,
     * and {@code length} bytes of the fragmentable part from {@code offset}.
     */
    static PacketBuffer ipv6Fragment(byte[] packet, int unfragmentable, int namingField, int offset, int length,
                                     boolean more, int identification) {
        byte[] f = new byte[unfragmentable + Ipv6FragmentHeader.LENGTH + length];
        System.arraycopy(packet, 0, f, 0, unfragmentable);
        int nextHeader = packet[namingField] & 0xff;
        f[namingField] = (byte) Ipv6Header.NEXT_HEADER_FRAGMENT;
        Ipv6FragmentHeader.write(f, unfragmentable, nextHeader, offset, more, identification);
        System.arraycopy(packet, unfragmentable + offset, f, unfragmentable + Ipv6FragmentHeader.LENGTH, length);
        Bytes.put16(f, 4, f.length - Ipv6Header.LENGTH);
        return PacketBuffer.copyOf(f, HEADROOM);
    }
}
