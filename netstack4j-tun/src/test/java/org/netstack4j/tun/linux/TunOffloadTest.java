package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.gso.GsoResult;
import org.netstack4j.link.gso.GsoSegmenter;
import org.netstack4j.wire.Bytes;

/**
 * virtio-net offloads against the kernel's own TCP: a client socket sends through TUN device A, the
 * test relays (with address rewriting) into TUN device B, behind which a server socket receives.
 * With TSO granted, A hands over super-packets; either they are passed to B whole (the kernel takes
 * them back with their virtio header) or A cuts them into MTU-sized segments. Either way the data
 * arrive intact.
 */
@RequiresNetAdmin
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class TunOffloadTest {
    private static final int MTU = 1500;
    private static final int BYTES = 16 << 20;

    private record Plan(String aKernel, String aPeer, String bKernel, String bPeer, int prefix) {
    }

    @ParameterizedTest(name = "ipv6={0} deliverSuperPackets={1}")
    @CsvSource({"false, true", "false, false", "true, true", "true, false"})
    void kernelTcpCrossesTwoTunsWithOffloads(boolean ipv6, boolean whole) throws Exception {
        Plan plan = ipv6
                ? new Plan("fd00:84::1", "fd00:84::2", "fd00:85::1", "fd00:85::2", 64)
                : new Plan("10.84.0.1", "10.84.0.2", "10.85.0.1", "10.85.0.2", 24);
        TunOptions options = TunOptions.tun("x").withOffloads(TunOffload.tcp()).withDeliverSuperPackets(whole);
        try (TunDevice a = open(options, TestSupport.uniqueName("oa"), plan.aKernel(), plan.prefix(), ipv6);
             TunDevice b = open(options, TestSupport.uniqueName("ob"), plan.bKernel(), plan.prefix(), ipv6)) {
            assertThat(a.offloads()).contains(TunOffload.CHECKSUM, TunOffload.TSO4, TunOffload.TSO6);
            assertThat(a.queue(0).hostGsoMaxSize()).isEqualTo(65535);
            byte[] aKernel = InetAddress.getByName(plan.aKernel()).getAddress();
            byte[] aPeer = InetAddress.getByName(plan.aPeer()).getAddress();
            byte[] bKernel = InetAddress.getByName(plan.bKernel()).getAddress();
            byte[] bPeer = InetAddress.getByName(plan.bPeer()).getAddress();
            int bufferSize = whole ? TunChannel.MAX_SUPER_PACKET : 2048;
            try (NatRelay forward = new NatRelay(a.queue(0), b.queue(0), aKernel, bPeer, aPeer, bKernel, bufferSize);
                 NatRelay backward = new NatRelay(b.queue(0), a.queue(0), bKernel, aPeer, bPeer, aKernel, bufferSize);
                 ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(plan.bKernel(), 0));
                server.setSoTimeout(20_000);
                byte[] data = new byte[BYTES];
                new Random(42).nextBytes(data);
                long started = System.nanoTime();
                CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> receiveAll(server),
                        r -> Thread.ofPlatform().start(r));
                try (Socket client = new Socket()) {
                    client.bind(new InetSocketAddress(plan.aKernel(), 0));
                    client.connect(new InetSocketAddress(plan.aPeer(), server.getLocalPort()), 10_000);
                    OutputStream out = client.getOutputStream();
                    for (int at = 0; at < data.length; at += 65536) {
                        out.write(data, at, Math.min(65536, data.length - at));
                    }
                    client.shutdownOutput();
                    byte[] digest = received.get(60, TimeUnit.SECONDS);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    assertThat(digest).as("SHA-256 of what the server got")
                            .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
                    System.out.printf("offload ipv6=%s whole=%s: %d MiB in %.2f s (%.2f Gbit/s); A %s; B %s; "
                                    + "relay saw %d super-packets, largest %d B%n", ipv6, whole, BYTES >> 20, seconds,
                            BYTES * 8 / seconds / 1e9, a.queue(0).stats(), b.queue(0).stats(),
                            forward.superPackets.get(), forward.largest.get());
                }
                assertThat(forward.failure).isNull();
                assertThat(backward.failure).isNull();
                ChannelStats aStats = a.queue(0).stats();
                assertThat(aStats.superPacketsRead()).as("super-packets from the kernel sender").isPositive();
                assertThat(aStats.readDropsMalformed()).isZero();
                if (whole) {
                    assertThat(forward.superPackets.get()).isPositive();
                    assertThat(forward.largest.get()).as("largest super-packet").isGreaterThan(MTU);
                    assertThat(b.queue(0).stats().superPacketsWritten()).as("super-packets to the kernel receiver")
                            .isPositive();
                    for (NatRelay.SuperPacket sample : forward.samples) {
                        assertThat(sample.gsoType()).isEqualTo(ipv6 ? PacketBuffer.GSO_TCPV6 : PacketBuffer.GSO_TCPV4);
                        assertSplitsIntoValidSegments(sample, ipv6);
                    }
                } else {
                    assertThat(forward.superPackets.get()).as("no super-packet passed on").isZero();
                    assertThat(aStats.segmentsSplit()).isGreaterThan(aStats.superPacketsRead());
                    assertThat(aStats.checksumsCompleted()).isPositive();
                }
            }
        }
    }

    private static TunDevice open(TunOptions options, String name, String address, int prefix, boolean ipv6)
            throws IOException {
        TunDevice tun = TunDevice.open(new TunOptions(name, options.mode(), 1, false, options.attach(),
                options.virtioNetHeader(), options.offloads(), options.deliverSuperPackets(), false));
        try {
            if (!ipv6) {
                TestSupport.disableIpv6(name);
            }
            tun.setMtu(MTU).setUp(true).addAddress(InetAddress.getByName(address), prefix);
            return tun;
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
    }

    private static byte[] receiveAll(ServerSocket server) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(20_000);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            InputStream in = s.getInputStream();
            byte[] chunk = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(chunk)) >= 0; ) {
                sha.update(chunk, 0, n);
                total += n;
            }
            if (total != BYTES) {
                throw new IllegalStateException("received " + total + " bytes");
            }
            return sha.digest();
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cuts a recorded super-packet and checks every segment as a receiver would. */
    private static void assertSplitsIntoValidSegments(NatRelay.SuperPacket sample, boolean ipv6) {
        byte[] p = sample.bytes();
        PacketBuffer superPacket = PacketBuffer.copyOf(p, 0);
        superPacket.gso(sample.gsoType(), sample.gsoSize());
        superPacket.checksumPartial(sample.checksumStart(), sample.checksumOffset());
        GsoSegmenter segmenter = new GsoSegmenter();
        assertThat(segmenter.prepare(superPacket)).isEqualTo(GsoResult.OK);
        int ipHeader = ipv6 ? 40 : (p[0] & 0x0f) * 4;
        int tcpHeader = ((p[ipHeader + 12] & 0xff) >>> 4) * 4;
        int headers = ipHeader + tcpHeader;
        int expectedSegments = (p.length - headers + sample.gsoSize() - 1) / sample.gsoSize();
        long sequence = Bytes.u32(p, ipHeader + 4);
        int payloadAt = headers;
        int segments = 0;
        while (segments < segmenter.segmentCount()) {
            PacketBuffer segment = new PacketBuffer(2048, 0);
            int length = segmenter.segment(superPacket, segments, segment);
            byte[] s = segment.toByteArray();
            segments++;
            assertThat(length).isEqualTo(s.length).isLessThanOrEqualTo(MTU);
            if (ipv6) {
                assertThat(Bytes.u16(s, 4)).isEqualTo(s.length - 40);
                assertThat(TestPackets.ipv6TransportChecksumOk(s, 0, s.length)).as("TCP checksum").isTrue();
            } else {
                assertThat(Bytes.u16(s, 2)).isEqualTo(s.length);
                assertThat(TestPackets.ipv4HeaderChecksumOk(s, 0)).as("IPv4 header checksum").isTrue();
                assertThat(TestPackets.ipv4TransportChecksumOk(s, 0, s.length)).as("TCP checksum").isTrue();
            }
            assertThat(Bytes.u32(s, ipHeader + 4)).as("sequence number").isEqualTo(sequence);
            int payload = s.length - headers;
            assertThat(java.util.Arrays.equals(s, headers, s.length, p, payloadAt, payloadAt + payload)).isTrue();
            sequence = (sequence + payload) & 0xffffffffL;
            payloadAt += payload;
        }
        assertThat(segments).isEqualTo(expectedSegments).isGreaterThan(1);
        assertThat(payloadAt).isEqualTo(p.length);
    }
}
