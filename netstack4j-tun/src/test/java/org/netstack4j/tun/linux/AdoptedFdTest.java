package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;

/**
 * Adopting queue fds that someone else attached (as a privileged launcher or a VPN service hands
 * them over): the channel learns the flags from the kernel, switches the fd to non-blocking, and
 * copes with the packet information header of an fd opened without {@code IFF_NO_PI}.
 */
@RequiresNetAdmin
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class AdoptedFdTest {

    /** Opens and attaches a queue the way another program would: blocking, with the given flags. */
    static int attachElsewhere(String name, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            int fd = Libc.open(st, arena.allocateFrom("/dev/net/tun"), Libc.O_RDWR | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new ErrnoException("open", Libc.errno(st));
            }
            MemorySegment req = InterfaceControl.ifreq(arena, name);
            req.set(ValueLayout.JAVA_SHORT, InterfaceControl.IFNAMSIZ, (short) flags);
            if (Libc.ioctl(st, fd, TunDevice.TUNSETIFF, req) < 0) {
                int errno = Libc.errno(st);
                Libc.close(st, fd);
                throw new ErrnoException("TUNSETIFF", errno);
            }
            return fd;
        }
    }

    static boolean isNonBlocking(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            return (Libc.fcntlGet(st, fd, Libc.F_GETFL) & Libc.O_NONBLOCK) != 0;
        }
    }

    @Test
    void adoptedTunWithPacketInformationCarriesIpPackets() throws Exception {
        String name = TestSupport.uniqueName("na");
        int fd = attachElsewhere(name, TunDevice.IFF_TUN); // no IFF_NO_PI: 4-byte header on every packet
        assertThat(isNonBlocking(fd)).isFalse();
        try (TunDevice tun = TunDevice.adopt(new int[] {fd}, AdoptOptions.defaults().withPacketInformation(true))) {
            assertThat(tun.name()).isEqualTo(name);
            assertThat(tun.mode()).isEqualTo(TunMode.TUN);
            assertThat(tun.virtioNetHeaderLength()).isZero();
            TunChannel q = tun.queue(0);
            assertThat(q.deviceHeaderLength()).isEqualTo(4);
            assertThat(q.fd()).isEqualTo(fd);
            assertThat(isNonBlocking(fd)).isTrue();

            TestSupport.disableIpv6(name);
            tun.setUp(true).addAddress(InetAddress.getByName("10.83.0.1"), 24);
            try (PacketCollector in = new PacketCollector(q, 2048, 64)) {
                byte[] payload = "adopted".getBytes(StandardCharsets.US_ASCII);
                q.write(PacketBuffer.copyOf(TestPackets.icmpEcho(true, TestPackets.ipv4("10.83.0.2"),
                        TestPackets.ipv4("10.83.0.1"), 0x0a0a, 1, payload), 64));
                // A packet without headroom takes the copying path.
                q.write(PacketBuffer.copyOf(TestPackets.icmpEcho(true, TestPackets.ipv4("10.83.0.2"),
                        TestPackets.ipv4("10.83.0.1"), 0x0a0a, 2, payload), 0));
                for (int seq = 1; seq <= 2; seq++) {
                    byte[] reply = in.poll(5000);
                    assertThat(reply).isNotNull();
                    assertThat(TestPackets.ipVersion(reply, 0)).as("PI header stripped").isEqualTo(4);
                    assertThat(reply[20]).isEqualTo((byte) 0);
                    assertThat(Bytes.u16(reply, 26)).isEqualTo(seq);
                    assertThat(Arrays.copyOfRange(reply, 28, reply.length)).isEqualTo(payload);
                }
                assertThat(q.stats().writeCopies()).isEqualTo(1);
            }
        }
    }

    @Test
    void adoptedTapWithVirtioHeaderReportsItsFlags() throws Exception {
        String name = TestSupport.uniqueName("na");
        int fd = attachElsewhere(name, TunDevice.IFF_TAP | TunDevice.IFF_NO_PI | TunDevice.IFF_VNET_HDR);
        AdoptOptions options = AdoptOptions.defaults().withOffloads(TunOffload.tcp()).withDeliverSuperPackets(true);
        try (TunDevice tap = TunDevice.adopt(new int[] {fd}, options)) {
            assertThat(tap.mode()).isEqualTo(TunMode.TAP);
            assertThat(tap.virtioNetHeaderLength()).isEqualTo(VirtioNetHeader.LENGTH);
            assertThat(tap.offloads()).containsExactlyInAnyOrder(TunOffload.CHECKSUM, TunOffload.TSO4, TunOffload.TSO6);
            assertThat(tap.queue(0).hostGsoMaxSize()).isEqualTo(65535);
        }
    }

    @Test
    void anFdThatIsNoTunIsRefusedAndStaysTheCallers() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            int fd = Libc.open(st, arena.allocateFrom("/dev/null"), Libc.O_RDWR | Libc.O_CLOEXEC);
            assertThat(fd).isNotNegative();
            try {
                assertThatThrownBy(() -> TunDevice.adopt(new int[] {fd}, AdoptOptions.defaults()))
                        .isInstanceOf(ErrnoException.class)
                        .hasMessageContaining("TUNGETIFF");
                assertThat(Libc.fcntlGet(st, fd, Libc.F_GETFL)).as("fd still open").isNotNegative();
            } finally {
                Libc.close(st, fd);
            }
        }
    }
}
