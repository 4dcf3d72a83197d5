package org.netstack4j.wire;

import java.util.Objects;

/**
 * Reusable view of an ARP message (RFC 826) for Ethernet hardware addresses and IPv4 protocol addresses,
 * the only combination the stack resolves.
 *
 * <pre>
 *  0        2        4    5    6        8                 14       18                24       28
 * +--------+--------+----+----+--------+-----------------+--------+-----------------+--------+
 * | htype  | ptype  |hlen|plen| opcode | sender hw (SHA) | SPA    | target hw (THA) | TPA    |
 * +--------+--------+----+----+--------+-----------------+--------+-----------------+--------+
 * </pre>
 *
 * <p>Bytes after the 28 octets (Ethernet padding) are ignored.
 */
public final class ArpMessage extends WireView {
    /** Bytes in an Ethernet/IPv4 ARP message. */
    public static final int LENGTH = 28;
    /** Bytes needed to read the format fields (hardware/protocol type and length). */
    public static final int FORMAT_LENGTH = 6;

    /** Hardware type of Ethernet. */
    public static final int HARDWARE_TYPE_ETHERNET = 1;
    /** Protocol type of IPv4 (its EtherType). */
    public static final int PROTOCOL_TYPE_IPV4 = EthernetHeader.ETHERTYPE_IPV4;
    /** Opcode of a request. */
    public static final int OPCODE_REQUEST = 1;
    /** Opcode of a reply. */
    public static final int OPCODE_REPLY = 2;

    /** Creates an unwrapped view; call {@link #wrap} before any accessor. */
    public ArpMessage() {
    }

    /**
     * Points this view at the message of {@code length} bytes at {@code offset} and checks it.
     *
     * @return {@link ParseResult#OK}; {@link ParseResult#TRUNCATED} when fewer bytes than the format fields or,
     *         for the Ethernet/IPv4 format, than 28; {@link ParseResult#ARP_UNSUPPORTED_FORMAT} when the hardware
     *         or protocol type or length is not Ethernet (1, 6) / IPv4 (0x0800, 4)
     * @throws IndexOutOfBoundsException if the range is not inside {@code buffer} (a caller bug, not bad input)
     */
    @Override
    public ParseResult wrap(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        this.buffer = null;
        if (length < FORMAT_LENGTH) {
            return ParseResult.TRUNCATED;
        }
        if (Bytes.u16(buffer, offset) != HARDWARE_TYPE_ETHERNET
                || Bytes.u16(buffer, offset + 2) != PROTOCOL_TYPE_IPV4
                || Bytes.u8(buffer, offset + 4) != MacAddress.LENGTH
                || Bytes.u8(buffer, offset + 5) != Ipv4Address.LENGTH) {
            return ParseResult.ARP_UNSUPPORTED_FORMAT;
        }
        if (length < LENGTH) {
            return ParseResult.TRUNCATED;
        }
        accept(buffer, offset, length);
        return ParseResult.OK;
    }

    /**
     * A new view of the whole array, or an exception; a convenience for tests and tools, not for the packet
     * path.
     *
     * @throws MalformedPacketException if the message is malformed or not Ethernet/IPv4
     */
    public static ArpMessage parse(byte[] message) {
        return parseWhole(new ArpMessage(), message, "ARP message");
    }

    /** Always {@link #HARDWARE_TYPE_ETHERNET} after a successful wrap. */
    public int hardwareType() {
        return Bytes.u16(bytes(), offset);
    }

    /** Always {@link #PROTOCOL_TYPE_IPV4} after a successful wrap. */
    public int protocolType() {
        return Bytes.u16(bytes(), offset + 2);
    }

    /** Always 6 after a successful wrap. */
    public int hardwareLength() {
        return Bytes.u8(bytes(), offset + 4);
    }

    /** Always 4 after a successful wrap. */
    public int protocolLength() {
        return Bytes.u8(bytes(), offset + 5);
    }

