package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.wire.ReferenceChecksum.hex;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.netstack4j.buffer.PacketBuffer;

class Icmpv4MessageTest {
    // IPv4 packets sent by the Linux kernel between two private network namespaces (10.9.0.1 and
    // 10.9.0.2): `ping -s 8` and its reply, and the port unreachable for a UDP datagram "hello" to port 9.
    static final byte[] KERNEL_ECHO_REQUEST =
            hex("45000024ecbc400040013a080a0900010a0900020800c54c26a200010001020304050607");
    static final byte[] KERNEL_ECHO_REPLY =
            hex("45000024d4a600004001921e0a0900020a0900010000cd4c26a200010001020304050607");
    static final byte[] KERNEL_PORT_UNREACHABLE = hex("45c0003dd4b30000400191380a0900020a090001"
            + "0303ca7e00000000450000218775400040119f420a0900010a090002da620009000d143368656c6c6f");
    static final int IP = 20;

    private final Icmpv4Message view = new Icmpv4Message();

    private static byte[] icmpOf(byte[] ipPacket) {
        return Arrays.copyOfRange(ipPacket, IP, ipPacket.length);
    }

    @Test
    void kernelEchoRequestReadsEveryField() {
        assertThat(view.wrap(KERNEL_ECHO_REQUEST, IP, KERNEL_ECHO_REQUEST.length - IP)).isEqualTo(ParseResult.OK);
        assertThat(view.type()).isEqualTo(Icmpv4Message.TYPE_ECHO_REQUEST);
        assertThat(view.code()).isZero();
        assertThat(view.checksum()).isEqualTo(0xc54c);
        assertThat(view.identifier()).isEqualTo(0x26a2);
        assertThat(view.sequenceNumber()).isEqualTo(1);
        assertThat(view.restOfHeader()).isEqualTo(0x26a2_0001);
        assertThat(view.isError()).isFalse();
        assertThat(view.offset()).isEqualTo(IP);
        assertThat(view.length()).isEqualTo(16);
        assertThat(view.headerLength()).isEqualTo(8);
        assertThat(view.payloadOffset()).isEqualTo(28);
        assertThat(view.payloadLength()).isEqualTo(8);
        assertThat(view.checksumValid()).isTrue();
        assertThat(view.computeChecksum()).isEqualTo(0xc54c);
    }

    @Test
    void kernelPortUnreachableExposesInvokingDatagram() {
        byte[] p = KERNEL_PORT_UNREACHABLE;
        assertThat(view.wrap(p, IP, p.length - IP)).isEqualTo(ParseResult.OK);
        assertThat(view.type()).isEqualTo(Icmpv4Message.TYPE_DESTINATION_UNREACHABLE);
        assertThat(view.code()).isEqualTo(Icmpv4Message.UNREACHABLE_PORT);
        assertThat(view.isError()).isTrue();
        assertThat(view.checksumValid()).isTrue();
        assertThat(view.invokingDatagramOffset()).isEqualTo(28);
        assertThat(view.invokingDatagramLength()).isEqualTo(33);
        // The quoted datagram is the whole UDP datagram the kernel refused: IPv4 to port 9 with "hello".
        assertThat(p[view.invokingDatagramOffset()]).isEqualTo((byte) 0x45);
        assertThat(Bytes.u16(p, view.invokingDatagramOffset() + 20 + 2)).isEqualTo(9);
    }

    @Test
    void writersReproduceKernelBytes() {
        byte[] out = new byte[64];
        byte[] request = icmpOf(KERNEL_ECHO_REQUEST);
        System.arraycopy(request, 8, out, 8, 8);
        int n = Icmpv4Message.writeEcho(out, 0, Icmpv4Message.TYPE_ECHO_REQUEST, 0x26a2, 1, 8);
        assertThat(Arrays.copyOf(out, n)).isEqualTo(request);

        byte[] unreachable = icmpOf(KERNEL_PORT_UNREACHABLE);
        Arrays.fill(out, (byte) 0x5a);
        n = Icmpv4Message.writeError(out, 0, Icmpv4Message.TYPE_DESTINATION_UNREACHABLE,
                Icmpv4Message.UNREACHABLE_PORT, 0, unreachable, 8, unreachable.length - 8);
        assertThat(Arrays.copyOf(out, n)).isEqualTo(unreachable);
    }

