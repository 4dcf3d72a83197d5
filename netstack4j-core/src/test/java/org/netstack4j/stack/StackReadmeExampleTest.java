package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.wire.Ipv4Address;

/** The README's stack example, kept compiling and working. */
class StackReadmeExampleTest {
    @Test
    void twoStacksOverAPipePingEachOther() throws Exception {
        PacketPipe pipe = PacketPipe.open(256, 2048);
        // --- as in the README ---
        Stack a = Stack.builder().build(), b = Stack.builder().build();
        a.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.a()).build()))
                .addAddress("10.0.0.1/24");
        b.createNic(1, PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.b()).build()))
                .addAddress("10.0.0.2/24");
        PingReply reply = a.ping(Ipv4Address.parse("10.0.0.2"), new byte[8000], Duration.ofSeconds(5)).get();
        System.out.println(reply.roundTrip() + "\n" + a.stats());  // counters per layer and drop reason
        // --- end of the README's lines ---
        assertThat(reply.payload()).hasSize(8000);
        assertThat(a.stats().get(StackCounter.IPV4_FRAGMENTS_SENT)).isEqualTo(6);
        a.close();
        b.close();
        assertThat(a.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(b.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
}
