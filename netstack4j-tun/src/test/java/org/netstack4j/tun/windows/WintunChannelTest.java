package org.netstack4j.tun.windows;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.ChannelFullException;

/** The Wintun binding running for real through FFM against the fake wintun library. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WintunChannelTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final int SMALL_RING = WintunChannel.MIN_RING_CAPACITY;
    /** 1,000-byte packets take 1,004 ring bytes each (4-byte size, 4-byte aligned). */
    private static final int PACKET = 1000;
    /** How many fit in a 128 KiB ring that keeps 4 bytes free: floor((131072 - 4) / 1004). */
    private static final int FIT_IN_SMALL_RING = 130;

    private final FakeWintun fake = FakeWintun.get();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(cleanup);
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private static String uniqueName() {
        return "nsj" + NAMES.incrementAndGet();
    }

    private WintunChannel open(int ringCapacity, int maxSpins) throws IOException {
        WintunChannel channel = WintunChannel.open(WintunOptions.builder(uniqueName())
                .libraryPath(FakeWintun.LIBRARY).natives(fake).ringCapacity(ringCapacity).maxSpins(maxSpins).build());
        cleanup.add(channel);
        return channel;
    }

    private WintunChannel open() throws IOException {
        return open(SMALL_RING, WintunOptions.DEFAULT_MAX_SPINS);
    }

    @Test
    void createAdapterPassesNameTunnelTypeAndGuidLayout() throws Throwable {
        UUID guid = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
        String name = uniqueName();
        try (WintunAdapter adapter = fake.library.createAdapter(name, "Föö tunnel", guid)) {
            assertThat(adapter.name()).isEqualTo(name);
            assertThat(fake.tunnelType(adapter)).isEqualTo("Föö tunnel");
            // Data1..Data3 little-endian, Data4 in order: the Windows GUID struct for that text.
            assertThat(fake.requestedGuid(adapter)).containsExactly(
                    0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
                    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff);
            NetLuid luid = adapter.luid();
            assertThat(luid.ifType()).isEqualTo(53);
            assertThat(luid.netLuidIndex()).isPositive();
        }
        try (WintunAdapter adapter = fake.library.createAdapter(uniqueName(), "t", null)) {
            assertThat(fake.requestedGuid(adapter)).isNull();
        }
    }

    @Test
    void openAdapterFindsACreatedOneAndReportsMissingOnesWithTheCapturedError() throws Throwable {
        String name = uniqueName();
        try (WintunAdapter created = fake.library.createAdapter(name, "t", null);
                WintunAdapter opened = fake.library.openAdapter(name)) {
            assertThat(opened.luid()).isEqualTo(created.luid());
            assertThatThrownBy(() -> fake.library.createAdapter(name, "t", null))
                    .isInstanceOfSatisfying(WintunException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(Win32Errors.ERROR_ALREADY_EXISTS);
                        assertThat(e.function()).isEqualTo("WintunCreateAdapter");
                    });
        }
        // Closing the creating handle removed the adapter.
        assertThatThrownBy(() -> fake.library.openAdapter(name))
                .isInstanceOfSatisfying(WintunException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(Win32Errors.ERROR_FILE_NOT_FOUND);
                    assertThat(e).hasMessageContaining("ERROR_FILE_NOT_FOUND");
                });
    }

    @Test
    void adapterNamesAreValidatedBeforeTheCall() {
        assertThatThrownBy(() -> fake.library.createAdapter("", "t", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fake.library.createAdapter("x".repeat(128), "t", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fake.library.openAdapter("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void driverVersionAndLogLinesComeThroughTheUpcall() throws Throwable {
        assertThat(WintunLibrary.formatVersion(fake.library.runningDriverVersion())).isEqualTo("0.14");
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        List<Instant> times = Collections.synchronizedList(new ArrayList<>());
        fake.library.setLogSink((level, time, message) -> {
            lines.add(level + " " + message);
            times.add(time);
        });
        String name = uniqueName();
        try {
            fake.library.createAdapter(name, "t", null).close();
        } finally {
            fake.library.setLogSink(null);
        }
        assertThat(lines).containsExactly(Level.INFO + " Created adapter " + name, Level.INFO + " Closed adapter " + name);
        // FILETIME (100 ns since 1601) converted to an Instant: close to now, not centuries off.
        assertThat(Duration.between(times.get(0), Instant.now()).abs()).isLessThan(Duration.ofDays(1));
        fake.library.createAdapter(uniqueName(), "t", null).close(); // no sink: nothing recorded, no crash
        assertThat(lines).hasSize(2);
    }

    @Test
    void ringCapacityMustBeAPowerOfTwoInWintunsRange() throws Throwable {
        for (int bad : new int[] {0, 0x10000, 0x20001, 0x30000, 0x8000000}) {
            assertThatThrownBy(() -> WintunOptions.builder("x").ringCapacity(bad).build())
                    .isInstanceOf(IllegalArgumentException.class);
        }
        WintunChannel channel = WintunChannel.open(WintunOptions.builder(uniqueName())
                .libraryPath(FakeWintun.LIBRARY).natives(fake).build());
        cleanup.add(channel);
        assertThat(fake.sessionCapacity(channel.adapter())).isEqualTo(8 << 20);
        assertThat(channel.interfaceName()).isEqualTo(channel.adapter().name());
    }

    @Test
    void secondSessionOnAnAdapterFailsWithTheCapturedError() throws Throwable {
        WintunChannel channel = open();
        assertThatThrownBy(() -> channel.adapter().startSession(SMALL_RING))
                .isInstanceOfSatisfying(WintunException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(Win32Errors.ERROR_ALREADY_EXISTS));
    }

    @Test
    void loadingTheSameLibraryAgainReturnsTheSameBinding() {
        assertThat(WintunLibrary.load(FakeWintun.LIBRARY, fake)).isSameAs(fake.library);
        assertThat(WintunLibrary.load(FakeWintun.LIBRARY.toAbsolutePath(), fake)).isSameAs(fake.library);
    }

    @Test
    void openingAnAdapterWhoseSessionIsTakenFailsAndLeavesTheFirstChannelWorking() throws Throwable {
        WintunChannel first = open();
        String name = first.adapter().name();
        assertThatThrownBy(() -> WintunChannel.open(WintunOptions.builder(name).openExisting(true)
                .libraryPath(FakeWintun.LIBRARY).natives(fake).ringCapacity(SMALL_RING).build()))
                .isInstanceOfSatisfying(WintunException.class, e -> {
                    assertThat(e.function()).isEqualTo("WintunStartSession");
                    assertThat(e.errorCode()).isEqualTo(Win32Errors.ERROR_ALREADY_EXISTS);
                });
        // The failed open closed only its own (opening) handle: the adapter and its session live on.
        fake.peerSend(first.adapter(), TestPackets.ipv4(40, 5));
        PacketBuffer buffer = new PacketBuffer(2048, 0);
        assertThat(first.read(buffer)).isEqualTo(40);
        try (WintunAdapter again = fake.library.openAdapter(name)) {
            assertThat(again.luid()).isEqualTo(first.adapter().luid());
        }
    }

    @Test
    void readBatchDrainsQueuedPacketsInOrder() throws Throwable {
        WintunChannel channel = open();
        WintunAdapter adapter = channel.adapter();
        for (int i = 0; i < 10; i++) {
            fake.peerSend(adapter, i % 2 == 0 ? TestPackets.ipv4(100 + i, i) : TestPackets.ipv6(100 + i, i));
        }
        assertThat(fake.awaitProcessed(adapter, 10)).isTrue();

        PacketBuffer[] buffers = new PacketBuffer[16];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = new PacketBuffer(2048, 128);
        }
        int[] lengths = new int[16];
        assertThat(channel.readBatch(buffers, lengths, 16)).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            byte[] expected = i % 2 == 0 ? TestPackets.ipv4(100 + i, i) : TestPackets.ipv6(100 + i, i);
            assertThat(lengths[i]).isEqualTo(expected.length);
            assertThat(buffers[i].toByteArray()).isEqualTo(expected);
            assertThat(buffers[i].start()).isEqualTo(128);
            assertThat(buffers[i].networkOffset()).isEqualTo(128);
        }
        WintunChannel.Stats stats = channel.stats();
        assertThat(stats.rxPackets()).isEqualTo(10);
        assertThat(stats.rxBytes()).isEqualTo(10 * 100 + 45);
    }

    @Test
    void readBatchStopsAtCountAndTheRestStaysForTheNextRead() throws Throwable {
        WintunChannel channel = open();
        for (int i = 0; i < 5; i++) {
            fake.peerSend(channel.adapter(), TestPackets.ipv4(60, i));
        }
        assertThat(fake.awaitProcessed(channel.adapter(), 5)).isTrue();
        PacketBuffer[] buffers = {new PacketBuffer(2048, 0), new PacketBuffer(2048, 0), new PacketBuffer(2048, 0)};
        int[] lengths = new int[3];
        assertThat(channel.readBatch(buffers, lengths, 3)).isEqualTo(3);
        assertThat(TestPackets.seq(buffers[2].toByteArray())).isEqualTo(2);
        assertThat(channel.readBatch(buffers, lengths, 3)).isEqualTo(2);
        assertThat(TestPackets.seq(buffers[0].toByteArray())).isEqualTo(3);
        assertThat(TestPackets.seq(buffers[1].toByteArray())).isEqualTo(4);
    }

    @Test
    void blockedReaderWakesOnTheReadEventWhenAPacketArrives() throws Throwable {
        WintunChannel channel = open(SMALL_RING, 0);
        PacketBuffer buffer = new PacketBuffer(2048, 64);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.read(buffer);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        fake.awaitBlockedReader(channel.adapter());
        fake.peerSend(channel.adapter(), TestPackets.ipv6(1280, 7));
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(1280);
        assertThat(buffer.toByteArray()).isEqualTo(TestPackets.ipv6(1280, 7));
        assertThat(channel.stats().rxWaits()).isPositive();
    }

    @Test
    void oversizedPacketsAreTruncatedWithTheirRealLengthAndNonIpIsDropped() throws Throwable {
        WintunChannel channel = open();
        WintunAdapter adapter = channel.adapter();
        fake.peerSend(adapter, new byte[] {0x12, 1, 2, 3});   // version 1: not IP
        fake.peerSend(adapter, new byte[0]);                   // empty
        fake.peerSend(adapter, TestPackets.ipv4(1500, 1));
        assertThat(fake.awaitProcessed(adapter, 3)).isTrue();

        PacketBuffer small = new PacketBuffer(1000, 100); // room for 900 bytes
        assertThat(channel.read(small)).isEqualTo(1500);
        assertThat(small.length()).isEqualTo(900);
        byte[] expected = TestPackets.ipv4(1500, 1);
        assertThat(small.toByteArray()).isEqualTo(java.util.Arrays.copyOf(expected, 900));
        WintunChannel.Stats stats = channel.stats();
        assertThat(stats.rxDroppedNotIp()).isEqualTo(2);
        assertThat(stats.rxTruncated()).isEqualTo(1);
        assertThat(stats.rxPackets()).isEqualTo(1);
    }

    @Test
    void aCorruptRingIsReportedAsAnErrorNotSwallowed() throws Throwable {
        WintunChannel channel = open();
        fake.peerSend(channel.adapter(), TestPackets.ipv4(60, 0));
        assertThat(fake.awaitProcessed(channel.adapter(), 1)).isTrue();
        assertThat(fake.corruptNextPacket(channel.adapter())).isTrue();
        assertThatThrownBy(() -> channel.read(new PacketBuffer(2048, 0)))
                .isInstanceOfSatisfying(WintunException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(Win32Errors.ERROR_INVALID_DATA);
                    assertThat(e).hasMessageContaining("corrupt");
                });
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aHeldPacketStallsTheReceiveRingUntilReleased() throws Throwable {
        WintunChannel channel = open();
        WintunAdapter adapter = channel.adapter();
        WintunSession session = channel.session();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment size = arena.allocate(JAVA_INT);
            fake.peerSend(adapter, TestPackets.ipv4(PACKET, 0));
            assertThat(fake.awaitProcessed(adapter, 1)).isTrue();
            long held = session.receive(state, size);
            assertThat(held).isNotZero();

            // Everything after the held packet is received and released at once, yet its space is
            // not reclaimed: the ring fills up behind the held packet and the driver drops.
            int received = 0;
            for (int i = 1; i <= 200; i++) {
                fake.peerSend(adapter, TestPackets.ipv4(PACKET, i));
                assertThat(fake.awaitProcessed(adapter, i + 1)).isTrue();
                long p = session.receive(state, size);
                if (p != 0) {
                    assertThat(TestPackets.seq(FfmSupport.EVERYTHING.asSlice(p, 8).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)))
                            .isEqualTo(i);
                    session.release(p);
                    received++;
                } else {
                    assertThat(session.lastError(state)).isEqualTo(Win32Errors.ERROR_NO_MORE_ITEMS);
                }
            }
            assertThat(received).isEqualTo(FIT_IN_SMALL_RING - 1);
            assertThat(fake.receiveDrops(adapter)).isEqualTo(200 - (FIT_IN_SMALL_RING - 1));

            // Releasing the held packet reclaims all the space behind it in one go.
            session.release(held);
            for (int i = 0; i < FIT_IN_SMALL_RING; i++) {
                fake.peerSend(adapter, TestPackets.ipv4(PACKET, 1000 + i));
            }
            assertThat(fake.awaitProcessed(adapter, 201 + FIT_IN_SMALL_RING)).isTrue();
            assertThat(fake.receiveDrops(adapter)).isEqualTo(200 - (FIT_IN_SMALL_RING - 1));
        }
        // The channel's own reader releases each packet after copying it, so it sees all of them.
        PacketBuffer buffer = new PacketBuffer(2048, 0);
        for (int i = 0; i < FIT_IN_SMALL_RING; i++) {
            assertThat(channel.read(buffer)).isEqualTo(PACKET);
            assertThat(TestPackets.seq(buffer.toByteArray())).isEqualTo(1000 + i);
        }
    }

    @Test
    void channelReaderNeverStallsTheRing() throws Throwable {
        WintunChannel channel = open();
        WintunAdapter adapter = channel.adapter();
        PacketBuffer buffer = new PacketBuffer(2048, 0);
        for (int i = 0; i < 3 * FIT_IN_SMALL_RING; i++) {
            fake.peerSend(adapter, TestPackets.ipv4(PACKET, i));
            assertThat(channel.read(buffer)).isEqualTo(PACKET);
            assertThat(TestPackets.seq(buffer.toByteArray())).isEqualTo(i);
        }
        assertThat(fake.receiveDrops(adapter)).isZero();
    }

    @Test
    void aFullSendRingRefusesPacketsAndDeliversTheAcceptedOnesInOrder() throws Throwable {
        WintunChannel channel = open();
        WintunAdapter adapter = channel.adapter();
        fake.setSendPaused(adapter, true);
        for (int i = 0; i < FIT_IN_SMALL_RING; i++) {
            channel.write(TestPackets.buffer(TestPackets.ipv4(PACKET, i)));
        }
        // The next one does not fit: write() says so, writeBatch() returns a short count.
        assertThatThrownBy(() -> channel.write(TestPackets.buffer(TestPackets.ipv4(PACKET, -1))))
                .isInstanceOf(ChannelFullException.class).hasMessageContaining(adapter.name());
        PacketBuffer[] more = new PacketBuffer[50];
        java.util.Arrays.setAll(more, i -> TestPackets.buffer(TestPackets.ipv4(PACKET, -1)));
        assertThat(channel.writeBatch(more, 50)).isZero();
        PacketBuffer[] small = {TestPackets.buffer(TestPackets.ipv4(4, -2))};
        assertThat(channel.writeBatch(small, 1)).as("a 4-byte packet still fits in the 548 bytes left").isEqualTo(1);
        WintunChannel.Stats stats = channel.stats();
        assertThat(stats.txPackets()).isEqualTo(FIT_IN_SMALL_RING + 1);
        assertThat(stats.txBytes()).isEqualTo((long) FIT_IN_SMALL_RING * PACKET + 4);
        assertThat(stats.txRingFull()).isEqualTo(2);

        fake.setSendPaused(adapter, false);
        for (int i = 0; i < FIT_IN_SMALL_RING; i++) {
            byte[] p = fake.peerReceive(adapter, 10_000);
            assertThat(p).isEqualTo(TestPackets.ipv4(PACKET, i));
        }
        assertThat(fake.peerReceive(adapter, 10_000)).isEqualTo(TestPackets.ipv4(4, -2));
        assertThat(fake.peerReceive(adapter, 200)).isNull();

        // The driver drained the ring: there is room again.
        PacketBuffer[] batch = {TestPackets.buffer(TestPackets.ipv6(40, 1)), TestPackets.buffer(TestPackets.ipv4(20, 2))};
        assertThat(channel.writeBatch(batch, 2)).isEqualTo(2);
        assertThat(fake.peerReceive(adapter, 10_000)).isEqualTo(TestPackets.ipv6(40, 1));
        assertThat(fake.peerReceive(adapter, 10_000)).isEqualTo(TestPackets.ipv4(20, 2));
        assertThat(channel.stats().txRingFull()).isEqualTo(2);
    }

    @Test
    void writesOfZeroOrOverMaximumLengthAreCountedDrops() throws Throwable {
        WintunChannel channel = open();
        channel.write(new PacketBuffer(16, 8));
        PacketBuffer huge = new PacketBuffer(70_000, 0);
        huge.append(WintunChannel.MAX_IP_PACKET_SIZE + 1);
        channel.write(huge);
        assertThat(channel.stats().txDroppedBadLength()).isEqualTo(2);
        assertThat(channel.stats().txPackets()).isZero();
        assertThat(fake.peerReceive(channel.adapter(), 100)).isNull();
    }

    @Test
    void adapterShutdownEndsTheStreamForABlockedReader() throws Throwable {
        WintunChannel channel = open(SMALL_RING, 0);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.read(new PacketBuffer(2048, 0));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        fake.awaitBlockedReader(channel.adapter());
        fake.terminate(channel.adapter());
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
        assertThat(channel.read(new PacketBuffer(2048, 0))).isEqualTo(-1);
        PacketBuffer[] buffers = {new PacketBuffer(2048, 0)};
        assertThat(channel.readBatch(buffers, new int[1], 1)).isEqualTo(-1);
        assertThatThrownBy(() -> channel.write(TestPackets.buffer(TestPackets.ipv4(40, 0))))
                .isInstanceOfSatisfying(WintunException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(Win32Errors.ERROR_HANDLE_EOF));
        assertThat(channel.isOpen()).isTrue(); // the stream ended; the channel is still ours to close
    }

    @Test
    void closeFromAnotherThreadWakesTheReaderAndEndsTheSessionBeforeTheAdapter() throws Throwable {
        WintunChannel channel = open(SMALL_RING, 0);
        String name = channel.adapter().name();
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.read(new PacketBuffer(2048, 0));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        fake.awaitBlockedReader(channel.adapter());
        // A slow-to-leave reader: ending the session without waiting for it would show inflight=1.
        fake.setWakeDelay(channel.adapter(), 100);
        fake.clearCallLog();
        channel.close();

        assertThat(read).failsWithin(10, TimeUnit.SECONDS)
                .withThrowableThat().havingRootCause().isInstanceOf(ClosedChannelException.class);
        assertThat(channel.isOpen()).isFalse();
        // Signal, then end the session with nobody inside it, then close the adapter.
        assertThat(fake.callLog()).isEqualTo(String.join("\n",
                "SetEvent",
                "EndSession " + name + " inflight=0",
                "CloseAdapter " + name + " session=none"));
        assertThatThrownBy(() -> channel.read(new PacketBuffer(2048, 0))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> channel.write(TestPackets.buffer(TestPackets.ipv4(40, 0))))
                .isInstanceOf(ClosedChannelException.class);
        channel.close(); // idempotent
        assertThat(fake.callLog()).doesNotContain("inflight=1");
    }

    @Test
    void concurrentWritersKeepTheirOwnOrderAndACloseUnderLoadWaitsForThemAll() throws Throwable {
        WintunChannel channel = open(WintunOptions.DEFAULT_RING_CAPACITY, WintunOptions.DEFAULT_MAX_SPINS);
        WintunAdapter adapter = channel.adapter();
        String name = adapter.name();
        int writers = 4;
        int perWriter = 2_000;
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            done.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < perWriter; i++) {
                        channel.write(TestPackets.buffer(TestPackets.ipv4(100, (writer << 24) | i)));
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, runnable -> new Thread(runnable, "writer-" + writer).start()));
        }
        int[] next = new int[writers];
        long received = 0;
        while (received < (long) writers * perWriter) {
            byte[] p = fake.peerReceive(adapter, 10_000);
            assertThat(p).as("packet %d of %d", received, writers * perWriter).isNotNull();
            int seq = TestPackets.seq(p);
            int writer = seq >>> 24;
            assertThat(seq & 0xFFFFFF).as("writer %d's order", writer).isEqualTo(next[writer]);
            next[writer]++;
            received++;
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(channel.stats().txRingFull()).isZero(); // an 8 MiB ring holds all 8,000

        // Now close while writers are busy: each either finishes or gets ClosedChannelException,
        // and the session ends with nobody inside it.
        List<CompletableFuture<Integer>> busy = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            busy.add(CompletableFuture.supplyAsync(() -> {
                int sent = 0;
                PacketBuffer[] one = {TestPackets.buffer(TestPackets.ipv4(100, 0))};
                try {
                    for (int i = 0; i < 1_000_000; i++) {
                        sent += channel.writeBatch(one, 1); // 0 once the ring is full: nobody drains the peer
                    }
                } catch (ClosedChannelException expected) {
                    return sent;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                return sent;
            }));
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (channel.stats().txPackets() + channel.stats().txRingFull() < (long) writers * perWriter + 1_000
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        fake.clearCallLog();
        channel.close();
        for (CompletableFuture<Integer> f : busy) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isNotNegative();
        }
        assertThat(fake.callLog()).contains("EndSession " + name + " inflight=0");
    }

    @Test
    void closingTheAdapterEndsItsSessionFirst() throws Throwable {
        String name = uniqueName();
        WintunAdapter adapter = fake.library.createAdapter(name, "t", null);
        WintunChannel channel = adapter.startSession(SMALL_RING);
        fake.clearCallLog();
        adapter.close();
        assertThat(channel.isOpen()).isFalse();
        assertThat(fake.callLog()).isEqualTo(String.join("\n",
                "SetEvent",
                "EndSession " + name + " inflight=0",
                "CloseAdapter " + name + " session=none"));
    }

    @Test
    void closingTheSessionLeavesABorrowedAdapterOpenForANewSession() throws Throwable {
        try (WintunAdapter adapter = fake.library.createAdapter(uniqueName(), "t", null)) {
            adapter.startSession(SMALL_RING).close();
            try (WintunChannel second = adapter.startSession(SMALL_RING * 2)) {
                assertThat(fake.sessionCapacity(adapter)).isEqualTo(SMALL_RING * 2);
                second.write(TestPackets.buffer(TestPackets.ipv4(40, 3)));
                assertThat(fake.peerReceive(adapter, 10_000)).isEqualTo(TestPackets.ipv4(40, 3));
            }
        }
    }
}