    @Test
    void echoRequestTurnsIntoTheKernelsReplyWithIncrementalChecksum() {
        byte[] p = KERNEL_ECHO_REQUEST.clone();
        view.wrap(p, IP, p.length - IP);
        int oldWord = view.type() << 8 | view.code();
        view.setType(Icmpv4Message.TYPE_ECHO_REPLY);
        view.setChecksum(Checksum.update16(view.checksum(), oldWord, Icmpv4Message.TYPE_ECHO_REPLY << 8));
        assertThat(Arrays.copyOfRange(p, IP, p.length)).isEqualTo(icmpOf(KERNEL_ECHO_REPLY));
    }

    @Test
    void rewritingTheIdentifierWithIncrementalChecksumStaysValid() {
        byte[] p = KERNEL_ECHO_REQUEST.clone();
        view.wrap(p, IP, p.length - IP);
        int old = view.identifier();
        view.setIdentifier(0xbeef);
        assertThat(view.checksumValid()).isFalse();
        view.setChecksum(Checksum.update16(view.checksum(), old, 0xbeef));
        assertThat(view.checksumValid()).isTrue();
        assertThat(view.identifier()).isEqualTo(0xbeef);
        view.setSequenceNumber(7);
        view.setCode(0);
        view.setChecksum(view.computeChecksum());
        assertThat(view.checksumValid()).isTrue();
        assertThat(view.sequenceNumber()).isEqualTo(7);
    }

    @Test
    void echoRoundTripAtAnOddOffsetWithOddDataLength() {
        byte[] b = new byte[40];
        int at = 3;
        byte[] data = {1, 2, 3, 4, 5, 6, 7};
        System.arraycopy(data, 0, b, at + 8, data.length);
        int n = Icmpv4Message.writeEcho(b, at, Icmpv4Message.TYPE_ECHO_REPLY, 0xffff, 0xfffe, data.length);

        assertThat(n).isEqualTo(15);
        assertThat(view.wrap(b, at, n)).isEqualTo(ParseResult.OK);
        assertThat(view.type()).isEqualTo(Icmpv4Message.TYPE_ECHO_REPLY);
        assertThat(view.identifier()).isEqualTo(0xffff);
        assertThat(view.sequenceNumber()).isEqualTo(0xfffe);
        assertThat(Arrays.copyOfRange(b, view.payloadOffset(), view.payloadOffset() + view.payloadLength()))
                .isEqualTo(data);
        assertThat(view.checksum()).isEqualTo(ReferenceChecksum.icmpv4(Arrays.copyOfRange(b, at, at + n)));
        assertThat(view.checksumValid()).isTrue();
    }

    @Test
    void echoHeaderPrependedInFrontOfDataInAPacketBuffer() {
        PacketBuffer packet = new PacketBuffer(128, 64);
        byte[] data = "netstack4j".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        packet.appendBytes(data, 0, data.length);
        int at = packet.prepend(Icmpv4Message.HEADER_LENGTH);
        Icmpv4Message.writeEcho(packet.array(), at, Icmpv4Message.TYPE_ECHO_REQUEST, 42, 9, data.length);

        assertThat(view.wrap(packet.array(), packet.start(), packet.length())).isEqualTo(ParseResult.OK);
        assertThat(view.identifier()).isEqualTo(42);
        assertThat(view.sequenceNumber()).isEqualTo(9);
        assertThat(view.payloadLength()).isEqualTo(data.length);
        assertThat(view.checksumValid()).isTrue();
    }

    @Test
    void fragmentationNeededCarriesNextHopMtu() {
        byte[] invoking = invokingDatagram(28);
        byte[] b = new byte[100];
        int n = Icmpv4Message.writeError(b, 10, Icmpv4Message.TYPE_DESTINATION_UNREACHABLE,
                Icmpv4Message.UNREACHABLE_FRAGMENTATION_NEEDED, Icmpv4Message.restOfHeaderForMtu(1400),
                invoking, 0, invoking.length);

        assertThat(n).isEqualTo(36);
        assertThat(view.wrap(b, 10, n)).isEqualTo(ParseResult.OK);
        assertThat(view.code()).isEqualTo(Icmpv4Message.UNREACHABLE_FRAGMENTATION_NEEDED);
        assertThat(view.nextHopMtu()).isEqualTo(1400);
        assertThat(view.restOfHeader()).isEqualTo(1400);
        assertThat(view.invokingDatagramOffset()).isEqualTo(18);
        assertThat(view.invokingDatagramLength()).isEqualTo(28);
        assertThat(Arrays.copyOfRange(b, 18, 46)).isEqualTo(invoking);
        assertThat(view.checksum()).isEqualTo(ReferenceChecksum.icmpv4(Arrays.copyOfRange(b, 10, 10 + n)));
    }

