package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.tun.TunDeviceChannel;
import org.netstack4j.tun.TunDeviceRequest;
import org.netstack4j.tun.TunDevices;
import org.netstack4j.wire.Bytes;

/** The platform-neutral entry point opens a TUN on Linux. */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class LinuxTunDeviceProviderTest {

    @Test
    void linuxGetsTheTunProvider() {
        assertThat(TunDevices.select("Linux", TunDevices.installed()).name()).isEqualTo("tun");
        assertThat(new LinuxTunDeviceProvider().supports("Mac OS X")).isFalse();
    }

    @Test
    void unknownOrMalformedOptionsAreRefusedBeforeAnythingOpens() {
        LinuxTunDeviceProvider p = new LinuxTunDeviceProvider();
        assertThatThrownBy(() -> p.open(TunDeviceRequest.named("x").with("tun.mut", "1400")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tun.mut");
        assertThatThrownBy(() -> p.open(TunDeviceRequest.named("x").with("tun.offloads", "udp")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.open(TunDeviceRequest.named("x").with("tun.mtu", "20")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @RequiresNetAdmin
    void opensConfiguresAndCarriesPackets() throws Exception {
        String name = TestSupport.uniqueName("nv");
        TunDeviceRequest request = TunDeviceRequest.named(name).with("tun.mtu", "1400").with("tun.up", "true")
                .with("tun.offloads", "tcp").with("wintun.library", "ignored by Linux");
        try (TunDeviceChannel channel = TunDevices.open(request)) {
            assertThat(channel.interfaceName()).isEqualTo(name);
            assertThat(InterfaceControl.mtu(name)).isEqualTo(1400);
            assertThat(InterfaceControl.isUp(name)).isTrue();
            assertThat(channel.carriesOffloadMetadata()).isTrue();
            TestSupport.disableIpv6(name);
            InterfaceControl.addAddress(name, InetAddress.getByName("10.89.0.1"), 24);
            channel.write(PacketBuffer.copyOf(TestPackets.icmpEcho(true, TestPackets.ipv4("10.89.0.2"),
                    TestPackets.ipv4("10.89.0.1"), 0x8989, 1, new byte[8]), 64));
            PacketBuffer reply = new PacketBuffer(2048, 64);
            do { // the link came up with IPv6 on: skip its router solicitations
                reply.reset(64);
                channel.read(reply);
            } while (TestPackets.ipVersion(reply.array(), reply.start()) != 4);
            assertThat(reply.length()).isEqualTo(36);
            assertThat(Bytes.u16(reply.array(), reply.start() + 24)).isEqualTo(0x8989);
        }
        assertThat(InterfaceControl.exists(name)).as("closing the channel removes the device").isFalse();
    }
}
