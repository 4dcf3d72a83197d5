package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.ManualClock;

/**
 * Deterministic simulation: two TCP protocol instances (one shard each) on one thread and a manual clock, joined
 * by a simulated link that drops, duplicates, reorders, delays and corrupts packets from a seeded random. Many
 * transfers of random sizes both ways at once, every byte checked by hash, every connection gone at the end.
 * The seed is in the failure message.
 */
class TcpSimulationTest {
    private static final int A = 0x0a000001;
    private static final int B = 0x0a000002;

    /** A packet on the simulated wire. */
    private record Flight(long at, long order, Side to, byte[] bytes) {
    }

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final PriorityQueue<Flight> wire = new PriorityQueue<>(
            (x, y) -> x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.order, y.order));
    private long order;
    private SplittableRandom random;
    private double drop;
    private double duplicate;
    private double reorder;
    private double corrupt;
    private long sent;

    /** One stack: a TCP protocol over a fake host with one shard. */
    private final class Side extends OneShardHost {
        final TcpProtocol tcp;
        Side peer;

        Side(int address, TcpConfig config) {
            super(address, TcpSimulationTest.this.clock);
            this.tcp = new TcpProtocol(config);
            tcp.attach(this);
        }

        @Override
        public boolean send(PacketBuffer ipPacket) {
            byte[] bytes = ipPacket.toByteArray();
            sent++;
            if (random.nextDouble() < drop) {
                return true;
            }
            int copies = random.nextDouble() < duplicate ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                byte[] b = bytes.clone();
                if (random.nextDouble() < corrupt) {
                    b[20 + random.nextInt(b.length - 20)] ^= (byte) (1 + random.nextInt(255));
                }
                long delay = 2_000_000L + random.nextLong(1_000_000L);
                if (random.nextDouble() < reorder) {
                    delay += random.nextLong(20_000_000L);
                }
                wire.add(new Flight(clock.nanoTime() + delay, order++, peer, b));
            }
            return true;
        }


        void receive(byte[] bytes) {
            PacketBuffer p = new PacketBuffer(bytes.length + 64, 64);
            p.appendBytes(bytes, 0, bytes.length);
            p.networkOffset(p.start());
            p.transportOffset(p.start() + 20);
            tcp.deliver(1, 4, p);
        }

        void runTasks() {
            runTasks(100_000);
        }
    }

    /** One end of a transfer: what it sends, what it has received. */
    private static final byte[] BUF = new byte[65536];

    private static final class End {
        TcpConnection c;
        byte[] out;
        int written;
        boolean shut;
        final java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
        boolean eof;
        boolean closed;

        void step() throws Exception {
            if (c == null || closed) {
                return;
            }
            if (written < out.length) {
                int n = c.snd.tryWrite(out, written, out.length - written);
                if (n > 0) {
                    written += n;
                    c.appWake();
                }
            } else if (!shut) {
                shut = true;
                c.appShutdownOutput();
            }
            byte[] buf = BUF;
            while (c.rcv.available() > 0) {
                int n = c.rcv.read(buf, 0, buf.length, Long.MAX_VALUE);
                in.write(buf, 0, n);
            }
            if (c.rcv.isEndOfStream() && c.rcv.available() == 0) {
                eof = true;
            }
            if (eof && shut) {
                closed = true;
            }
        }
    }

    /** Seeds 1..N, N from {@code -Dnetstack4j.tcp.simSeeds} (default 64; raise it for a long soak). */
    static java.util.stream.LongStream seeds() {
        return java.util.stream.LongStream.rangeClosed(1, Long.getLong("netstack4j.tcp.simSeeds", 64));
    }

    /** Totals over every seed of the run, printed once: how much the simulation exercised. */
    private static final java.util.concurrent.atomic.AtomicLong TOTAL_TRANSFERS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong TOTAL_PACKETS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong TOTAL_BYTES = new java.util.concurrent.atomic.AtomicLong();

    @org.junit.jupiter.api.AfterAll
    static void printTotals() {
        System.out.printf("TCP simulation: %d transfers (each both ways), %d packets on the wire, %.1f MB verified%n",
                TOTAL_TRANSFERS.get(), TOTAL_PACKETS.get(), TOTAL_BYTES.get() / 1e6);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void manyTransfersOverABadLinkArriveIntact(long seed) throws Exception {
        random = new SplittableRandom(seed);
        drop = 0.03;
        duplicate = 0.02;
        reorder = 0.05;
        corrupt = 0.02;
        boolean sack = seed % 2 == 1;
        TcpConfig config = TcpConfig.builder().timeWait(Duration.ofSeconds(1)).sack(sack)
                .timestamps(seed % 4 != 0).congestionControl(seed % 3 == 0 ? CongestionControls.NEW_RENO
                        : CongestionControls.CUBIC)
                .sendBufferSize(64 * 1024).receiveBufferSize(64 * 1024).build();
        Side a = new Side(A, config);
        Side b = new Side(B, config);
        a.peer = b;
        b.peer = a;
        ListenerCore listener = b.tcp.listen(4, 0, 0, 80, 256);
        int transfers = Integer.getInteger("netstack4j.tcp.simTransfers", 60);
        List<End[]> pairs = new ArrayList<>();
        for (int i = 0; i < transfers; i++) {
            End client = new End();
            End server = new End();
            client.out = pattern(random.nextInt(4) == 0 ? random.nextInt(10) : random.nextInt(300_000), seed * 1000 + i);
            server.out = pattern(random.nextInt(4) == 0 ? random.nextInt(10) : random.nextInt(300_000), seed * 2000 + i);
            client.c = a.tcp.connect(4, 0, A & 0xffff_ffffL, 0, 0, B & 0xffff_ffffL, 80, 64 * 1024, 64 * 1024);
            pairs.add(new End[] {client, server});
        }
        ArrayDeque<End> waitingServers = new ArrayDeque<>();
        for (End[] p : pairs) {
            waitingServers.add(p[1]);
        }
        long limit = clock.nanoTime() + 600_000_000_000L; // 10 simulated minutes
        long wallLimit = System.nanoTime() + 25_000_000_000L;
        String what = "seed " + seed;
        while (clock.nanoTime() < limit && System.nanoTime() < wallLimit) {
            a.runTasks();
            b.runTasks();
            for (TcpConnection c; (c = listener.poll()) != null; ) {
                waitingServers.poll().c = c; // any accepted connection serves any pair: matched below by port
            }
            boolean done = true;
            for (End[] p : pairs) {
                try {
                    p[0].step();
                    p[1].step();
                } catch (java.io.IOException e) {
                    throw new AssertionError(what + " at " + (clock.nanoTime() - 1_000_000_000L) / 1e9 + " s: " + e
                            + " on " + p[0].c + " / " + p[1].c + "\nA " + a.tcp.counters() + "\nB " + b.tcp.counters(), e);
                }
                done &= p[0].closed && p[1].closed;
            }
            if (done && a.tcp.connectionCount() == 0 && b.tcp.connectionCount() == 0) {
                break;
            }
            long next = clock.nanoTime() + 1_000_000L;
            if (!wire.isEmpty()) {
                next = Math.min(next, wire.peek().at);
            }
            next = Math.min(next, Math.min(a.wheel.nextDeadline(), b.wheel.nextDeadline()));
            if (next > clock.nanoTime()) {
                clock.advanceNanos(next - clock.nanoTime());
            }
            while (!wire.isEmpty() && wire.peek().at <= clock.nanoTime()) {
                Flight f = wire.poll();
                f.to.receive(f.bytes);
            }
            a.wheel.advanceTo(clock.nanoTime());
            b.wheel.advanceTo(clock.nanoTime());
        }
        // Pair servers to clients by the client's port (accept order may differ from connect order).
        List<End> servers = new ArrayList<>();
        for (End[] p : pairs) {
            servers.add(p[1]);
        }
        for (End[] p : pairs) {
            End client = p[0];
            End server = servers.stream().filter(s -> s.c != null && s.c.remotePort() == client.c.localPort())
                    .findFirst().orElse(null);
            assertThat(server).as("%s: server end of %s", what, client.c).isNotNull();
            // Each server sent the data of whichever pair's End it was put in: compare against that End's data.
            assertThat(sha(client.in.toByteArray())).as("%s: %s down", what, client.c).isEqualTo(sha(server.out));
            assertThat(sha(server.in.toByteArray())).as("%s: %s up", what, client.c).isEqualTo(sha(client.out));
        }
        TOTAL_TRANSFERS.addAndGet(pairs.size());
        TOTAL_PACKETS.addAndGet(sent);
        for (End[] p : pairs) {
            TOTAL_BYTES.addAndGet(p[0].out.length + p[1].out.length);
        }
        System.out.printf("seed %d: %d packets, simulated %.1f s, A %s, B %s%n", seed, sent,
                (clock.nanoTime() - 1_000_000_000L) / 1e9, a.tcp.counters(), b.tcp.counters());
        assertThat(a.tcp.connectionCount()).as("%s: connections left on A", what).isZero();
        assertThat(b.tcp.connectionCount()).as("%s: connections left on B", what).isZero();
        assertThat(a.tcp.memoryInUse() + b.tcp.memoryInUse()).as("%s: buffer memory left", what).isZero();
        assertThat(b.tcp.counters().get(TcpCounter.DROP_BAD_CHECKSUM)).as("corruption was exercised").isPositive();
        assertThat(a.tcp.counters().get(TcpCounter.RETRANSMITS)).isPositive();
    }

    private static byte[] pattern(int length, long seed) {
        byte[] d = new byte[length];
        new SplittableRandom(seed).nextBytes(d);
        return d;
    }

    private static String sha(byte[] d) throws Exception {
        return Arrays.toString(MessageDigest.getInstance("SHA-256").digest(d)) + " (" + d.length + " bytes)";
    }
}
