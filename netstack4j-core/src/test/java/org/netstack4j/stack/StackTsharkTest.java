package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.link.SnifferEndpoint;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

/**
 * Two stacks ping each other at every size over IP and Ethernet links while a sniffer records one side;
 * tshark, an independent decoder, must find no malformed packet and no bad checksum in the capture, and
 * see ARP, NDP and fragmented echoes reassembled with the full data.
 */
class StackTsharkTest {

    @ParameterizedTest(name = "ethernet={0}")
    @ValueSource(booleans = {false, true})
    void aCaptureOfPingsDecodesCleanlyInTshark(boolean ethernet, @TempDir Path dir) throws Exception {
        Path tshark = findTshark();
        assumeTrue(tshark != null, "tshark is not installed (scripts/install-test-deps.sh installs it)");
        Path capture = dir.resolve("ping.pcap");
        PacketPipe pipe = PacketPipe.open(512, 2048);
        Stack a = Stack.builder().shards(2).seed(11).build();
        Stack b = Stack.builder().shards(2).seed(12).build();
        try (OutputStream out = Files.newOutputStream(capture)) {
            SnifferEndpoint sniffer = new SnifferEndpoint(
                    TwoStacks.endpoint(pipe.a(), ethernet, 1500, TwoStacks.MAC_A), out);
            a.createNic(1, sniffer).addAddress("10.0.0.1/24");
            a.nic(1).addAddress("fd00::1/64");
            b.createNic(1, TwoStacks.endpoint(pipe.b(), ethernet, 1500, TwoStacks.MAC_B)).addAddress("10.0.0.2/24");
            b.nic(1).addAddress("fd00::2/64");
            for (int size : new int[] {0, 56, 1400, 8000}) {
                a.ping(Ipv4Address.parse("10.0.0.2"), new byte[size], Duration.ofSeconds(10)).get();
                a.ping(Ipv6Address.parse("fd00::2"), new byte[size], Duration.ofSeconds(10)).get();
                b.ping(Ipv4Address.parse("10.0.0.1"), new byte[size], Duration.ofSeconds(10)).get();
            }
            a.close();
            b.close();
            a.awaitTermination(Duration.ofSeconds(10));
            b.awaitTermination(Duration.ofSeconds(10));
            sniffer.flush();
        }
        List<String> bad = run(tshark, capture, "_ws.malformed || _ws.expert.severity >= 0x00800000"
                + " || ip.checksum.status == 0 || icmp.checksum.status == 0 || icmpv6.checksum.status == 0");
        assertThat(bad).as("malformed or bad-checksum packets").isEmpty();
        List<String> all = run(tshark, capture, "");
        System.out.println(String.join("\n", all));
        assertThat(run(tshark, capture, "icmp.type == 0 && data.len == 8000")).hasSize(2);
        assertThat(run(tshark, capture, "icmpv6.type == 129 && data.len == 8000")).hasSize(1);
        if (ethernet) {
            assertThat(run(tshark, capture, "arp.opcode == 2")).isNotEmpty();
            assertThat(run(tshark, capture, "icmpv6.type == 136")).isNotEmpty();
        }
    }

    private static List<String> run(Path tshark, Path capture, String filter) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tshark.toString(), "-n", "-r", capture.toString(),
                "-o", "ip.check_checksum:TRUE"));
        if (!filter.isEmpty()) {
            cmd.add("-Y");
            cmd.add(filter);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly(); // our own child, by its handle
        }
        assertThat(p.exitValue()).as("tshark exit status for %s", cmd).isZero();
        List<String> lines = new ArrayList<>();
        for (String l : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return lines;
    }

    private static Path findTshark() {
        String path = System.getenv("PATH");
        for (String d : (path == null ? "" : path).split(File.pathSeparator)) {
            Path p = Path.of(d, "tshark");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
