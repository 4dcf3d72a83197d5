package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4AddressTest {
    @ParameterizedTest
    @CsvSource({
        "0.0.0.0,         0x00000000",
        "255.255.255.255, 0xffffffff",
        "192.0.2.1,       0xc0000201",
        "10.0.0.10,       0x0a00000a",
        "127.0.0.1,       0x7f000001",
    })
    void parseAndFormat(String text, String value) {
        Ipv4Address a = Ipv4Address.parse(text);
        assertThat(a.value()).isEqualTo((int) Long.parseLong(value.substring(2), 16));
        assertThat(a.toString()).isEqualTo(text);
    }

    @Test
    void randomRoundTripsAgreeWithTheJdk() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            Ipv4Address a = new Ipv4Address(random.nextInt());
            assertThat(Ipv4Address.parse(a.toString())).isEqualTo(a);
            assertThat(a.toInetAddress().getHostAddress()).isEqualTo(a.toString());
            assertThat(Ipv4Address.of((Inet4Address) InetAddress.getByAddress(a.toBytes()))).isEqualTo(a);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "1", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1.2.3.4.5", "1..2.3", "256.0.0.1", "1.2.3.1000",
        "01.2.3.4", "1.2.3.00", "0x1.2.3.4", "+1.2.3.4", "1.2.3.-4", " 1.2.3.4", "1.2.3.4 ", "1,2,3,4",
        "\u0661.2.3.4", "1.2.3.\uff14", "localhost", "::1",
    })
    void malformedTextIsRejected(String text) {
        assertThatThrownBy(() -> Ipv4Address.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rawReadsAndPredicates() {
        byte[] b = {9, (byte) 224, 0, 0, (byte) 251, 9};
        Ipv4Address mdns = Ipv4Address.of(b, 1);
        assertThat(mdns).isEqualTo(Ipv4Address.parse("224.0.0.251"));
        assertThat(mdns.isMulticast()).isTrue();
        assertThat(mdns.isLoopback()).isFalse();
        assertThat(Ipv4Address.parse("127.255.0.1").isLoopback()).isTrue();
        assertThat(Ipv4Address.parse("239.255.255.255").isMulticast()).isTrue();
        assertThat(Ipv4Address.parse("240.0.0.0").isMulticast()).isFalse();

        byte[] c = new byte[6];
        mdns.writeTo(c, 2);
        assertThat(c).containsExactly(0, 0, 224, 0, 0, 251);
        assertThat(mdns.toBytes()).containsExactly(224, 0, 0, 251);
    }

    @Test
    void ordersAsUnsigned() {
        assertThat(Ipv4Address.parse("128.0.0.0")).isGreaterThan(Ipv4Address.parse("127.255.255.255"));
        assertThat(Ipv4Address.BROADCAST).isGreaterThan(Ipv4Address.ANY);
        assertThat(Ipv4Address.parse("10.0.0.1").compareTo(new Ipv4Address(0x0a000001))).isZero();
    }
}
