package org.netstack4j.network.neighbour;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.testutil.AllocationMeter;
import org.netstack4j.time.TimerWheel;

/** Sending, resolving, confirming, timing out and evicting neighbours allocates nothing once warm. */
class NeighbourCacheAllocationTest {
    private static final long MS = 1_000_000L;

    private long transmitted;
    private long solicitations;

    @Test
    void steadyStateAllocatesNothing() {
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        PacketBufferPool pool = new PacketBufferPool(256, 64, 64);
        TimerWheel wheel = new TimerWheel(MS, 256, 0);
        NeighbourOutput output = new NeighbourOutput() {
            @Override
            public void sendSolicitation(long high, long low, long linkAddress, PacketBuffer prompting) {
                solicitations++;
            }

            @Override
            public void transmit(PacketBuffer packet, long linkAddress) {
                transmitted++;
                packet.release();
            }
        };
        NeighbourCache cache = new NeighbourCache(NeighbourConfig.ndp().withMaxEntries(64), wheel, output,
                new SplittableRandom(5));
        long[] now = {0};
        Runnable traffic = () -> {
            for (int i = 0; i < 20_000; i++) {
                long address = i % 100; // more addresses than entries: eviction keeps happening
                PacketBuffer p = pool.acquire();
                p.append(40);
                cache.send(0, address, p, now[0]);
                if (i % 3 == 0) {
                    cache.handleAdvertisement(0, address, 0x0200_0000_0000L | address, true, true, false, now[0]);
                }
                if (i % 5 == 0) {
                    cache.confirmReachability(0, address, now[0]);
                }
                if (i % 7 == 0) {
                    cache.handleSolicitation(0, (address * 7) % 100, 0x0200_0000_0000L | address, now[0]);
                }
                now[0] += 100 * MS;
                wheel.advanceTo(now[0]);
            }
        };
        traffic.run();
        long allocated = meter.measure(traffic);
        assertThat(transmitted).isPositive();
        assertThat(solicitations).isPositive();
        assertThat(cache.counters().entriesEvicted()).isPositive();
        assertThat(allocated).as("bytes allocated for 20000 sends").isLessThan(2_000);
    }
}
