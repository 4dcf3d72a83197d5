package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.netstack4j.time.Clock;

class StackShardTest {
    private static final int PEER = RawPeer.ip("10.0.0.2");
    private static final int US = RawPeer.ip("10.0.0.1");

    @Test
    void aFullShardQueueDropsAndCountsAndTheShardRecovers() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(1).queueCapacity(8))) {
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            r.stack.shard(0).submit(() -> {
                blocked.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
            int sent = 100;
            for (int i = 0; i < sent; i++) {
                r.send(RawPeer.echoRequest(PEER, US, i, 8));
            }
            // Wait until the link delivered all of them (into the queue or into the overflow count).
            for (int i = 0; i < 500 && r.nic.endpoint().statistics().packetsIn() < sent; i++) {
                Thread.sleep(10);
            }
            release.countDown();
            Stats s = r.awaitStats(x -> x.get(StackCounter.ICMPV4_ECHO_REPLIES_SENT)
                    == x.get(StackCounter.SHARD_ENQUEUED));
            assertThat(s.get(StackCounter.SHARD_QUEUE_OVERFLOW)).isEqualTo(sent - 8);
            assertThat(s.get(StackCounter.SHARD_ENQUEUED)).isEqualTo(8);
            assertThat(s.get(StackCounter.ICMPV4_ECHO_REPLIES_SENT)).isEqualTo(8);
            r.send(RawPeer.echoRequest(PEER, US, 500, 8));
            assertThat(r.awaitStats(x -> x.get(StackCounter.ICMPV4_ECHO_REPLIES_SENT) == 9)
                    .get(StackCounter.ICMPV4_ECHO_REPLIES_SENT)).isEqualTo(9);
        }
    }

    @Test
    void disabledNicDropsAndCountsThenWorksAgainWhenEnabled() throws Exception {
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(2))) {
            r.nic.disable();
            r.send(RawPeer.echoRequest(PEER, US, 1, 8));
            assertThat(r.awaitStats(x -> x.get(StackCounter.NIC_DISABLED) == 1).get(StackCounter.NIC_DISABLED))
                    .isEqualTo(1);
            r.nic.enable();
            r.send(RawPeer.echoRequest(PEER, US, 2, 8));
            assertThat(r.awaitStats(x -> x.get(StackCounter.ICMPV4_ECHO_REPLIES_SENT) == 1)
                    .get(StackCounter.ICMPV4_ECHO_REPLIES_SENT)).isEqualTo(1);
            assertThat(r.stack.removeNic(1)).isTrue();
            assertThat(r.stack.routes().size()).as("on-link routes of the NIC removed").isZero();
        }
    }
}
