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
            // Step the clock until the retransmits run out. Each timer reschedules itself from the time it
            // fired, so the loop keeps stepping (bounded) rather than trusting one jump to fire them all.
            Stats failed = r.stack.stats();
            for (int i = 0; i < 60 && failed.neighbourResolutionsFailed() == 0; i++) {
                clock.advance(Duration.ofSeconds(1));
                Thread.sleep(30); // lets the shard's loop (parked at most 10 ms with timers pending) run them
                failed = r.stack.stats();
            }
            assertThat(failed.neighbourResolutionsFailed()).isEqualTo(1);
            assertThat(failed.neighbourPacketsDropped()).isEqualTo(6);
            assertThat(failed.get(StackCounter.NEIGHBOUR_RESOLUTION_FAILED)).isEqualTo(3);
        }
    }

    @Test
    void offLinkDestinationsResolveTheDefaultGatewayNotTheDestination() throws Exception {
        try (RawPeer r = new RawPeer(true, org.netstack4j.time.Clock.system(), Stack.builder().shards(2))) {
            Ipv4Address gateway = Ipv4Address.parse("10.0.0.254");
            r.stack.addDefaultRoute(gateway, 1);
            r.stack.ping(Ipv4Address.parse("203.0.113.9"), new byte[8], Duration.ofSeconds(30));
            byte[] request = r.await(p -> p.length >= 28 && (p[7] & 0xff) == 1
                    && org.netstack4j.wire.Bytes.i32(p, 24) == gateway.value());
            assertThat(request).as("ARP request for the gateway").isNotNull();
            assertThat(r.stack.routes().lookup(Ipv4Address.parse("10.0.0.9")).hasGateway())
                    .as("the subnet stays on-link (longest prefix wins)").isFalse();
        }
    }
}
