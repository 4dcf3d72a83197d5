package org.netstack4j.tun.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.netstack4j.tun.TunDeviceRequest;

class WintunDeviceProviderTest {

    @Test
    void optionsMapOntoWintunOptions() {
        WintunOptions o = WintunDeviceProvider.options(TunDeviceRequest.named("vpn0")
                .with("wintun.library", "lib/wintun.dll")
                .with("wintun.tunnelType", "MyVpn")
                .with("wintun.guid", "{00112233-4455-6677-8899-aabbccddeeff}")
                .with("wintun.openExisting", "true")
                .with("wintun.ringCapacity", "0x400000")
                .with("wintun.maxSpins", "0")
                .with("utun.ignored", "x"));
        assertThat(o.adapterName()).isEqualTo("vpn0");
        assertThat(o.libraryPath()).isEqualTo(Path.of("lib/wintun.dll"));
        assertThat(o.tunnelType()).isEqualTo("MyVpn");
        assertThat(o.requestedGuid()).isEqualTo(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"));
        assertThat(o.openExisting()).isTrue();
        assertThat(o.ringCapacity()).isEqualTo(4 << 20);
        assertThat(o.maxSpins()).isZero();
    }

    @Test
    void defaultsAndBadValues() {
        WintunOptions o = WintunDeviceProvider.options(TunDeviceRequest.named(null));
        assertThat(o.adapterName()).isEqualTo(WintunDeviceProvider.DEFAULT_ADAPTER_NAME);
        assertThat(o.libraryPath()).isNull();
        assertThat(o.ringCapacity()).isEqualTo(WintunOptions.DEFAULT_RING_CAPACITY);
        assertThat(o.openExisting()).isFalse();
        assertThatThrownBy(() -> WintunDeviceProvider.options(TunDeviceRequest.named("a").with("wintun.ringSize", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wintun.ringSize");
        assertThatThrownBy(() -> WintunDeviceProvider.options(TunDeviceRequest.named("a").with("wintun.ringCapacity", "1000")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WintunDeviceProvider.options(TunDeviceRequest.named("a").with("wintun.openExisting", "yes")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
