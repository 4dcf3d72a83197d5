package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.netstack4j.link.LinkPair.Transport;

/**
 * Start and end of an endpoint's life: close wakes loops blocked in reads, awaitTermination returns,
 * no dispatch thread outlives the endpoint, and the closed callback fires exactly once however many
 * channels fail at the same time.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LifecycleTest {

    /** Records every thread it makes, so the test can check they all ended. */
    static final class RecordingThreadFactory implements ThreadFactory {
        final List<Thread> threads = new CopyOnWriteArrayList<>();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "test-dispatch-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
            return t;
        }

        void assertAllEnded() throws InterruptedException {
            for (Thread t : threads) {
                t.join(10_000);
                assertThat(t.isAlive()).as("%s still alive", t.getName()).isFalse();
            }
        }
    }

    static void awaitBlocked(RecordingThreadFactory f, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (;;) {
            int waiting = 0;
            for (Thread t : f.threads) {
                Thread.State s = t.getState();
                // A pipe reader parks (WAITING); a datagram reader sits in a native read (RUNNABLE).
                if (s == Thread.State.WAITING || s == Thread.State.RUNNABLE && inRead(t)) {
                    waiting++;
                }
            }
            if (f.threads.size() == n && waiting == n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("dispatch threads did not block in read");
            }
            Thread.sleep(1);
        }
    }

    private static boolean inRead(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals("read") && e.getClassName().contains("DatagramPacketChannel")) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void closeEndsLoopsBlockedInReadsAndLeavesNoThreadAlive(Transport t) throws Exception {
        try (LinkPair l = LinkPair.open(t, 4)) {
            RecordingThreadFactory f = new RecordingThreadFactory();
            List<Throwable> causes = new CopyOnWriteArrayList<>();
            PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder().channels(l.endpointChannels())
                    .threadFactory(f).closedCallback(causes::add).build());
            e.attach(new RecordingDispatcher());
            awaitBlocked(f, 4);
            e.close();
            assertThat(e.awaitTermination(Duration.ofSeconds(10))).isTrue();
            e.awaitTermination(); // returns at once now
            f.assertAllEnded();
            assertThat(f.threads).hasSize(4);
            assertThat(causes).isEmpty();
            for (PacketChannel c : l.endpointSide) {
                assertThat(c.isOpen()).isFalse();
            }
        }
    }

    @Test
    void defaultThreadsAreDaemonsNamedAfterTheEndpointAndAllEnd() throws Exception {
        try (LinkPair l = LinkPair.open(Transport.PIPE, 2)) {
            PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder().channels(l.endpointChannels()).build());
            java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
            e.attach(new RecordingDispatcher());
            List<Thread> mine = Thread.getAllStackTraces().keySet().stream()
                    .filter(th -> !before.contains(th))
                    .filter(th -> th.getName().startsWith("netstack4j-link-") && th.getName().contains("-rx-")).toList();
            assertThat(mine).hasSize(2).allMatch(Thread::isDaemon);
            e.close();
            e.awaitTermination();
            for (Thread th : mine) {
                th.join(10_000);
                assertThat(th.isAlive()).isFalse();
            }
        }
    }

    @Test
    void awaitTerminationReturnsAfterCloseEvenIfNoDispatcherWasEverAttached() throws Exception {
        try (LinkPair l = LinkPair.open(Transport.PIPE, 1)) {
            PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder().channels(l.endpointChannels()).build());
            assertThat(e.awaitTermination(Duration.ZERO)).as("open: not terminated").isFalse();
            e.close();
            e.close(); // idempotent
            assertThat(e.awaitTermination(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void callbackFiresExactlyOnceWhenEveryChannelFailsAtTheSameTime() throws Exception {
        int channels = 8;
        for (int round = 0; round < 50; round++) {
            try (LinkPair l = LinkPair.open(Transport.PIPE, channels)) {
                RecordingThreadFactory f = new RecordingThreadFactory();
                List<Throwable> causes = new CopyOnWriteArrayList<>();
                PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder().channels(l.endpointChannels())
                        .threadFactory(f).closedCallback(causes::add).build());
                e.attach(new RecordingDispatcher());
                CyclicBarrier go = new CyclicBarrier(channels);
                Thread[] closers = new Thread[channels];
                for (int i = 0; i < channels; i++) {
                    PacketChannel peer = l.peerSide[i];
                    closers[i] = new Thread(() -> {
                        try {
                            go.await();
                            peer.close();
                        } catch (Exception ex) {
                            throw new RuntimeException(ex);
                        }
                    });
                    closers[i].start();
                }
                for (Thread c : closers) {
                    c.join();
                }
                assertThat(e.awaitTermination(Duration.ofSeconds(10))).isTrue();
                f.assertAllEnded();
                assertThat(causes).as("round %d", round).hasSize(1);
                assertThat(causes.get(0)).isInstanceOf(EOFException.class);
            }
        }
    }

    @Test
    void callbackFiresExactlyOnceWhenEveryReadFailsAtOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            RecordingThreadFactory f = new RecordingThreadFactory();
            AtomicInteger calls = new AtomicInteger();
            PacketEndpointOptions.Builder b = PacketEndpointOptions.builder().threadFactory(f)
                    .closedCallback(cause -> calls.incrementAndGet());
            for (int i = 0; i < 8; i++) {
                b.channel(new PacketEndpointTest.FailingChannel(new IOException("read " + i + " failed")));
            }
            PacketEndpoint e = PacketEndpoint.create(b.build());
            e.attach(new RecordingDispatcher());
            e.awaitTermination();
            f.assertAllEnded();
            assertThat(calls.get()).as("round %d", round).isEqualTo(1);
        }
    }

    @Test
    void deliberateCloseRacingWithPeerFailuresCallsTheCallbackAtMostOnce() throws Exception {
        int channels = 4;
        for (int round = 0; round < 50; round++) {
            try (LinkPair l = LinkPair.open(Transport.PIPE, channels)) {
                RecordingThreadFactory f = new RecordingThreadFactory();
                AtomicInteger calls = new AtomicInteger();
                PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder().channels(l.endpointChannels())
                        .threadFactory(f).closedCallback(cause -> calls.incrementAndGet()).build());
                e.attach(new RecordingDispatcher());
                CyclicBarrier go = new CyclicBarrier(channels + 1);
                Thread[] racers = new Thread[channels + 1];
                for (int i = 0; i <= channels; i++) {
                    Runnable act = i == channels ? e::close : closeQuietly(l.peerSide[i]);
                    racers[i] = new Thread(() -> {
                        try {
                            go.await();
                        } catch (Exception ex) {
                            throw new RuntimeException(ex);
                        }
                        act.run();
                    });
                    racers[i].start();
                }
                for (Thread r : racers) {
                    r.join();
                }
                assertThat(e.awaitTermination(Duration.ofSeconds(10))).isTrue();
                f.assertAllEnded();
                assertThat(calls.get()).isBetween(0, 1);
                assertThat(e.isClosed()).isTrue();
            }
        }
    }

    @Test
    void streamChannelEndpointEndsWhenItsStreamEnds() throws Exception {
        QueueStreams.Pair streams = QueueStreams.pair();
        List<Throwable> causes = new CopyOnWriteArrayList<>();
        RecordingThreadFactory f = new RecordingThreadFactory();
        PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder()
                .channel(new StreamPacketChannel(streams.in(), streams.out()))
                .threadFactory(f).closedCallback(causes::add).build());
        RecordingDispatcher d = new RecordingDispatcher();
        e.attach(d);
        streams.inject(PacketEndpointTest.udp4(5));
        assertThat(d.next().bytes()).isEqualTo(PacketEndpointTest.udp4(5));
        streams.endOfStream();
        e.awaitTermination();
        f.assertAllEnded();
        assertThat(causes).hasSize(1);
        assertThat(causes.get(0)).isInstanceOf(EOFException.class);
    }

    private static Runnable closeQuietly(PacketChannel c) {
        return () -> {
            try {
                c.close();
            } catch (IOException ex) {
                throw new RuntimeException(ex);
            }
        };
    }
}
