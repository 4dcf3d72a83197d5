package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The state and guards every checked view shares through {@link WireView}. */
class WireViewTest {
    private static final HexFormat HEX = HexFormat.of();

    /** A fresh view, the smallest bytes it accepts, and its whole-array parse. */
    static Stream<Arguments> views() {
        return Stream.of(
                view(EthernetHeader::new, "00".repeat(12) + "0800", EthernetHeader::parse),
                view(ArpMessage::new, "0001080006040001" + "00".repeat(20), ArpMessage::parse),
                view(Ipv4Header::new, "4500001400000000400600000a0000010a000002", Ipv4Header::parse),
                view(Ipv6Header::new, "60000000000011ff" + "00".repeat(32), Ipv6Header::parse),
                view(Ipv6FragmentHeader::new, "1100000100000001", null),
                view(TcpHeader::new, "0035003500000001000000005010ffff00000000", TcpHeader::parse),
                view(UdpHeader::new, "0035003500080000", UdpHeader::parse));
    }

    /** The views with a whole-array parse (the fragment header has none). */
    static Stream<Arguments> parseableViews() {
        return views().filter(a -> a.get()[2] != null);
    }

    private static Arguments view(Supplier<WireView> factory, String hex, Function<byte[], WireView> parse) {
        WireView v = factory.get();
        return Arguments.argumentSet(v.getClass().getSimpleName(), factory, HEX.parseHex(hex), parse);
    }

    @ParameterizedTest
    @MethodSource("views")
    void accessorsRefuseAnUnwrappedViewAndReadTheWrappedRange(Supplier<WireView> factory, byte[] valid,
                                                              Function<byte[], WireView> parse) {
        WireView view = factory.get();
        String name = view.getClass().getSimpleName();
        assertThatThrownBy(view::buffer).isInstanceOf(IllegalStateException.class).hasMessageContaining(name);
        assertThatThrownBy(view::offset).isInstanceOf(IllegalStateException.class);
        assertThat(view.toString()).contains("unwrapped");

        // At an odd offset with bytes on both sides: the view reports exactly the range it was given.
        byte[] framed = new byte[valid.length + 4];
        System.arraycopy(valid, 0, framed, 3, valid.length);
        assertThat(view.wrap(framed, 3, valid.length)).isEqualTo(ParseResult.OK);
        assertThat(view.buffer()).isSameAs(framed);
        assertThat(view.offset()).isEqualTo(3);
        assertThat(view.length).isEqualTo(valid.length);

        // A rejected wrap leaves the view unwrapped again, so nothing reads bytes that failed the checks.
        assertThat(view.wrap(framed, 3, 1)).isNotEqualTo(ParseResult.OK);
        assertThatThrownBy(view::buffer).isInstanceOf(IllegalStateException.class);
        assertThat(view.toString()).contains("unwrapped");
    }

    @ParameterizedTest
    @MethodSource("parseableViews")
    void parseWrapsTheWholeArrayOrThrowsWithTheReason(Supplier<WireView> factory, byte[] valid,
                                                      Function<byte[], WireView> parse) {
        WireView parsed = parse.apply(valid);
        assertThat(parsed.buffer()).isSameAs(valid);
        assertThat(parsed.offset()).isZero();
        assertThatThrownBy(() -> parse.apply(new byte[1]))
                .isInstanceOfSatisfying(MalformedPacketException.class,
                        e -> assertThat(e.reason()).isEqualTo(ParseResult.TRUNCATED))
                .hasMessageContaining("1-byte");
    }
}