    @Test
    void parameterProblemPointer() {
        byte[] b = new byte[64];
        System.arraycopy(invokingDatagram(28), 0, b, 8, 28);
        int n = Icmpv4Message.writeErrorHeader(b, 0, Icmpv4Message.TYPE_PARAMETER_PROBLEM,
                Icmpv4Message.PARAMETER_PROBLEM_POINTER, Icmpv4Message.restOfHeaderForPointer(20), 28);

        assertThat(view.wrap(b, 0, n)).isEqualTo(ParseResult.OK);
        assertThat(view.pointer()).isEqualTo(20);
        assertThat(view.restOfHeader()).isEqualTo(0x1400_0000);
        assertThat(view.checksumValid()).isTrue();
    }

    @Test
    void redirectGateway() {
        byte[] b = new byte[64];
        int gateway = Ipv4Address.parse("10.9.0.254").value();
        System.arraycopy(invokingDatagram(28), 0, b, 8, 28);
        int n = Icmpv4Message.writeErrorHeader(b, 0, Icmpv4Message.TYPE_REDIRECT, Icmpv4Message.REDIRECT_HOST,
                gateway, 28);

        assertThat(view.wrap(b, 0, n)).isEqualTo(ParseResult.OK);
        assertThat(view.code()).isEqualTo(Icmpv4Message.REDIRECT_HOST);
        assertThat(view.gatewayAddress()).isEqualTo(gateway);
        assertThat(view.gateway()).isEqualTo(Ipv4Address.parse("10.9.0.254"));
    }

    @Test
    void timeExceededInTransit() {
        byte[] b = new byte[64];
        int n = Icmpv4Message.writeError(b, 0, Icmpv4Message.TYPE_TIME_EXCEEDED,
                Icmpv4Message.TIME_EXCEEDED_IN_TRANSIT, 0, invokingDatagram(48), 0, 48);
        assertThat(view.wrap(b, 0, n)).isEqualTo(ParseResult.OK);
        assertThat(view.isError()).isTrue();
        assertThat(view.code()).isEqualTo(Icmpv4Message.TIME_EXCEEDED_IN_TRANSIT);
        assertThat(view.invokingDatagramLength()).isEqualTo(48);
        assertThat(view.checksumValid()).isTrue();
    }

    static IntStream allTypes() {
        return IntStream.range(0, 256);
    }

    /** Every length from 0 up to the type's minimum, in an array of exactly that length. */
    @ParameterizedTest
    @MethodSource("allTypes")
    void boundaryLengthsPerType(int type) {
        boolean error = type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
        int minimum = error ? 28 : 8;
        assertThat(Icmpv4Message.minimumLength(type)).isEqualTo(minimum);
        assertThat(Icmpv4Message.isError(type)).isEqualTo(error);
        for (int length = 0; length <= minimum; length++) {
            byte[] b = new byte[length];
            if (length > 0) {
                b[0] = (byte) type;
            }
            ParseResult expected = length < 8 ? ParseResult.TRUNCATED
                    : length < minimum ? ParseResult.ICMP_TRUNCATED_MESSAGE : ParseResult.OK;
            assertThat(view.wrap(b, 0, length)).as("type %d length %d", type, length).isEqualTo(expected);
        }
    }

    @Test
    void lengthGovernsNotTheArray() {
        // A full error message in the array, but the caller says the IP payload ends earlier.
        byte[] p = KERNEL_PORT_UNREACHABLE;
        assertThat(view.wrap(p, IP, 27)).isEqualTo(ParseResult.ICMP_TRUNCATED_MESSAGE);
        assertThat(view.wrap(p, IP, 28)).isEqualTo(ParseResult.OK);
        assertThat(view.invokingDatagramLength()).isEqualTo(20);
        assertThat(view.checksumValid()).isFalse();
    }

