package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.wire.ReferenceChecksum.hex;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Icmpv6MessageTest {
    // IPv6 packets sent by the Linux kernel between two private network namespaces (2001:db8::a with
    // MAC 02:00:00:00:00:0a, 2001:db8::b with 02:00:00:00:00:0b): neighbor discovery, `ping -6 -s 8`,
    // and the port unreachable for a UDP datagram "hello" to port 9.
    static final byte[] KERNEL_ROUTER_SOLICITATION = hex("6000000000103aff"
            + "fe80000000000000000000fffe00000a" + "ff020000000000000000000000000002"
            + "85007b1a00000000010102000000000a");
    static final byte[] KERNEL_NEIGHBOR_SOLICITATION = hex("6000000000203aff"
            + "20010db800000000000000000000000a" + "ff0200000000000000000001ff00000b"
            + "87001c030000000020010db800000000000000000000000b010102000000000a");
    static final byte[] KERNEL_NEIGHBOR_ADVERTISEMENT = hex("6000000000203aff"
            + "20010db800000000000000000000000b" + "20010db800000000000000000000000a"
            + "88008a4d6000000020010db800000000000000000000000b020102000000000b");
    static final byte[] KERNEL_ECHO_REQUEST = hex("600660ca00103a40"
            + "20010db800000000000000000000000a" + "20010db800000000000000000000000b"
            + "8000f17926a300010001020304050607");
    static final byte[] KERNEL_ECHO_REPLY = hex("600827d900103a40"
            + "20010db800000000000000000000000b" + "20010db800000000000000000000000a"
            + "8100f07926a300010001020304050607");
    static final byte[] KERNEL_PORT_UNREACHABLE = hex("6002cf3d003d3a40"
            + "20010db800000000000000000000000b" + "20010db800000000000000000000000a"
            + "0104db9700000000"
            + "600ec49b000d1140" + "20010db800000000000000000000000a" + "20010db800000000000000000000000b"
            + "96590009000d5ba568656c6c6f");
    static final int IP = 40;
    static final int SOURCE = 8;
    static final int DESTINATION = 24;
    static final long MAC_A = 0x0200_0000_000aL;
    static final long MAC_B = 0x0200_0000_000bL;
    static final Ipv6Address A = Ipv6Address.parse("2001:db8::a");
    static final Ipv6Address B = Ipv6Address.parse("2001:db8::b");

    private final Icmpv6Message view = new Icmpv6Message();
    private final NdpOptionCursor options = new NdpOptionCursor();

    private ParseResult wrapIcmp(byte[] ipPacket) {
        return view.wrap(ipPacket, IP, ipPacket.length - IP);
    }

    private static byte[] icmpOf(byte[] ipPacket) {
        return Arrays.copyOfRange(ipPacket, IP, ipPacket.length);
    }

    private static Ipv6Address source(byte[] ipPacket) {
        return Ipv6Address.of(ipPacket, SOURCE);
    }

    private static Ipv6Address destination(byte[] ipPacket) {
        return Ipv6Address.of(ipPacket, DESTINATION);
    }

    @Test
    void kernelNeighborSolicitation() {
        byte[] p = KERNEL_NEIGHBOR_SOLICITATION;
        assertThat(wrapIcmp(p)).isEqualTo(ParseResult.OK);
        assertThat(view.type()).isEqualTo(Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION);
        assertThat(view.isNdp()).isTrue();
        assertThat(view.isError()).isFalse();
        assertThat(view.code()).isZero();
        assertThat(view.checksum()).isEqualTo(0x1c03);
        assertThat(view.target()).isEqualTo(B);
        assertThat(view.targetAddressOffset()).isEqualTo(IP + 8);
        assertThat(view.headerLength()).isEqualTo(24);
        assertThat(view.optionsOffset()).isEqualTo(IP + 24);
        assertThat(view.optionsLength()).isEqualTo(8);
        assertThat(view.checksumValid(p, SOURCE, DESTINATION)).isTrue();
        Ipv6Address s = source(p);
        Ipv6Address d = destination(p);
        assertThat(view.checksumValid(s.high(), s.low(), d.high(), d.low())).isTrue();
        assertThat(view.computeChecksum(s.high(), s.low(), d.high(), d.low())).isEqualTo(0x1c03);
        assertThat(view.computeChecksum(p, SOURCE, DESTINATION)).isEqualTo(0x1c03);
        // The same message from another source does not verify: the pseudo-header is covered.
        assertThat(view.checksumValid(B.high(), B.low(), d.high(), d.low())).isFalse();

        options.reset(view);
        assertThat(options.next()).isTrue();
        assertThat(options.type()).isEqualTo(NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS);
        assertThat(options.linkLayerAddress()).isEqualTo(MAC_A);
        assertThat(options.next()).isFalse();
        assertThat(options.result()).isEqualTo(ParseResult.OK);
    }

    @Test
    void kernelNeighborAdvertisement() {
        byte[] p = KERNEL_NEIGHBOR_ADVERTISEMENT;
        assertThat(wrapIcmp(p)).isEqualTo(ParseResult.OK);
        assertThat(view.type()).isEqualTo(Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT);
        assertThat(view.routerFlag()).isFalse();
        assertThat(view.solicitedFlag()).isTrue();
        assertThat(view.overrideFlag()).isTrue();
        assertThat(view.neighborAdvertisementFlags()).isEqualTo(0x60);
        assertThat(view.targetAddressHigh()).isEqualTo(B.high());
        assertThat(view.targetAddressLow()).isEqualTo(B.low());
        assertThat(view.checksumValid(p, SOURCE, DESTINATION)).isTrue();
        options.reset(view);
        assertThat(options.next()).isTrue();
        assertThat(options.type()).isEqualTo(NdpOptionCursor.TARGET_LINK_LAYER_ADDRESS);
        assertThat(options.linkLayerAddress()).isEqualTo(MAC_B);
        assertThat(options.next()).isFalse();
    }

    @Test
    void kernelRouterSolicitation() {
        byte[] p = KERNEL_ROUTER_SOLICITATION;
        assertThat(wrapIcmp(p)).isEqualTo(ParseResult.OK);
        assertThat(view.type()).isEqualTo(Icmpv6Message.TYPE_ROUTER_SOLICITATION);
        assertThat(view.headerLength()).isEqualTo(8);
        assertThat(view.optionsLength()).isEqualTo(8);
        assertThat(view.checksumValid(p, SOURCE, DESTINATION)).isTrue();
        assertThat(options.reset(view).next()).isTrue();
        assertThat(options.linkLayerAddress()).isEqualTo(MAC_A);
    }

    @Test
    void kernelEchoAndPortUnreachable() {
        assertThat(wrapIcmp(KERNEL_ECHO_REQUEST)).isEqualTo(ParseResult.OK);
        assertThat(view.type()).isEqualTo(Icmpv6Message.TYPE_ECHO_REQUEST);
        assertThat(view.identifier()).isEqualTo(0x26a3);
        assertThat(view.sequenceNumber()).isEqualTo(1);
        assertThat(view.payloadOffset()).isEqualTo(IP + 8);
        assertThat(view.payloadLength()).isEqualTo(8);
        assertThat(view.optionsLength()).isZero();
        assertThat(view.checksumValid(KERNEL_ECHO_REQUEST, SOURCE, DESTINATION)).isTrue();

        byte[] p = KERNEL_PORT_UNREACHABLE;
        assertThat(wrapIcmp(p)).isEqualTo(ParseResult.OK);
        assertThat(view.type()).isEqualTo(Icmpv6Message.TYPE_DESTINATION_UNREACHABLE);
        assertThat(view.code()).isEqualTo(Icmpv6Message.UNREACHABLE_PORT);
        assertThat(view.isError()).isTrue();
        assertThat(view.invokingPacketOffset()).isEqualTo(IP + 8);
        assertThat(view.invokingPacketLength()).isEqualTo(53);
        assertThat(Ipv6Address.of(p, view.invokingPacketOffset() + DESTINATION)).isEqualTo(B);
        assertThat(view.checksumValid(p, SOURCE, DESTINATION)).isTrue();
    }

    @Test
    void writersReproduceKernelBytes() {
        byte[] out = new byte[128];
        int n = Icmpv6Message.writeNeighborSolicitation(out, 0, B.high(), B.low(), MAC_A,
                A.high(), A.low(), destination(KERNEL_NEIGHBOR_SOLICITATION).high(),
                destination(KERNEL_NEIGHBOR_SOLICITATION).low());
        assertThat(Arrays.copyOf(out, n)).isEqualTo(icmpOf(KERNEL_NEIGHBOR_SOLICITATION));

        n = Icmpv6Message.writeNeighborAdvertisement(out, 0,
                Icmpv6Message.NA_FLAG_SOLICITED | Icmpv6Message.NA_FLAG_OVERRIDE, B.high(), B.low(), MAC_B,
                B.high(), B.low(), A.high(), A.low());
        assertThat(Arrays.copyOf(out, n)).isEqualTo(icmpOf(KERNEL_NEIGHBOR_ADVERTISEMENT));

        Ipv6Address linkLocal = source(KERNEL_ROUTER_SOLICITATION);
        n = Icmpv6Message.writeRouterSolicitation(out, 0, MAC_A, linkLocal.high(), linkLocal.low(),
                Ipv6Address.ALL_ROUTERS.high(), Ipv6Address.ALL_ROUTERS.low());
        assertThat(Arrays.copyOf(out, n)).isEqualTo(icmpOf(KERNEL_ROUTER_SOLICITATION));

        Arrays.fill(out, (byte) 0x77);
        System.arraycopy(KERNEL_ECHO_REQUEST, IP + 8, out, 8, 8);
        n = Icmpv6Message.writeEcho(out, 0, Icmpv6Message.TYPE_ECHO_REQUEST, 0x26a3, 1, 8,
                A.high(), A.low(), B.high(), B.low());
        assertThat(Arrays.copyOf(out, n)).isEqualTo(icmpOf(KERNEL_ECHO_REQUEST));

        byte[] unreachable = icmpOf(KERNEL_PORT_UNREACHABLE);
        n = Icmpv6Message.writeError(out, 0, Icmpv6Message.TYPE_DESTINATION_UNREACHABLE,
                Icmpv6Message.UNREACHABLE_PORT, 0, unreachable, 8, unreachable.length - 8,
                B.high(), B.low(), A.high(), A.low());
        assertThat(Arrays.copyOf(out, n)).isEqualTo(unreachable);
    }

    @Test
    void handBuiltNeighborSolicitationMatchesByteByByteReference() {
        Ipv6Address source = Ipv6Address.parse("fe80::1");
        Ipv6Address target = Ipv6Address.parse("fe80::1234:5678");
        Ipv6Address destination = target.solicitedNode();
        assertThat(destination).isEqualTo(Ipv6Address.parse("ff02::1:ff34:5678"));
        byte[] expected = hex("8700 0000 00000000"
                + "fe80 0000 0000 0000 0000 0000 1234 5678"
                + "01 01 5254 0012 3456");
        int reference = ReferenceChecksum.icmpv6(source.toBytes(), destination.toBytes(), expected);
        assertThat(reference).isEqualTo(0x3687); // cross-checked with a separate script outside Java
        Bytes.put16(expected, 2, reference);

        byte[] out = new byte[40];
        int n = Icmpv6Message.writeNeighborSolicitation(out, 4, target.high(), target.low(), 0x5254_0012_3456L,
                source.high(), source.low(), destination.high(), destination.low());
        assertThat(n).isEqualTo(32);
        assertThat(Arrays.copyOfRange(out, 4, 4 + n)).isEqualTo(expected);
        assertThat(view.wrap(out, 4, n)).isEqualTo(ParseResult.OK);
        assertThat(view.checksumValid(source.high(), source.low(), destination.high(), destination.low())).isTrue();
    }

    @Test
    void duplicateAddressDetectionSolicitationHasNoOption() {
        byte[] out = new byte[40];
        Ipv6Address target = Ipv6Address.parse("fe80::99");
        Ipv6Address dst = target.solicitedNode();
        int n = Icmpv6Message.writeNeighborSolicitation(out, 0, target.high(), target.low(),
                Icmpv6Message.NO_LINK_LAYER_ADDRESS, 0, 0, dst.high(), dst.low());
        assertThat(n).isEqualTo(Icmpv6Message.NEIGHBOR_SOLICITATION_LENGTH);
        assertThat(view.wrap(out, 0, n)).isEqualTo(ParseResult.OK);
        assertThat(view.optionsLength()).isZero();
        assertThat(options.reset(view).next()).isFalse();
        assertThat(view.checksumValid(0, 0, dst.high(), dst.low())).isTrue();
        assertThat(view.checksum())
                .isEqualTo(ReferenceChecksum.icmpv6(new byte[16], dst.toBytes(), Arrays.copyOf(out, n)));

        n = Icmpv6Message.writeRouterSolicitation(out, 0, Icmpv6Message.NO_LINK_LAYER_ADDRESS, 0, 0,
                Ipv6Address.ALL_ROUTERS.high(), Ipv6Address.ALL_ROUTERS.low());
        assertThat(n).isEqualTo(8);
        assertThat(view.wrap(out, 0, n)).isEqualTo(ParseResult.OK);
        assertThat(view.optionsLength()).isZero();
    }

    @Test
    void neighborAdvertisementFlagsRoundTrip() {
        byte[] out = new byte[40];
        int n = Icmpv6Message.writeNeighborAdvertisement(out, 0, Icmpv6Message.NA_FLAG_ROUTER, A.high(), A.low(),
                Icmpv6Message.NO_LINK_LAYER_ADDRESS, A.high(), A.low(),
                Ipv6Address.ALL_NODES.high(), Ipv6Address.ALL_NODES.low());
        assertThat(n).isEqualTo(24);
        assertThat(view.wrap(out, 0, n)).isEqualTo(ParseResult.OK);
        assertThat(view.routerFlag()).isTrue();
        assertThat(view.solicitedFlag()).isFalse();
        assertThat(view.overrideFlag()).isFalse();
        assertThat(view.restOfHeader()).isEqualTo(0x8000_0000);
        assertThat(view.target()).isEqualTo(A);
    }

    /** A router advertisement assembled field by field, with all options this package knows. */
    static int writeRouterAdvertisement(byte[] b, int at) {
        b[at] = (byte) Icmpv6Message.TYPE_ROUTER_ADVERTISEMENT;
        b[at + 4] = 64;
        b[at + 5] = (byte) (Icmpv6Message.RA_FLAG_MANAGED | 0x08); // M, preference 01 (high)
        Bytes.put16(b, at + 6, 1800);
        Bytes.put32(b, at + 8, 30_000);
        Bytes.put32(b, at + 12, 0xffff_fff0);
        int p = at + 16;
        p += NdpOptionCursor.writeLinkLayerAddress(b, p, NdpOptionCursor.SOURCE_LINK_LAYER_ADDRESS, MAC_B);
        p += NdpOptionCursor.writeMtu(b, p, 1500);
        p += NdpOptionCursor.writePrefixInformation(b, p, 64,
                NdpOptionCursor.PREFIX_FLAG_ON_LINK | NdpOptionCursor.PREFIX_FLAG_AUTONOMOUS,
                NdpOptionCursor.INFINITE_LIFETIME, 604_800, 0x2001_0db8_0001_0000L, 0);
        return p - at;
    }

    @Test
    void routerAdvertisementRoundTrip() {
        byte[] b = new byte[100];
        int n = writeRouterAdvertisement(b, 2);
        Icmpv6Message.writeChecksum(b, 2, n, B.high(), B.low(), Ipv6Address.ALL_NODES.high(),
                Ipv6Address.ALL_NODES.low());

        assertThat(view.wrap(b, 2, n)).isEqualTo(ParseResult.OK);
        assertThat(view.type()).isEqualTo(Icmpv6Message.TYPE_ROUTER_ADVERTISEMENT);
        assertThat(view.curHopLimit()).isEqualTo(64);
        assertThat(view.managedAddressConfiguration()).isTrue();
        assertThat(view.otherConfiguration()).isFalse();
        assertThat(view.defaultRouterPreference()).isEqualTo(1);
        assertThat(view.routerAdvertisementFlags()).isEqualTo(0x88);
        assertThat(view.routerLifetime()).isEqualTo(1800);
        assertThat(view.reachableTime()).isEqualTo(30_000);
        assertThat(view.retransTimer()).isEqualTo(0xffff_fff0L);
        assertThat(view.headerLength()).isEqualTo(16);
        assertThat(view.optionsOffset()).isEqualTo(18);
        assertThat(view.optionsLength()).isEqualTo(48);
        assertThat(view.checksumValid(B.high(), B.low(), Ipv6Address.ALL_NODES.high(), Ipv6Address.ALL_NODES.low()))
                .isTrue();

        options.reset(view);
        assertThat(options.next()).isTrue();
        assertThat(options.linkLayerAddress()).isEqualTo(MAC_B);
        assertThat(options.next()).isTrue();
        assertThat(options.mtu()).isEqualTo(1500);
        assertThat(options.next()).isTrue();
        assertThat(options.prefixLength()).isEqualTo(64);
        assertThat(options.onLink()).isTrue();
        assertThat(options.autonomous()).isTrue();
        assertThat(options.validLifetime()).isEqualTo(NdpOptionCursor.INFINITE_LIFETIME);
        assertThat(options.preferredLifetime()).isEqualTo(604_800);
        assertThat(options.prefix()).isEqualTo(Ipv6Address.parse("2001:db8:1::"));
        assertThat(options.next()).isFalse();
        assertThat(options.result()).isEqualTo(ParseResult.OK);
    }

    @Test
    void redirectRoundTripWithRedirectedHeader() {
        byte[] invoking = KERNEL_ECHO_REQUEST;
        int rhLength = 8 + (invoking.length + 7) / 8 * 8;
        byte[] b = new byte[40 + 8 + rhLength];
        Ipv6Address target = Ipv6Address.parse("fe80::1");
        b[0] = (byte) Icmpv6Message.TYPE_REDIRECT;
        target.writeTo(b, 8);
        B.writeTo(b, 24);
        NdpOptionCursor.writeLinkLayerAddress(b, 40, NdpOptionCursor.TARGET_LINK_LAYER_ADDRESS, MAC_B);
        b[48] = (byte) NdpOptionCursor.REDIRECTED_HEADER;
        b[49] = (byte) (rhLength / 8);
        System.arraycopy(invoking, 0, b, 56, invoking.length);
        Icmpv6Message.writeChecksum(b, 0, b.length, target.high(), target.low(), A.high(), A.low());

        assertThat(view.wrap(b, 0, b.length)).isEqualTo(ParseResult.OK);
        assertThat(view.target()).isEqualTo(target);
        assertThat(view.destination()).isEqualTo(B);
        assertThat(view.destinationAddressHigh()).isEqualTo(B.high());
        assertThat(view.destinationAddressLow()).isEqualTo(B.low());
        assertThat(view.optionsOffset()).isEqualTo(40);
        assertThat(view.checksumValid(target.high(), target.low(), A.high(), A.low())).isTrue();
        options.reset(view);
        assertThat(options.next()).isTrue();
        assertThat(options.linkLayerAddress()).isEqualTo(MAC_B);
        assertThat(options.next()).isTrue();
        assertThat(options.type()).isEqualTo(NdpOptionCursor.REDIRECTED_HEADER);
        assertThat(options.redirectedPacketOffset()).isEqualTo(56);
        assertThat(options.redirectedPacketLength()).isEqualTo(rhLength - 8);
        assertThat(Arrays.copyOfRange(b, 56, 56 + invoking.length)).isEqualTo(invoking);
        assertThat(options.next()).isFalse();
    }

    @Test
    void errorMessagesCarryMtuAndPointer() {
        byte[] invoking = Arrays.copyOf(KERNEL_ECHO_REQUEST, 40);
        byte[] b = new byte[64];
        int n = Icmpv6Message.writeError(b, 0, Icmpv6Message.TYPE_PACKET_TOO_BIG, 0, 1280, invoking, 0, 40,
                B.high(), B.low(), A.high(), A.low());
        assertThat(n).isEqualTo(Icmpv6Message.ERROR_MIN_LENGTH);
        assertThat(view.wrap(b, 0, n)).isEqualTo(ParseResult.OK);
        assertThat(view.mtu()).isEqualTo(1280);
        assertThat(view.invokingPacketLength()).isEqualTo(40);
        assertThat(view.checksumValid(B.high(), B.low(), A.high(), A.low())).isTrue();

        System.arraycopy(invoking, 0, b, 8, 40);
        n = Icmpv6Message.writeErrorHeader(b, 0, Icmpv6Message.TYPE_PARAMETER_PROBLEM,
                Icmpv6Message.PARAMETER_PROBLEM_NEXT_HEADER, 6, 40, B.high(), B.low(), A.high(), A.low());
        assertThat(view.wrap(b, 0, n)).isEqualTo(ParseResult.OK);
        assertThat(view.code()).isEqualTo(Icmpv6Message.PARAMETER_PROBLEM_NEXT_HEADER);
        assertThat(view.pointer()).isEqualTo(6);
        assertThat(view.checksum()).isEqualTo(ReferenceChecksum.icmpv6(B.toBytes(), A.toBytes(), Arrays.copyOf(b, n)));

        n = Icmpv6Message.writeErrorHeader(b, 0, Icmpv6Message.TYPE_TIME_EXCEEDED,
                Icmpv6Message.TIME_EXCEEDED_HOP_LIMIT, 0, 40, B.high(), B.low(), A.high(), A.low());
        assertThat(view.wrap(b, 0, n)).isEqualTo(ParseResult.OK);
        assertThat(view.isError()).isTrue();
        // Big unsigned values stay unsigned.
        Bytes.put32(b, 4, 0xffff_ffff);
        assertThat(view.mtu()).isEqualTo(0xffff_ffffL);
        assertThat(view.pointer()).isEqualTo(0xffff_ffffL);
    }

    static final Map<Integer, Integer> MINIMA = Map.of(1, 48, 2, 48, 3, 48, 4, 48,
            134, 16, 135, 24, 136, 24, 137, 40);

    static IntStream allTypes() {
        return IntStream.range(0, 256);
    }

    /** Every length from 0 up to the type's minimum, in an array of exactly that length. */
    @ParameterizedTest
    @MethodSource("allTypes")
    void boundaryLengthsPerType(int type) {
        int minimum = MINIMA.getOrDefault(type, 8);
        assertThat(Icmpv6Message.minimumLength(type)).isEqualTo(minimum);
        for (int length = 0; length <= minimum; length++) {
            byte[] b = new byte[length];
            if (length > 0) {
                b[0] = (byte) type;
            }
            ParseResult expected = length < 8 ? ParseResult.TRUNCATED
                    : length < minimum ? ParseResult.ICMP_TRUNCATED_MESSAGE : ParseResult.OK;
            assertThat(view.wrap(b, 0, length)).as("type %d length %d", type, length).isEqualTo(expected);
        }
        assertThat(Icmpv6Message.isError(type)).isEqualTo(type < 128);
        assertThat(Icmpv6Message.isNdp(type)).isEqualTo(type >= 133 && type <= 137);
    }

    @Test
    void ndpOptionFramingIsCheckedAtWrap() {
        byte[] ns = icmpOf(KERNEL_NEIGHBOR_SOLICITATION);
        assertThat(view.wrap(ns, 0, ns.length)).isEqualTo(ParseResult.OK);

        byte[] zero = ns.clone();
        zero[25] = 0;
        assertThat(view.wrap(zero, 0, zero.length)).isEqualTo(ParseResult.NDP_BAD_OPTION_LENGTH);
        assertThat(view.buffer()).isNull();

        byte[] pastEnd = ns.clone();
        pastEnd[25] = 2;
        assertThat(view.wrap(pastEnd, 0, pastEnd.length)).isEqualTo(ParseResult.NDP_BAD_OPTION_LENGTH);

        // Cut inside the option: the declared 8 octets no longer fit.
        assertThat(view.wrap(ns, 0, ns.length - 1)).isEqualTo(ParseResult.NDP_BAD_OPTION_LENGTH);
        assertThat(view.wrap(ns, 0, 25)).isEqualTo(ParseResult.NDP_BAD_OPTION_LENGTH);
        // Cut right before the option: no options at all is fine.
        assertThat(view.wrap(ns, 0, 24)).isEqualTo(ParseResult.OK);

        // The same bytes as an echo request are not NDP: no option walk, no rejection.
        zero[0] = (byte) Icmpv6Message.TYPE_ECHO_REQUEST;
        assertThat(view.wrap(zero, 0, zero.length)).isEqualTo(ParseResult.OK);
    }

    @Test
    void typeSpecificAccessorsRefuseOtherTypes() {
        wrapIcmp(KERNEL_ECHO_REQUEST);
        assertThatThrownBy(view::targetAddressHigh).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(view::curHopLimit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(view::destinationAddressLow).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(view::routerFlag).isInstanceOf(IllegalStateException.class);
        wrapIcmp(KERNEL_NEIGHBOR_SOLICITATION);
        assertThatThrownBy(view::overrideFlag).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(view::destination).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(view::reachableTime).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void setTypeKeepsTheWrappedLayout() {
        byte[] p = KERNEL_ECHO_REQUEST.clone();
        wrapIcmp(p);
        view.setType(Icmpv6Message.TYPE_ECHO_REPLY);
        Ipv6Address s = source(p);
        Ipv6Address d = destination(p);
        // Swap the addresses as a reply does, then the checksum for the reply's pseudo-header.
        view.setChecksum(view.computeChecksum(d.high(), d.low(), s.high(), s.low()));
        assertThat(Arrays.copyOfRange(p, IP, p.length)).isEqualTo(icmpOf(KERNEL_ECHO_REPLY));
        assertThat(view.type()).isEqualTo(Icmpv6Message.TYPE_ECHO_REPLY);

        assertThatThrownBy(() -> view.setType(Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(view.type()).isEqualTo(Icmpv6Message.TYPE_ECHO_REPLY);
        assertThat(p[IP]).isEqualTo((byte) Icmpv6Message.TYPE_ECHO_REPLY);
        view.setCode(3);
        assertThat(view.code()).isEqualTo(3);
    }

    @Test
    void everySingleBitFlipFailsTheChecksum() {
        byte[] p = KERNEL_NEIGHBOR_ADVERTISEMENT.clone();
        int checked = 0;
        for (int i = IP; i < p.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                p[i] ^= (byte) (1 << bit);
                if (wrapIcmp(p).isOk()) {
                    assertThat(view.checksumValid(p, SOURCE, DESTINATION)).as("octet %d bit %d", i, bit).isFalse();
                    checked++;
                }
                p[i] ^= (byte) (1 << bit);
            }
        }
        assertThat(checked).isGreaterThan(200);
    }

    @Test
    void rangesOutsideTheArrayAreRejected() {
        byte[] b = new byte[24];
        assertThat(view.wrap(b, 0, 25)).isEqualTo(ParseResult.LENGTH_EXCEEDS_BUFFER);
        assertThat(view.wrap(b, -8, 8)).isEqualTo(ParseResult.LENGTH_EXCEEDS_BUFFER);
        assertThat(view.wrap(b, 20, Integer.MAX_VALUE)).isEqualTo(ParseResult.LENGTH_EXCEEDS_BUFFER);
        assertThat(view.toString()).contains("unwrapped");
    }

    @Test
    void parseConvenienceThrowsWithTheReason() {
        assertThat(Icmpv6Message.parse(icmpOf(KERNEL_NEIGHBOR_SOLICITATION)).target()).isEqualTo(B);
        byte[] shortNs = Arrays.copyOf(icmpOf(KERNEL_NEIGHBOR_SOLICITATION), 20);
        assertThatThrownBy(() -> Icmpv6Message.parse(shortNs))
                .isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("ICMP_TRUNCATED_MESSAGE")
                .extracting(e -> ((MalformedPacketException) e).reason())
                .isEqualTo(ParseResult.ICMP_TRUNCATED_MESSAGE);
    }
}
