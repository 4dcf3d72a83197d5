package org.netstack4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.UdpHeader;

/** The README's usage example, kept compiling and working (with a sender on the pipe's other end). */
class ReadmeExampleTest {
    @Test
    void readmeExampleRuns() throws Exception {
        byte[] payload = "hello".getBytes(StandardCharsets.US_ASCII);
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(1);

        // --- as in the README ---
        PacketPipe pipe = PacketPipe.open(256, 2048);
        PacketEndpoint link = PacketEndpoint.create(PacketEndpointOptions.builder()
                .channel(pipe.a()).mtu(1500).softwareGso(true).build());
        Ipv4Header ip = new Ipv4Header();
        link.attach((endpoint, remoteMac, localMac, etherType, packet) -> {
            if (ip.wrap(packet.array(), packet.start(), packet.length()).isOk()) {
                seen.offer(ip.source() + " -> " + ip.destination());
            }
            packet.release();
        });
        PacketBuffer out = new PacketBuffer(2048, 128);
        out.appendBytes(payload, 0, payload.length);
        UdpHeader.write(out.array(), out.prepend(UdpHeader.LENGTH), 5000, 7, UdpHeader.LENGTH + payload.length);
        // --- end of the README's lines ---

        int total = Ipv4Header.MIN_LENGTH + out.length();
        Ipv4Header.write(out.array(), out.prepend(Ipv4Header.MIN_LENGTH), 0, total, 1, 0, 0, 64,
                Ipv4Header.PROTOCOL_UDP, Ipv4Address.parse("198.18.0.2").value(), Ipv4Address.parse("198.18.0.1").value());
        pipe.b().write(out);
        try {
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("198.18.0.2 -> 198.18.0.1");
        } finally {
            link.close();
            link.awaitTermination();
        }
    }
}
