package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.MacAddress;

/**
 * AF_PACKET sockets on the test's end of a veth pair whose other end lives in a peer namespace with
 * a real kernel behind it.
 */
@RequiresNetAdmin
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class PacketSocketChannelTest {
    private static final int PEER = TestPackets.ipv4("10.86.0.1");
    private static final int US = TestPackets.ipv4("10.86.0.2");

    private static long mac(PeerNamespace ns) throws Exception {
        String link = ns.exec("ip", "-o", "link", "show", ns.peerInterface);
        String mac = link.substring(link.indexOf("link/ether ") + 11).trim().split("\\s+")[0];
        return MacAddress.parse(mac).value();
    }

    @Test
    void fanoutKeepsEachKernelFlowOnOneSocket() throws Exception {
        try (PeerNamespace ns = PeerNamespace.create("10.86.0.1/24")) {
            long ourMac = InterfaceControl.hardwareAddress(ns.localInterface).value();
            // We hold no address: tell the peer where 10.86.0.2 is, so it sends without asking.
            ns.exec("ip", "neigh", "replace", "10.86.0.2", "lladdr", MacAddress.of(bytes(ourMac), 0).toString(),
                    "dev", ns.peerInterface, "nud", "permanent");
            int sockets = 4;
            List<PacketSocketChannel> group = PacketSocketChannel.openFanout(ns.localInterface, sockets,
                    SocketChannelOptions.defaults());
            List<PacketCollector> collectors = new ArrayList<>();
            try {
                assertThat(group).hasSize(sockets);
                assertThat(group.get(0).fanoutGroup()).isEqualTo(group.get(3).fanoutGroup()).isNotNegative();
                for (PacketSocketChannel c : group) {
                    collectors.add(new PacketCollector(c, 2048, 64));
                }
                int flows = 32;
                int perFlow = 4;
                // The peer's kernel sends: one UDP socket (one source port) per flow, four datagrams each.
                ns.exec("bash", "-c", "for f in $(seq " + flows + "); do exec 3>/dev/udp/10.86.0.2/5000; "
                        + "for i in $(seq " + perFlow + "); do echo \"flow $f $i\" >&3; done; exec 3>&-; done");
                Map<Integer, Set<Integer>> socketsOfFlow = new HashMap<>();
                int received = 0;
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (received < flows * perFlow && System.nanoTime() < deadline) {
                    for (int s = 0; s < sockets; s++) {
                        byte[] f;
                        while ((f = collectors.get(s).poll(s == 0 ? 20 : 0)) != null) {
                            if (Bytes.u16(f, 12) != 0x0800 || f[14 + 9] != TestPackets.PROTO_UDP
                                    || Bytes.u16(f, 14 + 22) != 5000) {
                                continue;
                            }
                            assertThat(MacAddress.read(f, 0)).isEqualTo(ourMac);
                            assertThat(Bytes.i32(f, 14 + 12)).isEqualTo(PEER);
                            socketsOfFlow.computeIfAbsent(Bytes.u16(f, 14 + 20), k -> new HashSet<>()).add(s);
                            received++;
                        }
                    }
                }
                assertThat(received).isEqualTo(flows * perFlow);
                assertThat(socketsOfFlow).hasSize(flows);
                Map<Integer, Integer> flowsPerSocket = new TreeMap<>();
                for (Map.Entry<Integer, Set<Integer>> e : socketsOfFlow.entrySet()) {
                    assertThat(e.getValue()).as("sockets of flow from port %d", e.getKey()).hasSize(1);
                    flowsPerSocket.merge(e.getValue().iterator().next(), 1, Integer::sum);
                }
                System.out.println("fanout: " + flows + " flows over " + sockets + " sockets: " + flowsPerSocket);
                assertThat(flowsPerSocket.size()).as("sockets that got flows").isGreaterThanOrEqualTo(2);
                for (PacketCollector c : collectors) {
                    assertThat(c.failure()).isNull();
                }
            } finally {
                for (PacketCollector c : collectors) {
                    c.close();
                }
                for (PacketSocketChannel c : group) {
                    c.close();
                }
            }
        }
    }

    @Test
    void framesWeSendReachThePeerKernelWhichAnswers() throws Exception {
        try (PeerNamespace ns = PeerNamespace.create("10.86.0.1/24")) {
            long ourMac = InterfaceControl.hardwareAddress(ns.localInterface).value();
            long peerMac = mac(ns);
            ns.exec("ip", "neigh", "replace", "10.86.0.2", "lladdr", MacAddress.of(bytes(ourMac), 0).toString(),
                    "dev", ns.peerInterface, "nud", "permanent");
            try (PacketSocketChannel channel = PacketSocketChannel.open(ns.localInterface,
                    SocketChannelOptions.defaults().withBatchSize(32));
                 PacketCollector in = new PacketCollector(channel, 2048, 64)) {
                // One echo request, then a batch of 500 UDP frames through sendmmsg.
                byte[] echo = TestPackets.icmpEcho(true, US, PEER, 0x8686, 1, new byte[] {9, 8, 7});
                channel.write(PacketBuffer.copyOf(TestPackets.ethernet(peerMac, ourMac, 0x0800, echo), 64));
                byte[] reply = in.pollMatching(f -> Bytes.u16(f, 12) == 0x0800 && f[14 + 9] == 1, 5000);
                assertThat(reply).as("echo reply from the peer kernel").isNotNull();
                assertThat(MacAddress.read(reply, 0)).isEqualTo(ourMac);
                assertThat(reply[14 + 20]).isEqualTo((byte) 0);
                assertThat(Bytes.u16(reply, 14 + 24)).isEqualTo(0x8686);

                long before = rxPackets(ns);
                int frames = 500;
                PacketBuffer[] batch = new PacketBuffer[frames];
                for (int i = 0; i < frames; i++) {
                    byte[] udp = TestPackets.udp4(US, 7000 + i, PEER, 9, new byte[64]);
                    batch[i] = PacketBuffer.copyOf(TestPackets.ethernet(peerMac, ourMac, 0x0800, udp), 64);
                }
                int sent = 0;
                while (sent < frames) {
                    sent += channel.writeBatch(java.util.Arrays.copyOfRange(batch, sent, frames), frames - sent);
                }
                assertThat(channel.stats().writeBatchCalls()).isBetween(16L, 40L);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (rxPackets(ns) - before < frames && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(rxPackets(ns) - before).as("frames the peer interface received").isGreaterThanOrEqualTo(frames);
            }
        }
    }

    private static long rxPackets(PeerNamespace ns) throws Exception {
        String stats = ns.exec("cat", "/sys/class/net/" + ns.peerInterface + "/statistics/rx_packets");
        return Long.parseLong(stats.trim());
    }

    private static byte[] bytes(long mac) {
        byte[] b = new byte[6];
        MacAddress.write(b, 0, mac);
        return b;
    }
}
