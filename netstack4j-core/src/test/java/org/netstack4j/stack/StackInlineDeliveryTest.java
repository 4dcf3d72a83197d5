package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.Clock;
import org.netstack4j.time.Timer;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.TransportProtocolHandler;
import org.netstack4j.transport.TransportShard;
import org.netstack4j.wire.Bytes;

/**
 * Inline delivery: a dispatch thread that queued packets for an idle shard runs the shard's pass itself.
 * One owner at a time, no packet lost or reordered within a flow, commands from other threads and timers
 * armed in an inline pass still run, and a stack closed in the middle of it ends cleanly.
 */
class StackInlineDeliveryTest {
    /** An unassigned IP protocol number for the test's handler. */
    private static final int PROTOCOL = 253;
    private static final int US = RawPeer.ip("10.0.0.1");

    /** A datagram of {@link #PROTOCOL} from 10.0.0.{@code 10 + flow} carrying the flow and its sequence number. */
    private static byte[] datagram(int flow, int seq) {
        byte[] payload = new byte[8];
        Bytes.put32(payload, 0, flow);
        Bytes.put32(payload, 4, seq);
        return RawPeer.ipv4(RawPeer.ip("10.0.0." + (10 + flow)), US, PROTOCOL, seq & 0xffff, 0, 0, payload);
    }

    /** Records what the shards see: per flow the next expected sequence number, overlaps, threads. */
    private static final class Recorder implements TransportProtocolHandler {
        final Map<Integer, Integer> nextSeq = new ConcurrentHashMap<>();
        final AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger()};
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong reordered = new AtomicLong();
        final AtomicLong overlaps = new AtomicLong();
        final AtomicLong notOwner = new AtomicLong();
        final AtomicLong onDispatchThread = new AtomicLong();
        final AtomicLong onShardThread = new AtomicLong();
        volatile TransportHost host;

        @Override
        public void attach(TransportHost host) {
            this.host = host;
        }

        @Override
        public boolean deliver(int nicId, int ipVersion, PacketBuffer packet) {
            TransportShard shard = host.currentShard();
            if (shard == null || !shard.inShard()) {
                notOwner.incrementAndGet();
                packet.release();
                return true;
            }
            enter(shard.index());
            try {
                int at = packet.transportOffset();
                int flow = (int) Bytes.u32(packet.array(), at);
                int seq = (int) Bytes.u32(packet.array(), at + 4);
                Integer expected = nextSeq.getOrDefault(flow, 0);
                if (seq != expected) {
                    reordered.incrementAndGet();
                }
                nextSeq.put(flow, seq + 1);
                String name = Thread.currentThread().getName();
                if (name.startsWith("netstack4j-shard-")) {
                    onShardThread.incrementAndGet();
                } else {
                    onDispatchThread.incrementAndGet();
                }
                delivered.incrementAndGet();
            } finally {
                exit(shard.index());
            }
            packet.release();
            return true;
        }

        void enter(int shard) {
            if (inside[shard].incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            Thread.onSpinWait(); // widen the window a concurrent owner would fall into
        }

        void exit(int shard) {
            inside[shard].decrementAndGet();
        }
    }