    @Test
    void rangesOutsideTheArrayAreRejectedAndClearTheView() {
        byte[] b = new byte[16];
        assertThat(view.wrap(b, 0, 16)).isEqualTo(ParseResult.OK);
        assertThat(view.wrap(b, -1, 8)).isEqualTo(ParseResult.LENGTH_EXCEEDS_BUFFER);
        assertThat(view.buffer()).isNull();
        assertThat(view.wrap(b, 0, 17)).isEqualTo(ParseResult.LENGTH_EXCEEDS_BUFFER);
        assertThat(view.wrap(b, 9, 8)).isEqualTo(ParseResult.LENGTH_EXCEEDS_BUFFER);
        assertThat(view.wrap(b, 0, -1)).isEqualTo(ParseResult.LENGTH_EXCEEDS_BUFFER);
        assertThat(view.wrap(b, Integer.MAX_VALUE, 8)).isEqualTo(ParseResult.LENGTH_EXCEEDS_BUFFER);
        assertThat(view.wrap(b, 8, Integer.MAX_VALUE)).isEqualTo(ParseResult.LENGTH_EXCEEDS_BUFFER);
        assertThat(view.wrap(b, 16, 0)).isEqualTo(ParseResult.TRUNCATED);
        assertThat(view.toString()).contains("unwrapped");
    }

    @Test
    void everySingleBitFlipFailsTheChecksum() {
        byte[] p = KERNEL_PORT_UNREACHABLE.clone();
        for (int i = IP; i < p.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                p[i] ^= (byte) (1 << bit);
                if (view.wrap(p, IP, p.length - IP).isOk()) {
                    assertThat(view.checksumValid()).as("octet %d bit %d", i, bit).isFalse();
                }
                p[i] ^= (byte) (1 << bit);
            }
        }
        assertThat(view.wrap(p, IP, p.length - IP)).isEqualTo(ParseResult.OK);
        assertThat(view.checksumValid()).isTrue();
    }

    @Test
    void bothZeroesOfOnesComplementVerify() {
        // Data chosen so that the sum without the checksum field is 0xffff: the computed field is
        // 0x0000, and the other representation of zero, 0xffff, must verify as well.
        byte[] b = new byte[8];
        b[0] = (byte) Icmpv4Message.TYPE_ECHO_REQUEST;
        Bytes.put16(b, 4, 0xffff - 0x0800);
        assertThat(view.wrap(b, 0, 8)).isEqualTo(ParseResult.OK);
        assertThat(view.computeChecksum()).isZero();
        assertThat(view.checksumValid()).isTrue();
        view.setChecksum(0xffff);
        assertThat(view.checksumValid()).isTrue();
        view.setChecksum(0x0001);
        assertThat(view.checksumValid()).isFalse();
    }

    @Test
    void computeChecksumDoesNotWriteAndWriteChecksumDoes() {
        byte[] p = icmpOf(KERNEL_ECHO_REQUEST);
        Bytes.put16(p, 2, 0x1234);
        byte[] before = p.clone();
        view.wrap(p, 0, p.length);
        assertThat(view.computeChecksum()).isEqualTo(0xc54c);
        assertThat(p).isEqualTo(before);
        assertThat(Icmpv4Message.writeChecksum(p, 0, p.length)).isEqualTo(0xc54c);
        assertThat(p).isEqualTo(icmpOf(KERNEL_ECHO_REQUEST));
    }

    @Test
    void parseConvenienceThrowsWithTheReason() {
        assertThat(Icmpv4Message.parse(icmpOf(KERNEL_ECHO_REQUEST)).identifier()).isEqualTo(0x26a2);
        assertThatThrownBy(() -> Icmpv4Message.parse(new byte[5]))
                .isInstanceOf(MalformedPacketException.class)
                .extracting(e -> ((MalformedPacketException) e).reason())
                .isEqualTo(ParseResult.TRUNCATED);
        byte[] shortError = new byte[20];
        shortError[0] = (byte) Icmpv4Message.TYPE_TIME_EXCEEDED;
        assertThatThrownBy(() -> Icmpv4Message.parse(shortError))
                .extracting(e -> ((MalformedPacketException) e).reason())
                .isEqualTo(ParseResult.ICMP_TRUNCATED_MESSAGE);
    }

    @Test
    void restOfHeaderHelpers() {
        assertThat(Icmpv4Message.restOfHeaderForMtu(0x1_05dc)).isEqualTo(0x05dc);
        assertThat(Icmpv4Message.restOfHeaderForPointer(0x1ff)).isEqualTo(0xff00_0000);
    }

    /** A plausible invoking datagram: a 20-octet IPv4 header followed by transport octets. */
    static byte[] invokingDatagram(int length) {
        byte[] d = new byte[length];
        d[0] = 0x45;
        Bytes.put16(d, 2, length);
        d[8] = 1;
        d[9] = 17;
        Bytes.put32(d, 12, 0x0a09_0001);
        Bytes.put32(d, 16, 0x0a09_0002);
        for (int i = 20; i < length; i++) {
            d[i] = (byte) (i * 7);
        }
        return d;
    }
}
