package org.netstack4j.tun.macos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UtunDeviceProviderTest {

    @Test
    void interfaceNamesMapToUnits() {
        assertThat(UtunDeviceProvider.unit(null)).isEqualTo(-1);
        assertThat(UtunDeviceProvider.unit("utun0")).isZero();
        assertThat(UtunDeviceProvider.unit("utun12")).isEqualTo(12);
        assertThatThrownBy(() -> UtunDeviceProvider.unit("tun0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UtunDeviceProvider.unit("utun")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void supportsDarwinOnly() {
        UtunDeviceProvider p = new UtunDeviceProvider();
        assertThat(p.supports("Mac OS X")).isTrue();
        assertThat(p.supports("Darwin")).isTrue();
        assertThat(p.supports("Linux")).isFalse();
        assertThat(p.supports("Windows 10")).isFalse();
    }
}
