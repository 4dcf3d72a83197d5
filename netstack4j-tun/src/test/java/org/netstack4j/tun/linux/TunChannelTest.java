package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;

/** A TUN device against the real kernel, inside the test's private network namespace. */
@RequiresNetAdmin
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class TunChannelTest {
    private static final int KERNEL = TestPackets.ipv4("10.77.0.1");
    private static final int PEER = TestPackets.ipv4("10.77.0.2");

    /** A single-queue TUN with the kernel at 10.77.0.1/24, IPv6 off (no link noise), up. */
    private static TunDevice openTun(TunOptions options) throws IOException {
        TunDevice tun = TunDevice.open(options);
        try {
            TestSupport.disableIpv6(tun.name());
            tun.setMtu(1500).setUp(true).addAddress(InetAddress.getByName("10.77.0.1"), 24);
            return tun;
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
    }

    @Test
    void createsDeviceFromTemplateAndConfiguresIt() throws Exception {
        try (TunDevice tun = TunDevice.open(TunOptions.tun("nstun%d"))) {
            assertThat(tun.name()).matches("nstun\\d+");
            assertThat(tun.mode()).isEqualTo(TunMode.TUN);
            assertThat(tun.queues()).hasSize(1);
            assertThat(InterfaceControl.exists(tun.name())).isTrue();
            tun.setMtu(1400);
            assertThat(tun.mtu()).isEqualTo(1400);
            assertThat(InterfaceControl.isUp(tun.name())).isFalse();
            tun.setUp(true);
            assertThat(InterfaceControl.isUp(tun.name())).isTrue();
            tun.addAddress(InetAddress.getByName("10.76.0.1"), 24);
            tun.addRoute(InetAddress.getByName("10.76.5.0"), 24);
            String addresses = TestSupport.run(5, "ip", "-o", "addr", "show", "dev", tun.name());
            assertThat(addresses).contains("10.76.0.1/24");
            String routes = TestSupport.run(5, "ip", "route", "show", "dev", tun.name());
            assertThat(routes).contains("10.76.5.0/24");
        }
        assertThat(TestSupport.run(5, "ip", "-o", "link", "show")).doesNotContain("nstun");
    }

    @Test
    void readsExactlyTheUdpAndIcmpTheKernelSends() throws Exception {
        try (TunDevice tun = openTun(TunOptions.tun(TestSupport.uniqueName("nt")));
             PacketCollector in = new PacketCollector(tun.queue(0), 2048, 64);
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress("10.77.0.1", 0))) {
            for (int i = 0; i < 3; i++) {
                byte[] payload = ("udp-" + i).getBytes(StandardCharsets.US_ASCII);
                udp.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("10.77.0.2", 4000)));
            }
            // ping gets no answer (nobody reads for 10.77.0.2 but us); bounded by count and deadline.
            Process ping = TestSupport.start(java.util.List.of("ping", "-n", "-c", "2", "-i", "0.2", "-W", "1",
                    "10.77.0.2"));
            try {
                for (int i = 0; i < 3; i++) {
                    byte[] p = in.poll(5000);
                    assertThat(p).as("UDP datagram %d", i).isNotNull();
                    assertThat(TestPackets.ipVersion(p, 0)).isEqualTo(4);
                    assertThat(p[9]).isEqualTo((byte) TestPackets.PROTO_UDP);
                    assertThat(Bytes.i32(p, 12)).isEqualTo(KERNEL);
                    assertThat(Bytes.i32(p, 16)).isEqualTo(PEER);
                    assertThat(Bytes.u16(p, 22)).isEqualTo(4000);
                    assertThat(new String(p, 28, p.length - 28, StandardCharsets.US_ASCII)).isEqualTo("udp-" + i);
                    assertThat(TestPackets.ipv4HeaderChecksumOk(p, 0)).isTrue();
                    assertThat(TestPackets.ipv4TransportChecksumOk(p, 0, p.length)).isTrue();
                }
                for (int i = 1; i <= 2; i++) {
                    byte[] p = in.poll(5000);
                    assertThat(p).as("ICMP echo request %d", i).isNotNull();
                    assertThat(p[9]).isEqualTo((byte) TestPackets.PROTO_ICMP);
                    assertThat(Bytes.i32(p, 16)).isEqualTo(PEER);
                    assertThat(p[20]).as("ICMP type").isEqualTo((byte) 8);
                    assertThat(Bytes.u16(p, 26)).as("ICMP sequence").isEqualTo(i);
                }
            } finally {
                TestSupport.stop(ping);
            }
            assertThat(in.failure()).isNull();
            ChannelStats stats = tun.queue(0).stats();
            assertThat(stats.packetsRead()).isEqualTo(5);
            assertThat(stats.readsTruncated()).isZero();
        }
    }

    @Test
    void kernelAnswersAHandBuiltEchoRequest() throws Exception {
        try (TunDevice tun = openTun(TunOptions.tun(TestSupport.uniqueName("nt")));
             PacketCollector in = new PacketCollector(tun.queue(0), 2048, 64)) {
            byte[] payload = "netstack4j echo".getBytes(StandardCharsets.US_ASCII);
            byte[] request = TestPackets.icmpEcho(true, PEER, KERNEL, 0x4242, 7, payload);
            tun.queue(0).write(PacketBuffer.copyOf(request, 64));

            byte[] reply = in.poll(5000);
            assertThat(reply).isNotNull();
            assertThat(reply[9]).isEqualTo((byte) TestPackets.PROTO_ICMP);
            assertThat(Bytes.i32(reply, 12)).isEqualTo(KERNEL);
            assertThat(Bytes.i32(reply, 16)).isEqualTo(PEER);
            assertThat(reply[20]).as("echo reply").isEqualTo((byte) 0);
            assertThat(Bytes.u16(reply, 24)).isEqualTo(0x4242);
            assertThat(Bytes.u16(reply, 26)).isEqualTo(7);
            assertThat(Arrays.copyOfRange(reply, 28, reply.length)).isEqualTo(payload);
            assertThat(TestPackets.ipv4HeaderChecksumOk(reply, 0)).isTrue();
            assertThat(tun.queue(0).stats().packetsWritten()).isEqualTo(1);
        }
    }

    @Test
    void kernelAnswersAnIcmpv6EchoRequest() throws Exception {
        String name = TestSupport.uniqueName("nt");
        try (TunDevice tun = TunDevice.open(TunOptions.tun(name))) {
            tun.setMtu(1500).setUp(true).addAddress(InetAddress.getByName("fd00:77::1"), 64);
            try (PacketCollector in = new PacketCollector(tun.queue(0), 2048, 64)) {
                byte[] kernel = InetAddress.getByName("fd00:77::1").getAddress();
                byte[] peer = InetAddress.getByName("fd00:77::2").getAddress();
                byte[] payload = "v6 echo".getBytes(StandardCharsets.US_ASCII);
                tun.queue(0).write(PacketBuffer.copyOf(TestPackets.icmpv6EchoRequest(peer, kernel, 99, 1, payload), 64));
                // The link may also carry router solicitations and MLD reports: wait for the echo reply.
                byte[] reply = in.pollMatching(p -> TestPackets.ipVersion(p, 0) == 6 && p[6] == 58
                        && (p[40] & 0xff) == 129, 5000);
                assertThat(reply).as("echo reply; %s", tun.queue(0).stats()).isNotNull();
                assertThat(Arrays.copyOfRange(reply, 8, 24)).isEqualTo(kernel);
                assertThat(Arrays.copyOfRange(reply, 24, 40)).isEqualTo(peer);
                assertThat(Bytes.u16(reply, 44)).isEqualTo(99);
                assertThat(Arrays.copyOfRange(reply, 48, reply.length)).isEqualTo(payload);
                assertThat(TestPackets.ipv6TransportChecksumOk(reply, 0, reply.length)).isTrue();
            }
        }
    }

    @Test
    void closeWakesABlockedReaderAndReleasesEveryFd() throws Exception {
        String name = TestSupport.uniqueName("nt");
        // Warm up whatever the JVM opens lazily (class loading, the netlink and ioctl paths).
        TunDevice.open(TunOptions.tun(name)).close();
        int fdsBefore = TestSupport.openFdCount();
        TunDevice tun = TunDevice.open(TunOptions.tun(name));
        TunChannel channel = tun.queue(0);
        assertThat(TestSupport.openFdsTo("/dev/net/tun")).isEqualTo(1);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                channel.read(new PacketBuffer(2048, 0));
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, r -> Thread.ofPlatform().start(r));
        // Let it block in epoll_wait (it finds nothing to read: the device is down).
        while (channel.stats().readWaits() == 0) {
            Thread.sleep(5);
        }
        tun.close();
        assertThat(reader.get(5, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        assertThat(channel.isOpen()).isFalse();
        assertThatThrownBy(() -> channel.read(new PacketBuffer(2048, 0))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> channel.write(PacketBuffer.copyOf(new byte[20], 0)))
                .isInstanceOf(ClosedChannelException.class);
        tun.close(); // idempotent
        assertThat(TestSupport.openFdsTo("/dev/net/tun")).isZero();
        assertThat(TestSupport.openFdCount()).isEqualTo(fdsBefore);
        assertThat(InterfaceControl.exists(name)).isFalse();
    }

    @Test
    void refusedPacketsAreReportedAndTheChannelStaysUsable() throws Exception {
        try (TunDevice tun = openTun(TunOptions.tun(TestSupport.uniqueName("nt")));
             PacketCollector in = new PacketCollector(tun.queue(0), 2048, 64)) {
            TunChannel q = tun.queue(0);
            // Version nibble 0: not an IP packet, the kernel refuses it.
            assertThatThrownBy(() -> q.write(PacketBuffer.copyOf(new byte[40], 0)))
                    .isInstanceOf(PacketRejectedException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errnoName()).isEqualTo("EINVAL"));
            assertThat(q.stats().writesRejected()).isEqualTo(1);
            // A super-packet needs the virtio-net header.
            PacketBuffer gso = PacketBuffer.copyOf(TestPackets.icmpEcho(true, PEER, KERNEL, 1, 1, new byte[8]), 64);
            gso.gso(PacketBuffer.GSO_TCPV4, 1000);
            assertThatThrownBy(() -> q.write(gso)).isInstanceOf(PacketRejectedException.class);
            // Still usable.
            q.write(PacketBuffer.copyOf(TestPackets.icmpEcho(true, PEER, KERNEL, 5, 5, new byte[8]), 64));
            assertThat(in.pollMatching(p -> p[20] == 0 && Bytes.u16(p, 24) == 5, 5000)).isNotNull();
        }
    }

    @Test
    void writingToADownLinkIsACountedDrop() throws Exception {
        try (TunDevice tun = TunDevice.open(TunOptions.tun(TestSupport.uniqueName("nt")))) {
            TunChannel q = tun.queue(0);
            q.write(PacketBuffer.copyOf(TestPackets.icmpEcho(true, PEER, KERNEL, 1, 1, new byte[8]), 64));
            assertThat(q.stats().writeDropsLinkDown()).isEqualTo(1);
            assertThat(q.stats().packetsWritten()).isZero();
        }
    }

    @Test
    void attachRulesAreEnforcedByTheKernel() throws Exception {
        String name = TestSupport.uniqueName("nt");
        assertThatThrownBy(() -> TunDevice.open(TunOptions.tun(name).withAttach(TunOptions.Attach.ATTACH_EXISTING)))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errnoName()).isEqualTo("ENODEV"));
        try (TunDevice first = TunDevice.open(TunOptions.tun(name).withAttach(TunOptions.Attach.CREATE_NEW))) {
            assertThat(first.name()).isEqualTo(name);
            // A single-queue device takes one fd only.
            assertThatThrownBy(() -> TunDevice.open(TunOptions.tun(name)))
                    .isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errnoName()).isEqualTo("EBUSY"))
                    .hasMessageContaining("TUNSETIFF " + name);
            assertThatThrownBy(() -> TunDevice.open(TunOptions.tun(name).withAttach(TunOptions.Attach.CREATE_NEW)))
                    .isInstanceOf(ErrnoException.class);
        }
    }
}
