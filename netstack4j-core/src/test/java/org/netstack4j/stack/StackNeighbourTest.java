package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.netstack4j.time.ManualClock;
import org.netstack4j.wire.Ipv4Address;

class StackNeighbourTest {

    @Test
    void unresolvedNeighbourQueuesABoundedNumberOfPacketsThenFailsAndCountsTheDrops() throws Exception {
        ManualClock clock = new ManualClock();
        try (RawPeer r = new RawPeer(true, clock, Stack.builder().shards(2))) {
            Ipv4Address silent = Ipv4Address.parse("10.0.0.77");
            for (int i = 0; i < 6; i++) {
                r.stack.ping(silent, new byte[8], Duration.ofSeconds(30));
            }
            // The peer sees ARP requests (EtherType 0x0806) broadcast for the silent address.
            byte[] request = r.await(p -> p.length >= 28 && (p[7] & 0xff) == 1
                    && org.netstack4j.wire.Bytes.i32(p, 24) == silent.value());
            assertThat(request).isNotNull();
            Stats queued = r.awaitStats(s -> s.neighbourPacketsDropped() == 3);
            assertThat(queued.neighbourPacketsDropped()).as("3 queued per entry, 3 over").isEqualTo(3);
            for (int i = 0; i < 10; i++) {
                clock.advance(Duration.ofSeconds(1));
                r.awaitStats(s -> true);
            }
            Stats failed = r.awaitStats(s -> s.neighbourResolutionsFailed() >= 1);
            assertThat(failed.neighbourResolutionsFailed()).isEqualTo(1);
            assertThat(failed.neighbourPacketsDropped()).isEqualTo(6);
            assertThat(failed.get(StackCounter.NEIGHBOUR_RESOLUTION_FAILED)).isEqualTo(3);
        }
    }
}
