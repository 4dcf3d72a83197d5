package org.netstack4j.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.netstack4j.testing.CaptureOracle.OracleFrame;
import org.netstack4j.testing.Captures;
import org.netstack4j.testing.PcapReader;
import org.netstack4j.testing.TShark;

/**
 * Runs {@code scripts/make-captures.sh} (as root: it creates two private network namespaces, which its
 * trap removes) into a temporary directory, and checks that the fresh kernel traffic is what the
 * committed captures hold: every file decodes cleanly in tshark with the packets it was made for, every
 * frame goes through our views, and every checksum is reproduced by them. This keeps the script
 * working and shows the committed captures are not a lucky one-off. Skipped, with the reason printed,
 * without root or the tools the script needs.
 */
class RegeneratedCapturesTest {
    private static final long SCRIPT_TIMEOUT_SECONDS = 180;
    private static Path output;

    @BeforeAll
    static void regenerate() throws IOException, InterruptedException {
        TShark.assumeAvailable();
        assume(isRoot(), "not root: make-captures.sh creates network namespaces");
        for (String tool : new String[] {"ip", "tcpdump", "ping", "ethtool", "socat", "bash", "timeout"}) {
            assume(onPath(tool), tool + " is not installed (scripts/install-test-deps.sh installs it)");
        }
        Path script = findScript();
        assume(script != null, "scripts/make-captures.sh not found above " + Path.of("").toAbsolutePath());
        output = Files.createTempDirectory("captures");
        Path log = output.resolve("make-captures.log");
        Process process = new ProcessBuilder("bash", script.toString(), output.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            // The script's own trap removes its namespaces when it is terminated.
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("make-captures.sh did not finish in " + SCRIPT_TIMEOUT_SECONDS + " s:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.print(out);
        assertThat(process.exitValue()).as("make-captures.sh exit status; output:\n" + out).isZero();
    }

    @AfterAll
    static void removeOutput() throws IOException {
        if (output != null) {
            try (Stream<Path> files = Files.walk(output)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void freshCapturesDecodeCleanlyAndPassThroughOurViewsWithTheKernelsChecksums() throws IOException {
        int frames = 0;
        int checksums = 0;
        for (String name : Captures.NAMES) {
            Path pcap = output.resolve(name);
            assertThat(pcap).as(name + " regenerated").isRegularFile();
            CaptureOracleSoundnessTest.assertSound(name, pcap, false);
            for (PcapReader.Frame frame : PcapReader.read(pcap).frames()) {
                OracleFrame f = new OracleFrame("fresh " + name, frame, Map.of());
                checksums += KernelChecksumOracleTest.checkFrame(FrameDissection.of(f));
                frames++;
            }
        }
        System.out.printf("oracle: regenerated %d frames, %d checksums reproduced by our views%n", frames, checksums);
        // The committed captures hold 97 frames; a fresh run may differ by an ACK or an MLD report.
        assertThat(frames).isBetween(80, 120);
        // 122 in the committed captures: 45 IPv4 headers and 77 unfragmented transport messages.
        assertThat(checksums).isGreaterThanOrEqualTo(110);
    }

    private static void assume(boolean condition, String reason) {
        if (!condition) {
            System.err.println("RegeneratedCapturesTest skipped: " + reason);
            Assumptions.abort(reason);
        }
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return id.waitFor(10, TimeUnit.SECONDS) && "0".equals(uid);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        // Tools in sbin may be missing from a non-login PATH.
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    /** The script, looked for in the working directory and its parents (Maven runs in the module). */
    private static Path findScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts/make-captures.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
