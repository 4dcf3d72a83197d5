package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.wire.TestBytes.hex;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv6ExtensionChainTest {
    private static final int HBH = Ipv6Header.NEXT_HEADER_HOP_BY_HOP;
    private static final int DST_OPTS = Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS;
    private static final int ROUTING = Ipv6Header.NEXT_HEADER_ROUTING;
    private static final int FRAGMENT = Ipv6Header.NEXT_HEADER_FRAGMENT;
    private static final int AH = Ipv6Header.NEXT_HEADER_AUTHENTICATION;
    private static final int TCP = Ipv6Header.NEXT_HEADER_TCP;
    private static final int UDP = Ipv6Header.NEXT_HEADER_UDP;

    private final Ipv6Header header = new Ipv6Header();
    private final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();

    /** A packet whose fixed header names {@code firstNextHeader}, followed by the hex {@code parts}. */
    private static byte[] packet(int firstNextHeader, String... parts) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (String p : parts) {
            payload.writeBytes(hex(p));
        }
        byte[] b = new byte[40 + payload.size()];
        Ipv6Header.write(b, 0, 0, 0, payload.size(), firstNextHeader, 64, 0x2001_0db8L << 32, 1, 0x2001_0db8L << 32, 2);
        System.arraycopy(payload.toByteArray(), 0, b, 40, payload.size());
        return b;
    }

    private ParseResult walk(byte[] packet) {
        assertThat(header.wrap(packet, 0, packet.length)).isEqualTo(ParseResult.OK);
        return chain.walk(header);
    }

    @Test
    void noExtensions() {
        byte[] b = packet(UDP, "0035 0035 0008 0000");

        assertThat(walk(b)).isEqualTo(ParseResult.OK);
        assertThat(chain.upperLayerProtocol()).isEqualTo(UDP);
        assertThat(chain.upperLayerOffset()).isEqualTo(40);
        assertThat(chain.upperLayerLength()).isEqualTo(8);
        assertThat(chain.lastNextHeaderOffset()).isEqualTo(6);
        assertThat(chain.extensionCount()).isZero();
        assertThat(chain.hopByHopOffset()).isEqualTo(-1);
        assertThat(chain.routingHeaderOffset()).isEqualTo(-1);
        assertThat(chain.routingType()).isEqualTo(-1);
        assertThat(chain.segmentsLeft()).isEqualTo(-1);
        assertThat(chain.fragmentHeaderOffset()).isEqualTo(-1);
        assertThat(chain.hasFragmentHeader()).isFalse();
        assertThat(chain.isFragment()).isFalse();
        assertThat(chain.isFirstFragment()).isFalse();
        assertThat(chain.fragmentOffset()).isZero();
        assertThat(chain.moreFragments()).isFalse();
        assertThat(chain.fragmentIdentification()).isZero();
        assertThat(chain.errorOffset()).isEqualTo(-1);
        assertThat(chain.buffer()).isSameAs(b);
    }

    @Test
    void everyKindOfExtensionHeaderInOrder() {
        byte[] b = packet(HBH,
                "3c 00 05 02 0000 01 00",                  // 40: hop-by-hop, Router Alert + PadN, next dest opts
                "2b 01 01 0c 0000 0000 0000 0000 0000 0000", // 48: dest opts (16 bytes), PadN 12, next routing
                "2c 00 04 02 00000000",                     // 64: routing type 4, segments left 2, next fragment
                "33 00 0000 12345678",                      // 72: atomic fragment, next AH
                "06 01 0000 00000100 00000001",             // 80: AH, 12 bytes, next TCP
                "0050 0050");                               // 92: start of TCP

        assertThat(walk(b)).isEqualTo(ParseResult.OK);
        assertThat(chain.upperLayerProtocol()).isEqualTo(TCP);
        assertThat(chain.upperLayerOffset()).isEqualTo(92);
        assertThat(chain.upperLayerLength()).isEqualTo(4);
        assertThat(chain.lastNextHeaderOffset()).isEqualTo(80);
        assertThat(chain.extensionCount()).isEqualTo(5);
        int[][] expected = {{HBH, 40, 8}, {DST_OPTS, 48, 16}, {ROUTING, 64, 8}, {FRAGMENT, 72, 8}, {AH, 80, 12}};
        for (int i = 0; i < expected.length; i++) {
            assertThat(new int[] {chain.extensionType(i), chain.extensionOffset(i), chain.extensionLength(i)})
                    .as("extension %d", i).containsExactly(expected[i]);
        }
        assertThat(chain.hopByHopOffset()).isEqualTo(40);
        assertThat(chain.routingHeaderOffset()).isEqualTo(64);
        assertThat(chain.routingType()).isEqualTo(4);
        assertThat(chain.segmentsLeft()).isEqualTo(2);
        assertThat(chain.fragmentHeaderOffset()).isEqualTo(72);
        assertThat(chain.hasFragmentHeader()).isTrue();
        assertThat(chain.isFragment()).as("atomic fragment").isFalse();
        assertThat(chain.isFirstFragment()).isFalse();
        assertThat(chain.fragmentIdentification()).isEqualTo(0x12345678);
        assertThatThrownBy(() -> chain.extensionType(5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> chain.extensionOffset(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void firstFragmentStopsTheWalkAtTheFragmentHeader() {
        byte[] b = packet(FRAGMENT, "11 00 0001 cafebabe", "0035 0035 0010 0000");

        assertThat(walk(b)).isEqualTo(ParseResult.OK);
        assertThat(chain.isFragment()).isTrue();
        assertThat(chain.isFirstFragment()).isTrue();
        assertThat(chain.fragmentOffset()).isZero();
        assertThat(chain.moreFragments()).isTrue();
        assertThat(chain.fragmentIdentification()).isEqualTo(0xcafebabe);
        assertThat(chain.upperLayerProtocol()).isEqualTo(UDP);
        assertThat(chain.upperLayerOffset()).isEqualTo(48);
        assertThat(chain.upperLayerLength()).isEqualTo(8);
        assertThat(chain.lastNextHeaderOffset()).isEqualTo(40);
    }

    @Test
    void laterFragmentDataIsNotWalked() {
        // Offset 1448, last fragment; the data looks like a broken destination options header.
        byte[] b = packet(FRAGMENT, "3c 00 05a8 00000001", "3c ff 0000 0000 0000");

        assertThat(walk(b)).isEqualTo(ParseResult.OK);
        assertThat(chain.isFragment()).isTrue();
        assertThat(chain.isFirstFragment()).isFalse();
        assertThat(chain.fragmentOffset()).isEqualTo(1448);
        assertThat(chain.moreFragments()).isFalse();
        assertThat(chain.upperLayerProtocol()).isEqualTo(DST_OPTS);
        assertThat(chain.upperLayerOffset()).isEqualTo(48);
        assertThat(chain.extensionCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {Ipv6Header.NEXT_HEADER_ESP, Ipv6Header.NEXT_HEADER_NONE, 135, 253, 255})
    void opaqueOrUnknownHeadersEndTheWalk(int type) {
        byte[] b = packet(DST_OPTS, String.format("%02x 00 0104 00000000", type), "ffff ffff");

        assertThat(walk(b)).isEqualTo(ParseResult.OK);
        assertThat(chain.upperLayerProtocol()).isEqualTo(type);
        assertThat(chain.upperLayerOffset()).isEqualTo(48);
        assertThat(chain.lastNextHeaderOffset()).isEqualTo(40);
    }

    @Test
    void hopByHopAnywhereButFirstIsRejected() {
        byte[] b = packet(DST_OPTS, "00 00 0104 00000000", "06 00 0104 00000000");

        assertThat(walk(b)).isEqualTo(ParseResult.IPV6_MISPLACED_HOP_BY_HOP);
        assertThat(chain.errorOffset()).as("the next-header field naming it").isEqualTo(40);
        assertThatThrownBy(chain::upperLayerProtocol).isInstanceOf(IllegalStateException.class);

        byte[] twice = packet(HBH, "00 00 0104 00000000", "06 00 0104 00000000");
        assertThat(walk(twice)).isEqualTo(ParseResult.IPV6_MISPLACED_HOP_BY_HOP);
    }

    @Test
    void extensionCountIsCapped() {
        String[] sixteen = new String[17];
        for (int i = 0; i < 16; i++) {
            sixteen[i] = "3c 00 0104 00000000";
        }
        sixteen[15] = "06 00 0104 00000000";
        sixteen[16] = "0050 0050";
        assertThat(walk(packet(DST_OPTS, sixteen))).isEqualTo(ParseResult.OK);
        assertThat(chain.extensionCount()).isEqualTo(16);
        assertThat(chain.upperLayerOffset()).isEqualTo(40 + 16 * 8);

        String[] seventeen = new String[17];
        for (int i = 0; i < 17; i++) {
            seventeen[i] = "3c 00 0104 00000000";
        }
        assertThat(walk(packet(DST_OPTS, seventeen))).isEqualTo(ParseResult.IPV6_TOO_MANY_EXTENSIONS);
        assertThat(chain.errorOffset()).isEqualTo(40 + 15 * 8);

        Ipv6ExtensionChain small = new Ipv6ExtensionChain(1);
        assertThat(small.maxExtensions()).isEqualTo(1);
        byte[] two = packet(DST_OPTS, "3c 00 0104 00000000", "06 00 0104 00000000");
        assertThat(header.wrap(two, 0, two.length)).isEqualTo(ParseResult.OK);
        assertThat(small.walk(header)).isEqualTo(ParseResult.IPV6_TOO_MANY_EXTENSIONS);
        assertThat(new Ipv6ExtensionChain(0).walk(header)).isEqualTo(ParseResult.IPV6_TOO_MANY_EXTENSIONS);
        assertThatThrownBy(() -> new Ipv6ExtensionChain(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTruncationOfTheChainIsRejected() {
        byte[] full = packet(HBH,
                "2c 00 0104 00000000",                    // hop-by-hop, 8
                "3c 00 0000 00000001",                    // atomic fragment, 8
                "33 01 0000 0000 0000 0000 0000 0000 0000", // dest opts, 16
                "06 01 0000 00000100 00000001");          // AH, 12
        int chainLength = 44;
        assertThat(walk(full)).isEqualTo(ParseResult.OK);
        assertThat(chain.upperLayerOffset()).isEqualTo(40 + chainLength);

        for (int payload = 0; payload < chainLength; payload++) {
            byte[] b = full.clone();
            Bytes.put16(b, 4, payload); // the buffer still holds all bytes: only the payload length bounds the walk
            assertThat(walk(b)).as("payload %d", payload).isEqualTo(ParseResult.IPV6_BAD_EXTENSION_LENGTH);
        }
    }

    @Test
    void extensionLengthsPastThePayloadAreRejected() {
        assertThat(walk(packet(DST_OPTS, "06 01 0104 00000000"))).isEqualTo(ParseResult.IPV6_BAD_EXTENSION_LENGTH);
        assertThat(chain.errorOffset()).as("the length field").isEqualTo(41);
        assertThat(walk(packet(ROUTING, "06 ff 0000 00000000"))).isEqualTo(ParseResult.IPV6_BAD_EXTENSION_LENGTH);
        assertThat(walk(packet(FRAGMENT, "06 00 0000 000000"))).isEqualTo(ParseResult.IPV6_BAD_EXTENSION_LENGTH);
        assertThat(chain.errorOffset()).as("the next-header field naming the cut-off header").isEqualTo(6);
        assertThat(walk(packet(AH, "06 04 0000 00000000 00000000"))).isEqualTo(ParseResult.IPV6_BAD_EXTENSION_LENGTH);
        assertThat(walk(packet(AH, "06 00 0000 00000000 00000000")))
                .as("AH shorter than its fixed fields").isEqualTo(ParseResult.IPV6_BAD_EXTENSION_LENGTH);
        assertThat(walk(packet(DST_OPTS, "06"))).isEqualTo(ParseResult.IPV6_BAD_EXTENSION_LENGTH);
        assertThat(chain.errorOffset()).isEqualTo(6);
        assertThat(walk(packet(HBH))).isEqualTo(ParseResult.IPV6_BAD_EXTENSION_LENGTH);
        assertThat(chain.errorOffset()).as("inside the packet, not at its end").isEqualTo(6);
        assertThat(walk(packet(DST_OPTS, "2c 00 0104 00000000"))).isEqualTo(ParseResult.IPV6_BAD_EXTENSION_LENGTH);
        assertThat(chain.errorOffset()).isEqualTo(40);
    }

    @Test
    void optionsPastTheirHeaderAreRejected() {
        // PadN claiming 5 data bytes where 4 remain; the error points at its type.
        assertThat(walk(packet(HBH, "06 00 00 01 05 000000"))).isEqualTo(ParseResult.IPV6_BAD_OPTION_LENGTH);
        assertThat(chain.errorOffset()).isEqualTo(43);
        // A type in the last byte, without a length byte.
        assertThat(walk(packet(DST_OPTS, "06 00 01 03 000000 c2"))).isEqualTo(ParseResult.IPV6_BAD_OPTION_LENGTH);
        assertThat(chain.errorOffset()).isEqualTo(47);
        // The routing header has no options: its bytes are not checked as options.
        assertThat(walk(packet(ROUTING, "06 00 00 00 00 ff ff ff"))).isEqualTo(ParseResult.OK);
        // An option that ends exactly at the end of its header is fine.
        assertThat(walk(packet(DST_OPTS, "06 00 3e 04 01020304"))).isEqualTo(ParseResult.OK);
    }

    @Test
    void walkingAgainResetsTheState() {
        assertThat(walk(packet(FRAGMENT, "11 00 0001 00000009", "0000"))).isEqualTo(ParseResult.OK);
        assertThat(chain.isFragment()).isTrue();

        assertThat(walk(packet(UDP, "0000"))).isEqualTo(ParseResult.OK);
        assertThat(chain.isFragment()).isFalse();
        assertThat(chain.fragmentHeaderOffset()).isEqualTo(-1);
        assertThat(chain.extensionCount()).isZero();
    }

    @Test
    void walkNeedsAWrappedHeader() {
        assertThatThrownBy(() -> chain.walk(new Ipv6Header())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Ipv6ExtensionChain().extensionCount()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void headerAtAnOffsetInALargerBuffer() {
        byte[] inner = packet(DST_OPTS, "3a 00 0104 00000000", "8000 0000");
        byte[] b = TestBytes.at(14, inner, 6, 0xee);
        assertThat(header.wrap(b, 14, inner.length + 6)).isEqualTo(ParseResult.OK);

        assertThat(chain.walk(header)).isEqualTo(ParseResult.OK);
        assertThat(chain.upperLayerProtocol()).isEqualTo(Ipv6Header.NEXT_HEADER_ICMPV6);
        assertThat(chain.upperLayerOffset()).isEqualTo(14 + 48);
        assertThat(chain.upperLayerLength()).as("padding excluded").isEqualTo(4);
        assertThat(chain.lastNextHeaderOffset() - header.offset()).isEqualTo(40);
    }
}
