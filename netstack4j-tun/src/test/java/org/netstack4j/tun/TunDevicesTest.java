package org.netstack4j.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The run-time choice of the platform's tunnel provider. */
class TunDevicesTest {

    @Test
    void theServiceLoaderFindsTheWindowsAndMacOsProviders() {
        assertThat(TunDevices.installed()).extracting(TunDeviceProvider::name).contains("wintun", "utun");
    }

    @Test
    void eachOperatingSystemGetsItsOwnProvider() {
        List<TunDeviceProvider> installed = TunDevices.installed();
        assertThat(TunDevices.select("Windows 11", installed).name()).isEqualTo("wintun");
        assertThat(TunDevices.select("Windows Server 2022", installed).name()).isEqualTo("wintun");
        assertThat(TunDevices.select("Mac OS X", installed).name()).isEqualTo("utun");
    }

    @Test
    void anOperatingSystemWithoutProviderIsRefusedNamingTheCandidates() {
        List<TunDeviceProvider> mine = TunDevices.installed().stream()
                .filter(p -> p.name().equals("wintun") || p.name().equals("utun")).toList();
        assertThatThrownBy(() -> TunDevices.select("FreeBSD", mine))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("FreeBSD").hasMessageContaining("wintun").hasMessageContaining("utun");
    }

    @Test
    void requestsCarryPrefixedOptionsAndRejectUnknownOnesOfAPrefix() {
        TunDeviceRequest r = TunDeviceRequest.named("x").with("wintun.library", "C:\\app").with("utun.other", "1");
        assertThat(r.option("wintun.library", null)).isEqualTo("C:\\app");
        assertThat(r.option("wintun.missing", "d")).isEqualTo("d");
        r.requireKnownOptions("wintun.", "wintun.library");
        assertThatThrownBy(() -> r.requireKnownOptions("utun.")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("utun.other");
    }
}