    private static RawPeer peer(boolean inline, Recorder recorder) {
        RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(2).inlineDelivery(inline));
        r.stack.registerTransportHandler(PROTOCOL, recorder);
        return r;
    }

    @Test
    void packetsFromTheLinkAndFromConcurrentProducersArriveOnceInOrderWithOneOwnerAtATime() throws Exception {
        Recorder rec = new Recorder();
        try (RawPeer r = peer(true, rec)) {
            int linkFlows = 4;
            int producers = 3;
            int perFlow = 2000;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            AtomicLong offered = new AtomicLong();
            // Producers that act as further dispatch threads: queue without a wake-up, then run inline.
            for (int k = 0; k < producers; k++) {
                int flow = linkFlows + k;
                StackLoop shard = r.stack.shard(k);
                threads.add(Thread.ofPlatform().name("producer-" + k).start(() -> {
                    try {
                        start.await();
                        for (int seq = 0; seq < perFlow; seq++) {
                            PacketBuffer p = PacketBuffer.copyOf(datagram(flow, seq), 64);
                            p.networkOffset(p.start());
                            p.networkProtocol(Nic.ETHERTYPE_IPV4);
                            p.remoteLinkAddress(PacketBuffer.NO_LINK_ADDRESS);
                            p.localLinkAddress(PacketBuffer.NO_LINK_ADDRESS);
                            for (int i = 0; i < 10_000 && offered.get() - rec.delivered.get() > 2000; i++) {
                                Thread.sleep(1); // never overflow the queue: every packet must arrive
                            }
                            offered.incrementAndGet();
                            shard.offerInbound(r.nic, p, false);
                            if ((seq & 7) == 7 || seq == perFlow - 1) {
                                shard.takeInlinePending();
                                shard.runInline();
                            }
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            // Commands from another thread, touching the same per-shard state as the handler.
            AtomicLong commandsRun = new AtomicLong();
            threads.add(Thread.ofPlatform().name("commander").start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 2000; i++) {
                        StackLoop shard = r.stack.shard(i);
                        int index = shard.index;
                        shard.submit(() -> {
                            rec.enter(index);
                            rec.exit(index);
                            commandsRun.incrementAndGet();
                        });
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
            start.countDown();
            for (int seq = 0; seq < perFlow; seq++) {
                for (int f = 0; f < linkFlows; f++) {
                    r.send(datagram(f, seq));
                }
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertThat(failure.get()).isNull();
            long total = (long) (linkFlows + producers) * perFlow;
            for (int i = 0; i < 1500 && (rec.delivered.get() < total || commandsRun.get() < 2000); i++) {
                Thread.sleep(10);
            }
            assertThat(rec.delivered.get()).isEqualTo(total);
            assertThat(commandsRun.get()).isEqualTo(2000);
            assertThat(rec.reordered.get()).as("packets out of order within a flow").isZero();
            assertThat(rec.overlaps.get()).as("two owners of one shard at once").isZero();
            assertThat(rec.notOwner.get()).as("handler ran without owning its shard").isZero();
            for (int f = 0; f < linkFlows + producers; f++) {
                assertThat(rec.nextSeq.get(f)).isEqualTo(perFlow);
            }
            assertThat(rec.onDispatchThread.get()).as("some packets ran inline").isPositive();
            assertThat(r.stack.stats().get(StackCounter.SHARD_QUEUE_OVERFLOW)).isZero();
        }
    }

    @Test
    void withInlineDeliveryOffEveryPacketRunsOnAShardThread() throws Exception {
        Recorder rec = new Recorder();
        try (RawPeer r = peer(false, rec)) {
            for (int seq = 0; seq < 500; seq++) {
                r.send(datagram(seq & 3, seq >> 2));
            }
            for (int i = 0; i < 1000 && rec.delivered.get() < 500; i++) {
                Thread.sleep(10);
            }
            assertThat(rec.delivered.get()).isEqualTo(500);
            assertThat(rec.onShardThread.get()).isEqualTo(500);
            assertThat(rec.reordered.get()).isZero();
        }
    }

    @Test
    void aTimerArmedInAnInlinePassFiresAndCallFromItRunsDirectly() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        AtomicReference<String> firedOn = new AtomicReference<>();
        AtomicReference<Boolean> callRanDirectly = new AtomicReference<>();
        AtomicReference<String> armedOn = new AtomicReference<>();
        AtomicReference<TransportHost> hostRef = new AtomicReference<>();
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(1).inlineDelivery(true))) {
            // Let the idle shard thread settle into its long park (no timers pending) first.
            r.stack.shard(0).call(() -> { });
            Thread.sleep(50);
            r.stack.registerTransportHandler(PROTOCOL, new TransportProtocolHandler() {
                @Override
                public void attach(TransportHost host) {
                    hostRef.set(host);
                }

                @Override
                public boolean deliver(int nicId, int ipVersion, PacketBuffer packet) {
                    TransportShard shard = hostRef.get().currentShard();
                    armedOn.set(Thread.currentThread().getName());
                    Thread me = Thread.currentThread();
                    StackLoop loop = r.stack.shard(0);
                    AtomicReference<Thread> ranOn = new AtomicReference<>();
                    loop.call(() -> ranOn.set(Thread.currentThread()));
                    callRanDirectly.set(ranOn.get() == me);
                    Timer t = new Timer((timer, now) -> {
                        firedOn.set(Thread.currentThread().getName());
                        fired.countDown();
                    });
                    shard.timers().schedule(t, shard.now() + TimeUnit.MILLISECONDS.toNanos(1));
                    packet.release();
                    return true;
                }
            });
            r.send(datagram(0, 0));
            assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(armedOn.get()).as("the packet ran inline").startsWith("netstack4j-link-");
            assertThat(callRanDirectly.get()).isTrue();
            assertThat(firedOn.get()).isNotNull();
            assertThat(r.stack.shard(0).timerHandOffs()).as("the inline owner woke the parked shard thread")
                    .isPositive();
        }
    }

    @Test
    void closingWhileDispatchThreadsRunInlineEndsCleanly() throws Exception {
        Recorder rec = new Recorder();
        RawPeer r = peer(true, rec);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread producer = Thread.ofPlatform().name("producer").start(() -> {
            try {
                StackLoop shard = r.stack.shard(0);
                for (int seq = 0; seq < 200_000 && !r.stack.isClosed(); seq++) {
                    PacketBuffer p = PacketBuffer.copyOf(datagram(9, seq), 64);
                    p.networkOffset(p.start());
                    p.networkProtocol(Nic.ETHERTYPE_IPV4);
                    shard.offerInbound(r.nic, p, false);
                    shard.takeInlinePending();
                    shard.runInline();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        for (int i = 0; i < 1000 && rec.delivered.get() < 1000; i++) {
            Thread.sleep(5);
        }
        r.close();
        producer.join(30_000);
        assertThat(producer.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(r.stack.awaitTermination(Duration.ofSeconds(10))).isTrue();
        for (Thread t : r.stack.shardThreads()) {
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(rec.overlaps.get()).isZero();
        assertThat(rec.reordered.get()).isZero();
    }
}
