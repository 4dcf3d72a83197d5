package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;

/** A multi-queue TUN: the kernel spreads flows over the queues and keeps each flow on one. */
@RequiresNetAdmin
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class MultiQueueTunTest {

    private static TunDevice openMultiQueue(String subnetPrefix, int queues) throws IOException {
        TunDevice tun = TunDevice.open(TunOptions.tun(TestSupport.uniqueName("nq")).withQueues(queues));
        try {
            TestSupport.disableIpv6(tun.name());
            tun.setMtu(1500).setUp(true).addAddress(InetAddress.getByName(subnetPrefix + ".1"), 24);
            return tun;
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
    }

    @Test
    void flowsSpreadOverQueuesAndEachFlowStaysOnOne() throws Exception {
        int queues = 4;
        int flows = 48;
        int perFlow = 4;
        try (TunDevice tun = openMultiQueue("10.79.0", queues)) {
            assertThat(tun.multiQueue()).isTrue();
            assertThat(tun.queues()).hasSize(queues);
            List<PacketCollector> collectors = new ArrayList<>();
            try {
                for (TunChannel q : tun.queues()) {
                    collectors.add(new PacketCollector(q, 2048, 64));
                }
                List<DatagramChannel> senders = new ArrayList<>();
                try {
                    for (int f = 0; f < flows; f++) {
                        DatagramChannel s = DatagramChannel.open();
                        s.bind(new InetSocketAddress("10.79.0.1", 0));
                        senders.add(s);
                    }
                    for (int round = 0; round < perFlow; round++) {
                        for (DatagramChannel s : senders) {
                            s.send(ByteBuffer.wrap(new byte[] {(byte) round}), new InetSocketAddress("10.79.0.2", 5000));
                        }
                    }
                    Map<Integer, Set<Integer>> queuesOfFlow = new HashMap<>();
                    Map<Integer, Integer> packetsOfFlow = new HashMap<>();
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    int received = 0;
                    while (received < flows * perFlow && System.nanoTime() < deadline) {
                        for (int q = 0; q < queues; q++) {
                            byte[] p;
                            while ((p = collectors.get(q).poll(q == 0 ? 20 : 0)) != null) {
                                if (p[9] != TestPackets.PROTO_UDP || Bytes.u16(p, 22) != 5000) {
                                    continue;
                                }
                                int sourcePort = Bytes.u16(p, 20);
                                queuesOfFlow.computeIfAbsent(sourcePort, k -> new HashSet<>()).add(q);
                                packetsOfFlow.merge(sourcePort, 1, Integer::sum);
                                received++;
                            }
                        }
                    }
                    assertThat(received).isEqualTo(flows * perFlow);
                    assertThat(queuesOfFlow).hasSize(flows);
                    Map<Integer, Integer> flowsPerQueue = new TreeMap<>();
                    for (Map.Entry<Integer, Set<Integer>> e : queuesOfFlow.entrySet()) {
                        assertThat(e.getValue()).as("queues of flow from port %d", e.getKey()).hasSize(1);
                        flowsPerQueue.merge(e.getValue().iterator().next(), 1, Integer::sum);
                    }
                    assertThat(packetsOfFlow.values()).allMatch(n -> n == perFlow);
                    System.out.println("multi-queue: " + flows + " flows over " + queues + " queues: " + flowsPerQueue);
                    assertThat(flowsPerQueue.size()).as("queues that got flows").isGreaterThanOrEqualTo(2);
                } finally {
                    for (DatagramChannel s : senders) {
                        s.close();
                    }
                }
                for (PacketCollector c : collectors) {
                    assertThat(c.failure()).isNull();
                }
            } finally {
                for (PacketCollector c : collectors) {
                    c.close();
                }
            }
        }
    }

    @Test
    void closingUnderLoadEndsEveryLoopAndLeaksNoFd() throws Exception {
        int queues = 2;
        // Warm up: classes, the first device, what the JDK opens lazily for its first datagram.
        try (TunDevice warm = openMultiQueue("10.80.0", queues); DatagramChannel s = DatagramChannel.open()) {
            s.bind(new InetSocketAddress("10.80.0.1", 0));
            s.send(ByteBuffer.allocate(1), new InetSocketAddress("10.80.0.2", 6000));
        }
        int fdsBefore = TestSupport.openFdCount();
        var fdMapBefore = TestSupport.openFds();

        TunDevice tun = openMultiQueue("10.80.0", queues);
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        Thread sender = Thread.ofPlatform().name("udp-flood").start(() -> {
            // Bounded in count and time; many flows so that both queues are busy.
            long end = System.nanoTime() + 10_000_000_000L;
            try (DatagramChannel s = DatagramChannel.open()) {
                s.bind(new InetSocketAddress("10.80.0.1", 0));
                ByteBuffer payload = ByteBuffer.allocate(200);
                for (int i = 0; i < 5_000_000 && sending.get() && System.nanoTime() < end; i++) {
                    payload.clear();
                    s.send(payload, new InetSocketAddress("10.80.0.2", 6000 + (i & 63)));
                    sent.incrementAndGet();
                }
            } catch (IOException e) {
                // the device went away under the sender: fine
            }
        });
        long[] endedAt = new long[queues];
        Throwable[] endedBy = new Throwable[queues];
        AtomicLong[] read = new AtomicLong[queues];
        Thread[] loops = new Thread[queues];
        for (int q = 0; q < queues; q++) {
            int queue = q;
            read[q] = new AtomicLong();
            TunChannel channel = tun.queue(q);
            loops[q] = Thread.ofPlatform().name("loop-" + q).start(() -> {
                PacketBuffer[] buffers = new PacketBuffer[32];
                for (int i = 0; i < buffers.length; i++) {
                    buffers[i] = new PacketBuffer(2048, 64);
                }
                int[] lengths = new int[buffers.length];
                try {
                    for (;;) {
                        for (PacketBuffer b : buffers) {
                            b.reset(64);
                        }
                        int n = channel.readBatch(buffers, lengths, buffers.length);
                        read[queue].addAndGet(n);
                    }
                } catch (Throwable t) {
                    endedBy[queue] = t;
                } finally {
                    endedAt[queue] = System.nanoTime();
                }
            });
        }
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (read[0].get() + read[1].get() < 20_000 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(read[0].get() + read[1].get()).as("packets read under load").isGreaterThanOrEqualTo(20_000);
            long closedAt = System.nanoTime();
            tun.close();
            for (Thread loop : loops) {
                loop.join(5000);
                assertThat(loop.isAlive()).as("loop still running 5 s after close").isFalse();
            }
            long worst = 0;
            for (int q = 0; q < queues; q++) {
                assertThat(endedBy[q]).isInstanceOf(ClosedChannelException.class);
                worst = Math.max(worst, endedAt[q] - closedAt);
            }
            System.out.printf("close under load: %d + %d packets read, %d sent; loops ended %.3f ms after close%n",
                    read[0].get(), read[1].get(), sent.get(), worst / 1e6);
        } finally {
            sending.set(false);
            sender.join(5000);
            tun.close();
        }
        assertThat(TestSupport.openFdsTo("/dev/net/tun")).isZero();
        assertThat(TestSupport.openFds()).as("open fds").isEqualTo(fdMapBefore);
        assertThat(TestSupport.openFdCount()).isEqualTo(fdsBefore);
    }
}
