package org.netstack4j.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {
    @Test
    void everyEchoRequestIsAnsweredAndCaptured(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new Main()).execute("demo", "--count", "3", "--size", "100", "--pcap", pcap.toString());
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("3 packets transmitted, 3 received")
                .contains("100 bytes from 198.18.0.2: icmp_seq=3");
        // pcap: 24-byte global header, then 3 requests and 3 replies of 20 + 8 + 100 bytes, each with a 16-byte record header.
        byte[] file = Files.readAllBytes(pcap);
        assertThat(file).hasSize(24 + 6 * (16 + 128));
        // Each request is captured before the reply it caused (ICMP type at IP offset 20 of each record).
        for (int i = 0; i < 6; i++) {
            int icmpType = file[24 + i * (16 + 128) + 16 + 20] & 0xff;
            assertThat(icmpType).as("record %d", i).isEqualTo(i % 2 == 0 ? 8 : 0);
        }
    }

    @Test
    void refusesSizesOutsideItsRange() {
        assertThat(new CommandLine(new Main()).execute("demo", "--size", "5000")).isEqualTo(2);
    }
}
