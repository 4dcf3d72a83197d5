package org.netstack4j.bench.network;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.network.Route;
import org.netstack4j.network.RouteTable;
import org.netstack4j.network.fragment.FragmentSink;
import org.netstack4j.network.fragment.FragmentationResult;
import org.netstack4j.network.fragment.Ipv4Fragmenter;
import org.netstack4j.network.fragment.Ipv4Reassembler;
import org.netstack4j.network.fragment.ReassemblyConfig;
import org.netstack4j.network.fragment.ReassemblyListener;
import org.netstack4j.network.fragment.ReassemblyStatus;
import org.netstack4j.network.neighbour.NeighbourCache;
import org.netstack4j.network.neighbour.NeighbourConfig;
import org.netstack4j.network.neighbour.NeighbourOutput;
import org.netstack4j.time.Timer;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Address;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The network layer's sans-I/O cores on their per-packet paths: route lookups in a table of a thousand
 * routes, timer wheel churn, a neighbour cache send to a reachable neighbour, reassembling a two-fragment
 * IPv4 datagram and cutting a 4000-byte one for a 1500-byte MTU. Run with {@code -prof gc} to see that
 * none of them allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NetworkCoresBenchmark {
    private static final long MS = 1_000_000L;
    private static final int MASK = 1023;

    private final RouteTable routes = new RouteTable();
    private final int[] ipv4Destinations = new int[MASK + 1];
    private final long[] ipv6Destinations = new long[2 * (MASK + 1)];
    private int next;

    private TimerWheel wheel;
    private Timer[] timers;
    private long now;

    private NeighbourCache cache;
    private PacketBufferPool pool;
    private PacketBufferPool datagramPool;

    private Ipv4Reassembler reassembler;
    private Ipv4Fragmenter fragmenter;
    private byte[] firstFragment;
    private byte[] secondFragment;
    private byte[] datagram;
    private long fragments;
    private final FragmentSink sink = this::consume;

    @Setup
    public void setup() {
        SplittableRandom random = new SplittableRandom(1);
        routes.add(Route.ipv4(Ipv4Address.ANY, 0, Ipv4Address.parse("192.0.2.1"), 1, 0));
        routes.add(Route.ipv6(Ipv6Address.ANY, 0, Ipv6Address.parse("fe80::1"), 1, 0));
        for (int i = 0; i < 1000; i++) {
            int length = 8 + random.nextInt(25);
            int prefix = random.nextInt() & (int) (0xffff_ffffL << (32 - length));
            routes.add(Route.ipv4(new Ipv4Address(prefix), length, null, 1 + random.nextInt(4), random.nextInt(3)));
            int length6 = 16 + random.nextInt(113);
            long high = random.nextLong() & (length6 >= 64 ? -1L : -1L << (64 - length6));
            long low = length6 <= 64 ? 0 : random.nextLong() & (length6 == 128 ? -1L : -1L << (128 - length6));
            routes.add(Route.ipv6(new Ipv6Address(high, low), length6, null, 1 + random.nextInt(4), 0));
        }
        for (int i = 0; i <= MASK; i++) {
            ipv4Destinations[i] = random.nextInt();
            ipv6Destinations[2 * i] = random.nextLong();
            ipv6Destinations[2 * i + 1] = random.nextLong();
        }

        wheel = new TimerWheel(MS, 1024, 0);
        timers = new Timer[MASK + 1];
        for (int i = 0; i <= MASK; i++) {
            timers[i] = new Timer((t, nowNanos) -> wheel.schedule(t, nowNanos + 50 * MS));
            wheel.schedule(timers[i], random.nextLong(1, 10_000) * MS);
        }

        pool = new PacketBufferPool(2048, 64, 64);
        cache = new NeighbourCache(NeighbourConfig.ndp(), wheel, new NeighbourOutput() {
            @Override
            public void sendSolicitation(long high, long low, long linkAddress, PacketBuffer prompting) {
            }

            @Override
            public void transmit(PacketBuffer packet, long linkAddress) {
                packet.release();
            }
        }, new SplittableRandom(2));
        for (int i = 0; i < 64; i++) {
            cache.handleSolicitation(0, i, 0x0200_0000_0000L | i, 0);
            cache.confirmReachability(0, i, 0);
        }

        reassembler = new Ipv4Reassembler(ReassemblyConfig.ipv4(), new PacketBufferPool(65_535 + 64, 64, 4),
                new ReassemblyListener() { }, new SplittableRandom(3));
        fragmenter = new Ipv4Fragmenter(pool);
        datagramPool = new PacketBufferPool(8192, 64, 4);
        datagram = new byte[4000];
        Ipv4Header.write(datagram, 0, 0, datagram.length, 7, 0, 0, 64, Ipv4Header.PROTOCOL_UDP, 0xc000_0201, 0xc633_6407);
        firstFragment = fragment(0, 1480, true);
        secondFragment = fragment(1480, 1000, false);
    }

    private byte[] fragment(int offset, int length, boolean more) {
        byte[] f = new byte[20 + length];
        System.arraycopy(datagram, 0, f, 0, 20);
        Bytes.put16(f, 2, f.length);
        Bytes.put16(f, 6, (more ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0) | offset >>> 3);
        Bytes.put16(f, 10, Ipv4Header.checksum(f, 0, 20));
        return f;
    }

    @Benchmark
    public Route routeLookupIpv4() {
        return routes.lookupIpv4(ipv4Destinations[next++ & MASK]);
    }

    @Benchmark
    public Route routeLookupIpv6() {
        int i = 2 * (next++ & MASK);
        return routes.lookupIpv6(ipv6Destinations[i], ipv6Destinations[i + 1]);
    }

    /** One reschedule of a random timer among 1024 and an advance of 10 us (a tick fires every 100 ops). */
    @Benchmark
    public int timerWheelChurn() {
        int i = next++;
        wheel.schedule(timers[(i * 7) & MASK], now + (i & 8191) * MS);
        now += 10_000;
        return wheel.advanceTo(now);
    }

    @Benchmark
    public Object neighbourSendToReachable() {
        PacketBuffer p = pool.acquire();
        p.append(100);
        return cache.send(0, next++ & 63, p, now);
    }

    @Benchmark
    public int reassembleTwoFragments() {
        PacketBuffer a = pool.acquire();
        a.appendBytes(firstFragment, 0, firstFragment.length);
        PacketBuffer b = pool.acquire();
        b.appendBytes(secondFragment, 0, secondFragment.length);
        reassembler.submit(b, 0);
        if (reassembler.submit(a, 0) != ReassemblyStatus.COMPLETE) {
            throw new IllegalStateException("not reassembled");
        }
        PacketBuffer out = reassembler.takeReassembled();
        int length = out.length();
        out.release();
        return length;
    }

    @Benchmark
    public long fragmentForMtu1500() {
        PacketBuffer p = datagramPool.acquire();
        p.appendBytes(datagram, 0, datagram.length);
        if (fragmenter.fragment(p, 1500, sink) != FragmentationResult.FRAGMENTED) {
            throw new IllegalStateException("not fragmented");
        }
        return fragments;
    }

    private void consume(PacketBuffer fragment) {
        fragments++;
        fragment.release();
    }
}
