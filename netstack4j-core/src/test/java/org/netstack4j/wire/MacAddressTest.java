package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {
    @ParameterizedTest
    @CsvSource({
        "02:00:5e:10:00:01, 02:00:5e:10:00:01, 0x02005e100001",
        "02-00-5E-10-00-01, 02:00:5e:10:00:01, 0x02005e100001",
        "2:0:5e:10:0:1,     02:00:5e:10:00:01, 0x02005e100001",
        "ff:ff:ff:ff:ff:ff, ff:ff:ff:ff:ff:ff, 0xffffffffffff",
        "00:00:00:00:00:00, 00:00:00:00:00:00, 0x0",
    })
    void parseAndFormat(String text, String canonical, String value) {
        MacAddress mac = MacAddress.parse(text);
        assertThat(mac.value()).isEqualTo(Long.decode(value));
        assertThat(mac.toString()).isEqualTo(canonical);
        assertThat(MacAddress.parse(mac.toString())).isEqualTo(mac);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "a", "aa", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:", "aa:bb:cc:dd:ee:ff:00", ":aa:bb:cc:dd:ee:ff",
        "aa:bb:cc:dd:ee:", "aa-bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee-ff", "aaa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:fff",
        "+a:bb:cc:dd:ee:ff", "gg:bb:cc:dd:ee:ff", "aa::cc:dd:ee:ff", "aa.bb.cc.dd.ee.ff", "aabb.ccdd.eeff",
        "\u0663a:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:f\uff10", " aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff ",
    })
    void malformedTextIsRejected(String text) {
        assertThatThrownBy(() -> MacAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readAndWriteAtAnOffset() {
        byte[] b = new byte[9];
        MacAddress.write(b, 2, 0x0123_4567_89abL);
        assertThat(b).containsExactly(0, 0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0);
        assertThat(MacAddress.read(b, 2)).isEqualTo(0x0123_4567_89abL);
        assertThat(MacAddress.of(b, 2)).isEqualTo(new MacAddress(0x0123_4567_89abL));

        byte[] c = new byte[6];
        MacAddress.BROADCAST.writeTo(c, 0);
        assertThat(MacAddress.read(c, 0)).isEqualTo(MacAddress.BROADCAST.value());
    }

    @Test
    void groupAndBroadcastBits() {
        assertThat(MacAddress.BROADCAST.isBroadcast()).isTrue();
        assertThat(MacAddress.BROADCAST.isMulticast()).isTrue();
        assertThat(MacAddress.parse("33:33:00:00:00:01").isMulticast()).isTrue();
        assertThat(MacAddress.parse("01:00:5e:00:00:01").isMulticast()).isTrue();
        assertThat(MacAddress.parse("02:00:5e:00:00:01").isMulticast()).isFalse();
        assertThat(MacAddress.parse("33:33:00:00:00:01").isBroadcast()).isFalse();
    }

    @Test
    void valueMustFitFortyEightBits() {
        assertThatThrownBy(() -> new MacAddress(1L << 48)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MacAddress(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
