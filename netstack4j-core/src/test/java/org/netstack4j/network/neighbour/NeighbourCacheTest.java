package org.netstack4j.network.neighbour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.network.neighbour.NeighbourCache.NO_LINK_ADDRESS;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.ManualClock;
import org.netstack4j.time.TimerWheel;

class NeighbourCacheTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long HI = 0xfe80_0000_0000_0000L;
    private static final long A = 0x0211_22ff_fe33_4401L;
    private static final long B = 0x0211_22ff_fe33_4402L;
    private static final long C = 0x0211_22ff_fe33_4403L;
    private static final long MAC_A = 0x0211_2233_4401L;
    private static final long MAC_A2 = 0x0211_2233_44a1L;
    private static final long MAC_B = 0x0211_2233_4402L;

    private final ManualClock clock = new ManualClock(1_000 * S);
    private final TimerWheel wheel = new TimerWheel(MS, 512, clock.nanoTime());
    private final Recorder out = new Recorder();

    /** Records what the cache asks for; keeps transmitted packets (it owns them). */
    static final class Recorder implements NeighbourOutput {
        final List<String> events = new ArrayList<>();
        final List<PacketBuffer> transmitted = new ArrayList<>();
        final List<PacketBuffer> failed = new ArrayList<>();

        @Override
        public void sendSolicitation(long high, long low, long linkAddress, PacketBuffer prompting) {
            events.add((linkAddress == NO_LINK_ADDRESS ? "multicast " : "unicast " + Long.toHexString(linkAddress) + " ")
                    + Long.toHexString(low) + (prompting != null ? " prompted-by " + prompting.array()[prompting.start()] : ""));
        }

        @Override
        public void transmit(PacketBuffer packet, long linkAddress) {
            events.add("transmit " + packet.array()[packet.start()] + " to " + Long.toHexString(linkAddress));
            transmitted.add(packet);
        }

        @Override
        public void resolutionFailed(long high, long low, PacketBuffer packet) {
            events.add("failed " + packet.array()[packet.start()]);
            failed.add(packet);
        }

        List<String> take() {
            List<String> copy = List.copyOf(events);
            events.clear();
            return copy;
        }
    }

    private NeighbourCache cache(NeighbourConfig config) {
        return new NeighbourCache(config, wheel, out, new SplittableRandom(1));
    }

    private static PacketBuffer packet(int tag) {
        return PacketBuffer.copyOf(new byte[] {(byte) tag, 0, 0, 0}, 16);
    }

    private void advance(long nanos) {
        clock.advanceNanos(nanos);
        wheel.advanceTo(clock.nanoTime());
    }

    private long now() {
        return clock.nanoTime();
    }

    private static void assertReleased(PacketBuffer p) {
        assertThatThrownBy(p::release).as("already released").isInstanceOf(IllegalStateException.class);
    }

    private static void assertNotReleased(PacketBuffer p) {
        p.release(); // throws if the cache released a packet it had handed over
    }

    @Test
    void resolvesQueuesAndTransmitsOnASolicitedAdvertisement() {
        NeighbourCache c = cache(NeighbourConfig.ndp());
        assertThat(c.send(HI, A, packet(1), now())).isEqualTo(SendResult.QUEUED);
        assertThat(c.send(HI, A, packet(2), now())).isEqualTo(SendResult.QUEUED);
        assertThat(out.take()).containsExactly("multicast " + Long.toHexString(A) + " prompted-by 1");
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.INCOMPLETE);
        assertThat(c.queuedPackets()).isEqualTo(2);
        advance(300 * MS);
        assertThat(c.handleAdvertisement(HI, A, MAC_A, true, true, false, now())).isTrue();
        assertThat(out.take()).containsExactly("transmit 1 to " + Long.toHexString(MAC_A),
                "transmit 2 to " + Long.toHexString(MAC_A));
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.REACHABLE);
        assertThat(c.linkAddress(HI, A)).isEqualTo(MAC_A);
        assertThat(c.queuedPackets()).isZero();
        assertThat(c.send(HI, A, packet(3), now())).isEqualTo(SendResult.TRANSMITTED);
        assertThat(out.take()).containsExactly("transmit 3 to " + Long.toHexString(MAC_A));
        assertThat(c.counters().packetsFlushed()).isEqualTo(2);
        assertThat(c.counters().multicastSolicitations()).isEqualTo(1);
        out.transmitted.forEach(NeighbourCacheTest::assertNotReleased);
    }

    @Test
    void resolutionRetransmitsEveryRetransTimerThenFailsAndDropsTheQueue() {
        NeighbourCache c = cache(NeighbourConfig.ndp());
        PacketBuffer p1 = packet(1);
        PacketBuffer p2 = packet(2);
        c.send(HI, A, p1, now());
        c.send(HI, A, p2, now());
        out.take();
        advance(999 * MS);
        assertThat(out.take()).isEmpty();
        advance(MS);
        assertThat(out.take()).containsExactly("multicast " + Long.toHexString(A) + " prompted-by 1");
        advance(S);
        assertThat(out.take()).hasSize(1);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.INCOMPLETE);
        advance(S - 1);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.INCOMPLETE);
        advance(1);
        // Three solicitations (RFC 4861 MAX_MULTICAST_SOLICIT) and RetransTimer after the last: failed.
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.FAILED);
        assertThat(out.take()).containsExactly("failed 1", "failed 2");
        assertReleased(p1);
        assertReleased(p2);
        assertThat(c.counters().resolutionsFailed()).isEqualTo(1);
        assertThat(c.counters().droppedResolutionFailed()).isEqualTo(2);
        assertThat(c.counters().multicastSolicitations()).isEqualTo(3);
        assertThat(c.queuedPackets()).isZero();
        assertThat(c.linkAddress(HI, A)).isEqualTo(NO_LINK_ADDRESS);
        // Kept as FAILED for its lifetime, then deleted.
        advance(3 * S - 1);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.FAILED);
        advance(1);
        assertThat(c.state(HI, A)).isNull();
        assertThat(c.size()).isZero();
    }

    @Test
    void aPacketToAFailedEntryStartsResolutionAgain() {
        NeighbourCache c = cache(NeighbourConfig.ndp());
        c.send(HI, A, packet(1), now());
        for (int i = 0; i < 3; i++) {
            advance(S);
        }
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.FAILED);
        out.take();
        assertThat(c.send(HI, A, packet(2), now())).isEqualTo(SendResult.QUEUED);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.INCOMPLETE);
        assertThat(out.take()).containsExactly("multicast " + Long.toHexString(A) + " prompted-by 2");
        c.handleAdvertisement(HI, A, MAC_A, true, false, false, now());
        assertThat(out.take()).containsExactly("transmit 2 to " + Long.toHexString(MAC_A));
    }

    @Test
    void reachableBecomesStaleAfterReachableTimeWithArpTiming() {
        NeighbourCache c = cache(NeighbourConfig.arp());
        assertThat(c.reachableTime()).isEqualTo(30 * S);
        c.send(0, NeighbourCache.ipv4Key(0xc0a8_0102), packet(1), now());
        c.handleAdvertisement(0, 0xc0a8_0102L, MAC_A, true, true, false, now());
        advance(30 * S - 1);
        assertThat(c.state(0, 0xc0a8_0102L)).isEqualTo(NeighbourState.REACHABLE);
        advance(1);
        assertThat(c.state(0, 0xc0a8_0102L)).isEqualTo(NeighbourState.STALE);
        // Stale entries stay usable and send nothing by themselves.
        advance(600 * S);
        assertThat(c.state(0, 0xc0a8_0102L)).isEqualTo(NeighbourState.STALE);
        assertThat(c.linkAddress(0, 0xc0a8_0102L)).isEqualTo(MAC_A);
    }

    @Test
    void ndpReachableTimeIsRandomisedBetweenHalfAndOneAndAHalfTimesTheBase() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int seed = 0; seed < 200; seed++) {
            NeighbourCache c = new NeighbourCache(NeighbourConfig.ndp(), wheel, out, new SplittableRandom(seed));
            min = Math.min(min, c.reachableTime());
            max = Math.max(max, c.reachableTime());
        }
        assertThat(min).isBetween(15 * S, 18 * S);
        assertThat(max).isBetween(42 * S, 45 * S);
        NeighbourCache c = cache(NeighbourConfig.ndp());
        c.setBaseReachableTime(10 * S);
        assertThat(c.reachableTime()).isBetween(5 * S, 15 * S);
    }

    @Test
    void staleEntryInUseGoesThroughDelayAndProbeToFailed() {
        NeighbourCache c = cache(NeighbourConfig.ndp().withRandomizedReachableTime(false));
        c.handleSolicitation(HI, A, MAC_A, now());
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.STALE);
        assertThat(c.send(HI, A, packet(1), now())).isEqualTo(SendResult.TRANSMITTED);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.DELAY);
        assertThat(out.take()).containsExactly("transmit 1 to " + Long.toHexString(MAC_A));
        assertThat(c.send(HI, A, packet(2), now())).isEqualTo(SendResult.TRANSMITTED);
        advance(5 * S - 1);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.DELAY);
        out.take();
        advance(1);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.PROBE);
        String probe = "unicast " + Long.toHexString(MAC_A) + " " + Long.toHexString(A);
        assertThat(out.take()).containsExactly(probe);
        // Packets keep flowing to the cached address while probing.
        assertThat(c.send(HI, A, packet(3), now())).isEqualTo(SendResult.TRANSMITTED);
        out.take();
        advance(S);
        advance(S);
        assertThat(out.take()).containsExactly(probe, probe);
        advance(S);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.FAILED);
        assertThat(c.counters().probesFailed()).isEqualTo(1);
        assertThat(c.counters().unicastSolicitations()).isEqualTo(3);
        assertThat(c.linkAddress(HI, A)).isEqualTo(NO_LINK_ADDRESS);
    }

    @Test
    void anUpperLayerConfirmationInDelayAvoidsProbing() {
        NeighbourCache c = cache(NeighbourConfig.ndp());
        c.handleSolicitation(HI, A, MAC_A, now());
        c.send(HI, A, packet(1), now());
        advance(2 * S);
        c.confirmReachability(HI, A, now());
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.REACHABLE);
        out.take();
        advance(10 * S);
        assertThat(out.take()).isEmpty();
        assertThat(c.counters().unicastSolicitations()).isZero();
    }

    @Test
    void aSolicitedAdvertisementDuringProbeMakesTheEntryReachable() {
        NeighbourCache c = cache(NeighbourConfig.ndp());
        c.handleSolicitation(HI, A, MAC_A, now());
        c.send(HI, A, packet(1), now());
        advance(5 * S);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.PROBE);
        c.handleAdvertisement(HI, A, NO_LINK_ADDRESS, true, false, false, now());
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.REACHABLE);
        out.take();
        advance(5 * S);
        assertThat(out.take()).isEmpty();
    }

    @Test
    void confirmationsExtendReachabilityWithoutReschedulingPerPacket() {
        NeighbourCache c = cache(NeighbourConfig.arp());
        c.handleSolicitation(HI, A, MAC_A, now());
        c.confirmReachability(HI, A, now());
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.REACHABLE);
        advance(20 * S);
        c.confirmReachability(HI, A, now());
        advance(29 * S);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.REACHABLE);
        advance(S);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.STALE);
        // No entry, or one without an address: confirmation changes nothing.
        c.confirmReachability(HI, B, now());
        assertThat(c.state(HI, B)).isNull();
    }

    @Test
    void thePerEntryQueueKeepsTheNewestPackets() {
        NeighbourCache c = cache(NeighbourConfig.ndp());
        List<PacketBuffer> sent = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            PacketBuffer p = packet(i);
            sent.add(p);
            assertThat(c.send(HI, A, p, now())).isEqualTo(SendResult.QUEUED);
        }
        assertThat(c.queuedPackets(HI, A)).isEqualTo(3);
        assertThat(c.counters().droppedQueueOverflow()).isEqualTo(2);
        assertReleased(sent.get(0));
        assertReleased(sent.get(1));
        out.take();
        c.handleAdvertisement(HI, A, MAC_A, true, true, false, now());
        assertThat(out.take()).containsExactly("transmit 3 to " + Long.toHexString(MAC_A),
                "transmit 4 to " + Long.toHexString(MAC_A), "transmit 5 to " + Long.toHexString(MAC_A));
    }

    @Test
    void theGlobalQueueLimitCapsAllEntriesTogether() {
        NeighbourCache c = cache(NeighbourConfig.ndp().withQueueLimits(3, 4));
        for (int i = 0; i < 3; i++) {
            c.send(HI, A, packet(i), now());
        }
        assertThat(c.send(HI, B, packet(10), now())).isEqualTo(SendResult.QUEUED);
        // Full: B replaces its own oldest, C (with nothing queued) loses the packet.
        PacketBuffer b2 = packet(11);
        assertThat(c.send(HI, B, b2, now())).isEqualTo(SendResult.QUEUED);
        PacketBuffer c1 = packet(20);
        assertThat(c.send(HI, C, c1, now())).isEqualTo(SendResult.DROPPED);
        assertReleased(c1);
        assertThat(c.queuedPackets()).isEqualTo(4);
        assertThat(c.counters().droppedGlobalQueueFull()).isEqualTo(2);
        assertThat(c.state(HI, C)).as("resolution still starts").isEqualTo(NeighbourState.INCOMPLETE);
        out.take();
        c.handleAdvertisement(HI, B, MAC_B, true, true, false, now());
        assertThat(out.take()).containsExactly("transmit 11 to " + Long.toHexString(MAC_B));
    }

    @Test
    void aFullTableEvictsTheLeastRecentlyUsedPreferringStaleEntries() {
        NeighbourCache c = cache(NeighbourConfig.ndp().withMaxEntries(3));
        c.send(HI, A, packet(1), now());                       // INCOMPLETE, oldest
        c.handleSolicitation(HI, B, MAC_B, now());             // STALE
        c.send(HI, C, packet(3), now());                       // INCOMPLETE
        c.handleSolicitation(HI, 0x99, 0x0299, now());         // table full: the stale B goes
        assertThat(c.state(HI, B)).isNull();
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.INCOMPLETE);
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.counters().entriesEvicted()).isEqualTo(1);
        c.send(HI, 0x99, packet(9), now());                    // uses 0x99: STALE to DELAY, and fresh
        PacketBuffer p = packet(5);
        c.send(HI, 0x55, p, now());                             // no stale/failed left: oldest (A) goes
        assertThat(c.state(HI, A)).isNull();
        assertThat(c.counters().droppedEntryEvicted()).isEqualTo(1);
        assertThat(c.state(HI, 0x55)).isEqualTo(NeighbourState.INCOMPLETE);
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.queuedPackets()).isEqualTo(2);
    }

    @Test
    void unsolicitedAdvertisementsOnlyUpdateExistingEntries() {
        NeighbourCache c = cache(NeighbourConfig.ndp());
        assertThat(c.handleAdvertisement(HI, A, MAC_A, false, true, false, now())).isFalse();
        assertThat(c.state(HI, A)).isNull();
        assertThat(c.counters().advertisementsIgnored()).isEqualTo(1);

        c.send(HI, A, packet(1), now());
        c.handleAdvertisement(HI, A, MAC_A, true, true, true, now());
        assertThat(c.isRouter(HI, A)).isTrue();
        // Override with a new address (gratuitous ARP, unsolicited NA with O): updated, STALE.
        assertThat(c.handleAdvertisement(HI, A, MAC_A2, false, true, false, now())).isTrue();
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.STALE);
        assertThat(c.linkAddress(HI, A)).isEqualTo(MAC_A2);
        assertThat(c.isRouter(HI, A)).isFalse();
        // Same address, unsolicited: state unchanged.
        assertThat(c.handleAdvertisement(HI, A, MAC_A2, false, true, false, now())).isTrue();
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.STALE);
    }

    @Test
    void anAdvertisementWithoutOverrideDoesNotReplaceACachedAddress() {
        NeighbourCache c = cache(NeighbourConfig.ndp());
        c.send(HI, A, packet(1), now());
        c.handleAdvertisement(HI, A, MAC_A, true, true, false, now());
        // Solicited but not override, different address: REACHABLE drops to STALE, address kept.
        assertThat(c.handleAdvertisement(HI, A, MAC_A2, true, false, false, now())).isTrue();
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.STALE);
        assertThat(c.linkAddress(HI, A)).isEqualTo(MAC_A);
        // Again while STALE: ignored.
        assertThat(c.handleAdvertisement(HI, A, MAC_A2, true, false, false, now())).isFalse();
        assertThat(c.linkAddress(HI, A)).isEqualTo(MAC_A);
        // Solicited with the same address confirms.
        assertThat(c.handleAdvertisement(HI, A, MAC_A, true, false, false, now())).isTrue();
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.REACHABLE);
        // An unsolicited advertisement while INCOMPLETE without an address is useless.
        c.send(HI, B, packet(2), now());
        assertThat(c.handleAdvertisement(HI, B, NO_LINK_ADDRESS, false, true, false, now())).isFalse();
        assertThat(c.state(HI, B)).isEqualTo(NeighbourState.INCOMPLETE);
        // With an address, unsolicited: STALE, and the queued packet goes (entry then in DELAY).
        out.take();
        assertThat(c.handleAdvertisement(HI, B, MAC_B, false, false, false, now())).isTrue();
        assertThat(out.take()).containsExactly("transmit 2 to " + Long.toHexString(MAC_B));
        assertThat(c.state(HI, B)).isEqualTo(NeighbourState.DELAY);
    }

    @Test
    void solicitationsCreateStaleEntriesAndCompleteResolution() {
        NeighbourCache c = cache(NeighbourConfig.ndp());
        c.handleSolicitation(HI, A, NO_LINK_ADDRESS, now());
        assertThat(c.state(HI, A)).as("NS without a source link-layer address").isNull();
        c.handleSolicitation(HI, A, MAC_A, now());
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.STALE);
        c.confirmReachability(HI, A, now());
        c.handleSolicitation(HI, A, MAC_A, now());
        assertThat(c.state(HI, A)).as("same address: unchanged").isEqualTo(NeighbourState.REACHABLE);
        c.handleSolicitation(HI, A, MAC_A2, now());
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.STALE);
        assertThat(c.linkAddress(HI, A)).isEqualTo(MAC_A2);

        c.send(HI, B, packet(7), now());
        out.take();
        c.handleSolicitation(HI, B, MAC_B, now());
        assertThat(out.take()).containsExactly("transmit 7 to " + Long.toHexString(MAC_B));
        assertThat(c.state(HI, B)).isEqualTo(NeighbourState.DELAY);
    }

    @Test
    void staticEntriesAreFixedAndNeverEvicted() {
        NeighbourCache c = cache(NeighbourConfig.ndp().withMaxEntries(2));
        c.send(HI, A, packet(1), now());
        out.take();
        assertThat(c.addStatic(HI, A, MAC_A)).isTrue();
        assertThat(out.take()).containsExactly("transmit 1 to " + Long.toHexString(MAC_A));
        assertThat(c.addStatic(HI, B, MAC_B)).isTrue();
        c.handleAdvertisement(HI, A, MAC_A2, true, true, false, now());
        c.handleSolicitation(HI, A, MAC_A2, now());
        advance(3_600 * S);
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.STATIC);
        assertThat(c.linkAddress(HI, A)).isEqualTo(MAC_A);
        assertThat(c.send(HI, A, packet(2), now())).isEqualTo(SendResult.TRANSMITTED);
        // Every entry static: a new neighbour cannot be added.
        PacketBuffer p = packet(3);
        assertThat(c.send(HI, C, p, now())).isEqualTo(SendResult.DROPPED);
        assertReleased(p);
        assertThat(c.counters().droppedTableFull()).isEqualTo(1);
        assertThat(c.addStatic(HI, C, MAC_A)).isFalse();
        assertThat(c.remove(HI, B)).isTrue();
        assertThat(c.remove(HI, B)).isFalse();
        assertThat(c.send(HI, C, packet(4), now())).isEqualTo(SendResult.QUEUED);
        assertThatThrownBy(() -> c.addStatic(HI, A, NO_LINK_ADDRESS)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void removeAndClearDropQueuedPacketsAndCountThem() {
        NeighbourCache c = cache(NeighbourConfig.ndp());
        PacketBuffer a = packet(1);
        PacketBuffer b = packet(2);
        c.send(HI, A, a, now());
        c.send(HI, B, b, now());
        c.addStatic(HI, C, MAC_A);
        assertThat(c.remove(HI, A)).isTrue();
        assertReleased(a);
        c.clear();
        assertReleased(b);
        assertThat(c.size()).isZero();
        assertThat(c.queuedPackets()).isZero();
        assertThat(c.counters().droppedEntryRemoved()).isEqualTo(2);
        assertThat(c.counters().packetsDropped()).isEqualTo(2);
        assertThat(wheel.size()).as("no timer left behind").isZero();
        // Usable again after clear.
        c.send(HI, A, packet(3), now());
        assertThat(c.state(HI, A)).isEqualTo(NeighbourState.INCOMPLETE);
    }

    /**
     * Random operations on a small table against invariants: bounded size and queues, and every packet
     * either transmitted exactly once (and not released by the cache) or released exactly once.
     */
    @Test
    void randomOperationsNeverLeakOrDoubleReleasePackets() {
        NeighbourCache c = new NeighbourCache(NeighbourConfig.ndp().withMaxEntries(16).withQueueLimits(3, 20),
                wheel, out, new SplittableRandom(3));
        SplittableRandom random = new SplittableRandom(99);
        Map<PacketBuffer, Boolean> all = new IdentityHashMap<>();
        for (int step = 0; step < 50_000; step++) {
            long address = 1 + random.nextInt(40);
            long mac = 0x0200_0000_0000L | random.nextInt(3);
            switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> {
                    PacketBuffer p = packet(step);
                    all.put(p, true);
                    c.send(HI, address, p, now());
                }
                case 4 -> c.handleSolicitation(HI, address, mac, now());
                case 5 -> c.handleAdvertisement(HI, address, random.nextInt(4) == 0 ? NO_LINK_ADDRESS : mac,
                        random.nextBoolean(), random.nextBoolean(), random.nextBoolean(), now());
                case 6 -> c.confirmReachability(HI, address, now());
                case 7 -> {
                    if (random.nextInt(50) == 0) {
                        c.remove(HI, address);
                    } else if (random.nextInt(200) == 0) {
                        c.addStatic(HI, address, mac);
                    }
                }
                default -> advance(random.nextLong(0, 2 * S));
            }
            assertThat(c.size()).isLessThanOrEqualTo(16);
            assertThat(c.queuedPackets()).isLessThanOrEqualTo(20);
        }
        c.clear();
        List<PacketBuffer> transmitted = out.transmitted;
        assertThat(new java.util.HashSet<>(transmitted.stream().map(System::identityHashCode).toList()))
                .as("no packet transmitted twice").hasSize(transmitted.size());
        Map<PacketBuffer, Boolean> handedOver = new IdentityHashMap<>();
        transmitted.forEach(p -> handedOver.put(p, true));
        for (PacketBuffer p : all.keySet()) {
            if (handedOver.containsKey(p)) {
                assertNotReleased(p);
            } else {
                assertReleased(p);
            }
        }
        NeighbourCounters n = c.counters();
        // Every packet left exactly one way: transmitted, or dropped under exactly one counted reason.
        assertThat(transmitted.size() + n.packetsDropped()).isEqualTo(all.size());
        assertThat(n.multicastSolicitations()).isPositive();
        assertThat(n.unicastSolicitations()).isPositive();
        assertThat(n.entriesEvicted()).isPositive();
    }
}
