package org.netstack4j.tun.macos;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;

/** The Darwin control-socket structures everywhere; the real utun device on macOS only. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UtunControlTest {

    @Test
    void structuresMatchDarwinsHeaders() {
        assertThat(UtunControl.CTL_INFO.byteSize()).isEqualTo(100);
        assertThat(UtunControl.SOCKADDR_CTL.byteSize()).isEqualTo(32);
        // <sys/kern_control.h>: #define CTLIOCGINFO _IOWR('N', 3, struct ctl_info) == 0xc0644e03
        assertThat(UtunControl.CTLIOCGINFO).isEqualTo(0xC0644E03L);
    }

    @Test
    void socketAddressCarriesTheControlIdAndUnitPlusOne() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(UtunControl.SOCKADDR_CTL);
            address.fill((byte) 0x5A);
            UtunControl.writeAddress(address, 0x01020304, 7 + 1);
            byte[] b = address.toArray(JAVA_BYTE);
            assertThat(b[0]).isEqualTo((byte) 32);               // sc_len
            assertThat(b[1]).isEqualTo((byte) 32);               // sc_family = AF_SYSTEM
            boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
            assertThat(b[little ? 2 : 3]).isEqualTo((byte) 2);   // ss_sysaddr = AF_SYS_CONTROL
            assertThat(address.get(java.lang.foreign.ValueLayout.JAVA_INT, 4)).isEqualTo(0x01020304);
            assertThat(address.get(java.lang.foreign.ValueLayout.JAVA_INT, 8)).isEqualTo(8);
            for (int i = 12; i < 32; i++) {
                assertThat(b[i]).as("sc_reserved byte %d", i).isZero();
            }
        }
    }

    @Test
    void framingFamilyFollowsTheVersionNibble() {
        assertThat(UtunFraming.familyFor(0x45)).isEqualTo(2);
        assertThat(UtunFraming.familyFor(0x60)).isEqualTo(30);
        assertThat(UtunFraming.familyFor(0x00)).isEqualTo(-1);
        assertThat(UtunFraming.matches(30, 0x6F)).isTrue();
        assertThat(UtunFraming.matches(2, 0x6F)).isFalse();
        assertThat(UtunFraming.matches(-1, 0x00)).isFalse();
    }

    @Test
    void openingUtunOffMacOsIsRefusedClearly() {
        Assumptions.assumeFalse(Posix.DARWIN, "this checks the refusal off macOS");
        assertThatThrownBy(UtunChannel::open).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("macOS");
    }

    @Test
    void opensARealUtunInterfaceOnMacOs() throws IOException {
        if (!Posix.DARWIN) {
            String reason = "utun needs macOS; this is " + System.getProperty("os.name") + ": skipped";
            System.out.println("UtunControlTest.opensARealUtunInterfaceOnMacOs: " + reason);
            Assumptions.abort(reason);
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            String reason = "creating a utun interface needs root; running as " + System.getProperty("user.name") + ": skipped";
            System.out.println("UtunControlTest.opensARealUtunInterfaceOnMacOs: " + reason);
            Assumptions.abort(reason);
        }
        try (UtunChannel channel = UtunChannel.open()) {
            assertThat(channel.interfaceName()).matches("utun\\d+");
            int unit = Integer.parseInt(channel.interfaceName().substring(4));
            // The unit is taken while the channel is open.
            assertThatThrownBy(() -> UtunChannel.open(unit)).isInstanceOf(IOException.class);
            // The kernel takes an (invalid, to be dropped by IP) packet through the framing.
            byte[] ping = new byte[28];
            ping[0] = 0x45;
            PacketBuffer[] one = {PacketBuffer.copyOf(ping, 0)};
            assertThat(channel.writeBatch(one, 1)).isEqualTo(1);
            assertThat(channel.stats().txPackets()).isEqualTo(1);
        }
    }
}