    /** The operation; {@link #OPCODE_REQUEST}, {@link #OPCODE_REPLY} or another value (not rejected here). */
    public int opcode() {
        return Bytes.u16(bytes(), offset + 6);
    }

    /** True for {@link #OPCODE_REQUEST}. */
    public boolean isRequest() {
        return opcode() == OPCODE_REQUEST;
    }

    /** True for {@link #OPCODE_REPLY}. */
    public boolean isReply() {
        return opcode() == OPCODE_REPLY;
    }

    /** Sender hardware address (SHA) as a raw 48-bit value. */
    public long senderHardwareAddress() {
        return MacAddress.read(bytes(), offset + 8);
    }

    /** Sender protocol address (SPA) as a raw IPv4 address. */
    public int senderProtocolAddress() {
        return Bytes.i32(bytes(), offset + 14);
    }

    /** Target hardware address (THA) as a raw 48-bit value. */
    public long targetHardwareAddress() {
        return MacAddress.read(bytes(), offset + 18);
    }

    /** Target protocol address (TPA) as a raw IPv4 address. */
    public int targetProtocolAddress() {
        return Bytes.i32(bytes(), offset + 24);
    }

    /** Sender hardware address (allocates). */
    public MacAddress senderHardware() {
        return new MacAddress(senderHardwareAddress());
    }

    /** Sender protocol address (allocates). */
    public Ipv4Address senderProtocol() {
        return new Ipv4Address(senderProtocolAddress());
    }

    /** Target hardware address (allocates). */
    public MacAddress targetHardware() {
        return new MacAddress(targetHardwareAddress());
    }

    /** Target protocol address (allocates). */
    public Ipv4Address targetProtocol() {
        return new Ipv4Address(targetProtocolAddress());
    }

    /**
     * True for a gratuitous ARP: a request or reply whose sender announces its own binding, sender and target
     * protocol address being the same non-zero address (RFC 5227 section 3 "ARP announcement", RFC 5944
     * section 4.6). Receivers update an existing cache entry for the sender from it.
     */
    public boolean isGratuitous() {
        int spa = senderProtocolAddress();
        int op = opcode();
        return spa != 0 && spa == targetProtocolAddress() && (op == OPCODE_REQUEST || op == OPCODE_REPLY);
    }

    /**
     * True for an ARP probe (RFC 5227 section 2.1.1): a request with an all-zero sender protocol address, sent
     * by a host checking whether the target address is in use. Receivers must not cache its sender.
     */
    public boolean isProbe() {
        return opcode() == OPCODE_REQUEST && senderProtocolAddress() == 0;
    }

    /** Writes a 28-byte Ethernet/IPv4 ARP message at {@code offset}. */
    public static void write(byte[] b, int offset, int opcode, long senderHardwareAddress, int senderProtocolAddress,
                             long targetHardwareAddress, int targetProtocolAddress) {
        Bytes.put16(b, offset, HARDWARE_TYPE_ETHERNET);
        Bytes.put16(b, offset + 2, PROTOCOL_TYPE_IPV4);
        Bytes.put8(b, offset + 4, MacAddress.LENGTH);
        Bytes.put8(b, offset + 5, Ipv4Address.LENGTH);
        Bytes.put16(b, offset + 6, opcode);
        MacAddress.write(b, offset + 8, senderHardwareAddress);
        Bytes.put32(b, offset + 14, senderProtocolAddress);
        MacAddress.write(b, offset + 18, targetHardwareAddress);
        Bytes.put32(b, offset + 24, targetProtocolAddress);
    }

    @Override
    public String toString() {
        if (!isWrapped()) {
            return "ArpMessage[unwrapped]";
        }
        String op = isRequest() ? "request" : isReply() ? "reply" : "opcode " + opcode();
        return "ArpMessage[" + op + " " + senderProtocol() + " (" + senderHardware() + ") -> " + targetProtocol()
                + " (" + targetHardware() + ")]";
    }
}
