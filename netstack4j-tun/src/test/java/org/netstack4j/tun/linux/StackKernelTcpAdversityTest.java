package org.netstack4j.tun.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.netstack4j.tun.linux.KernelTcpRig.at;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.netstack4j.socket.TcpListener;
import org.netstack4j.socket.TcpSocket;
import org.netstack4j.transport.tcp.TcpConfig;
import org.netstack4j.transport.tcp.TcpCounter;
import org.netstack4j.transport.tcp.TcpCounters;

/**
 * The kernel as the TCP peer in hard conditions, through a TUN in the test JVM's private namespace: loss and
 * reordering made by the kernel's traffic control on either side of the TUN, a SYN flood from spoofed sources,
 * and tshark checking every segment the stack put on the wire.
 */
@RequiresNetAdmin
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StackKernelTcpAdversityTest {
    private static final int TIMEOUT_MS = 30_000;
    private static final long LOSSY_SIZE = 4L << 20;

    /**
     * A classic BPF classifier for an HTB qdisc ({@code tc ... bpf bytecode}): A = random; A %= 100; below 5 →
     * class 1:30 (a pfifo of limit 0: the packet is dropped), below 30 → 1:20 (a slow 20 Mbit/s class: the packet
     * falls behind the ones sent after it, i.e. reordering), else 1:10 (fast). The kernel here has no netem, but
     * HTB, cls_bpf and ifb are enough for 5 % loss and 25 % reordering.
     */
    private static final String LOSS_AND_REORDER_BPF =
            "7,32 0 0 4294963256,148 0 0 100,53 1 0 5,6 0 0 65584,53 1 0 30,6 0 0 65568,6 0 0 65552";

    /** Loss and reordering on the packets the kernel sends towards the stack (root qdisc of the TUN). */
    @Test
    void lossAndReorderingOnTheKernelsPacketsTowardsTheStack() throws Exception {
        try (KernelTcpRig rig = KernelTcpRig.open(false, TcpConfig.defaults())) {
            impair(rig.deviceName());
            lossyTransfersBothWays(rig, 5201);
            long dropped = droppedByLossClass(rig.deviceName());
            System.out.println("kernel -> stack impairment dropped " + dropped + " packets");
            assertThat(dropped).as("packets dropped by the loss class").isPositive();
            assertThat(rig.tcp.protocol().counters().get(TcpCounter.OUT_OF_ORDER)).isPositive();
        }
    }

    /**
     * Loss and reordering on the packets the stack sends towards the kernel: the TUN's ingress is redirected
     * to an ifb device whose root qdisc impairs them before the kernel's IP layer sees them.
     */
    @Test
    void lossAndReorderingOnTheStacksPacketsTowardsTheKernel() throws Exception {
        try (KernelTcpRig rig = KernelTcpRig.open(false, TcpConfig.defaults())) {
            String ifb = TestSupport.uniqueName("ifb");
            TestSupport.run(10, "ip", "link", "add", ifb, "type", "ifb");
            try {
                TestSupport.run(10, "ip", "link", "set", ifb, "up");
                TestSupport.run(10, "tc", "qdisc", "add", "dev", rig.deviceName(), "handle", "ffff:", "ingress");
                TestSupport.run(10, "tc", "filter", "add", "dev", rig.deviceName(), "parent", "ffff:", "protocol",
                        "all", "prio", "1", "u32", "match", "u32", "0", "0", "action", "mirred", "egress",
                        "redirect", "dev", ifb);
                impair(ifb);
                lossyTransfersBothWays(rig, 5202);
                long dropped = droppedByLossClass(ifb);
                System.out.println("stack -> kernel impairment dropped " + dropped + " packets");
                assertThat(dropped).as("packets dropped by the loss class").isPositive();
                assertThat(rig.tcp.protocol().counters().get(TcpCounter.RETRANSMITS)).isPositive();
            } finally {
                TestSupport.run(10, "ip", "link", "del", ifb);
            }
        }
    }

    private static void impair(String device) throws Exception {
        TestSupport.run(10, "tc", "qdisc", "add", "dev", device, "root", "handle", "1:", "htb", "default", "10");
        TestSupport.run(10, "tc", "class", "add", "dev", device, "parent", "1:", "classid", "1:10", "htb", "rate",
                "10gbit");
        TestSupport.run(10, "tc", "class", "add", "dev", device, "parent", "1:", "classid", "1:20", "htb", "rate",
                "20mbit", "burst", "1600", "cburst", "1600");
        TestSupport.run(10, "tc", "class", "add", "dev", device, "parent", "1:", "classid", "1:30", "htb", "rate",
                "10gbit");
        TestSupport.run(10, "tc", "qdisc", "add", "dev", device, "parent", "1:30", "handle", "30:", "pfifo",
                "limit", "0");
        TestSupport.run(10, "tc", "filter", "add", "dev", device, "parent", "1:", "protocol", "all", "prio", "1",
                "bpf", "bytecode", LOSS_AND_REORDER_BPF);
    }

    private static long droppedByLossClass(String device) throws Exception {
        String out = TestSupport.run(10, "tc", "-s", "qdisc", "show", "dev", device);
        Matcher m = Pattern.compile("qdisc pfifo 30:[^\\n]*\\n\\s*Sent \\d+ bytes \\d+ pkt \\(dropped (\\d+)")
                .matcher(out);
        assertThat(m.find()).as("loss qdisc statistics in %s", out).isTrue();
        System.out.println(TestSupport.run(10, "tc", "-s", "class", "show", "dev", device).strip());
        return Long.parseLong(m.group(1));
    }

    /** A kernel client sends 4 MiB to a stack listener, which then sends 4 MiB back; both checked by SHA-256. */
    private static void lossyTransfersBothWays(KernelTcpRig rig, int port) throws Exception {
        long t0 = System.nanoTime();
        try (TcpListener l = rig.tcp.listen(at("0.0.0.0", port), 8)) {
            CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> {
                try (TcpSocket s = l.accept(Duration.ofMillis(TIMEOUT_MS))) {
                    s.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                    byte[] got = KernelTcpRig.drainHashing(s.inputStream());
                    KernelTcpRig.sendHashing(s.outputStream(), LOSSY_SIZE, 42);
                    s.shutdownOutput();
                    return got;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] sent;
            byte[] received;
            try (Socket k = new Socket()) {
                k.setSoTimeout(TIMEOUT_MS);
                k.connect(at(KernelTcpRig.STACK4, port), TIMEOUT_MS);
                sent = KernelTcpRig.sendHashing(k.getOutputStream(), LOSSY_SIZE, 41);
                k.shutdownOutput();
                try {
                    received = KernelTcpRig.drainHashing(k.getInputStream());
                } catch (IOException e) {
                    System.out.println("download failed: " + e + "; stack " + rig.tcp.protocol().counters() + "\n"
                            + TestSupport.run(10, "ss", "-tin"));
                    throw e;
                }
            }
            assertThat(served.get(120, TimeUnit.SECONDS)).as("kernel -> stack under loss").isEqualTo(sent);
            assertThat(received).as("stack -> kernel under loss")
                    .isEqualTo(KernelTcpRig.expectedHash(LOSSY_SIZE, 42));
        }
        TcpCounters c = rig.tcp.protocol().counters();
        System.out.printf("%d MiB each way under loss and reordering in %.2f s; retransmits %d (fast %d, timeouts %d),"
                        + " out-of-order %d; %s%n", LOSSY_SIZE >> 20, (System.nanoTime() - t0) / 1e9,
                c.get(TcpCounter.RETRANSMITS), c.get(TcpCounter.FAST_RETRANSMITS), c.get(TcpCounter.TIMEOUTS),
                c.get(TcpCounter.OUT_OF_ORDER), c);
    }

    /**
     * 20,000 SYNs from random ports of random (spoofed) addresses of the kernel's subnet reach a stack listener
     * through the kernel's raw socket; their SYN-ACKs die in the kernel (not its addresses, no forwarding). While
     * they arrive and 2 s after, normal kernel clients connect and transfer 256 KiB checked by SHA-256. The
     * listener answered with SYN cookies once its SYN queue was full, and after the SYN-ACK retries (here 2, from
     * a 250 ms RTO) no half-open connection is left.
     */
    @Test
    void synFloodDoesNotStopNormalConnections() throws Exception {
        TcpConfig config = TcpConfig.builder().synQueueLimit(256).synRetries(2).initialRto(Duration.ofMillis(250))
                .build();
        int port = 5203;
        int floodSize = 20_000;
        try (KernelTcpRig rig = KernelTcpRig.open(false, config);
             TcpListener l = rig.tcp.listen(at("0.0.0.0", port), 16)) {
            AtomicBoolean serving = new AtomicBoolean(true);
            Thread server = Thread.ofVirtual().start(() -> serveHashes(l, serving));
            AtomicInteger sentSyns = new AtomicInteger();
            CompletableFuture<Integer> flood = CompletableFuture.supplyAsync(() -> {
                try {
                    return synFlood(KernelTcpRig.STACK4, port, floodSize, sentSyns);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try {
                List<String> results = new ArrayList<>();
                assertThat(KernelTcpRig.await(Duration.ofSeconds(20), () -> sentSyns.get() >= floodSize / 4))
                        .as("flood under way").isTrue();
                long t0 = System.nanoTime();
                results.add(transferWithHash(port, 1));
                results.add(String.format("during flood (%d SYNs sent): connected and checked in %.1f ms",
                        sentSyns.get(), (System.nanoTime() - t0) / 1e6));
                int sent = flood.get(60, TimeUnit.SECONDS);
                long cookiesDuringFlood = rig.tcp.protocol().counters().get(TcpCounter.COOKIES_SENT);
                Thread.sleep(2000);
                t0 = System.nanoTime();
                results.add(transferWithHash(port, 2));
                results.add(String.format("2 s after the flood: connected and checked in %.1f ms",
                        (System.nanoTime() - t0) / 1e6));
                System.out.println("SYN flood: " + sent + " SYNs sent; " + String.join("; ", results));
                assertThat(cookiesDuringFlood).as("SYN cookies answered the flood").isPositive();
                // Half-open connections retry their SYN-ACK at 0.25, 0.5 and 1 s and are gone after about 2 s.
                boolean drained = KernelTcpRig.await(Duration.ofSeconds(15),
                        () -> rig.tcp.protocol().connectionCount() == 0);
                System.out.println("TCP counters after the SYN flood: " + rig.tcp.protocol().counters());
                assertThat(drained).as("no half-open connection left, %d left",
                        rig.tcp.protocol().connectionCount()).isTrue();
                assertThat(rig.tcp.protocol().counters().get(TcpCounter.PASSIVE_OPENS)).isPositive();
            } finally {
                serving.set(false);
                l.close();
                server.join(10_000);
            }
        }
    }

    /** Accepts connections and answers each with the SHA-256 of what it received. */
    private static void serveHashes(TcpListener l, AtomicBoolean serving) {
        for (int i = 0; i < 1000 && serving.get(); i++) {
            try (TcpSocket s = l.accept(Duration.ofMillis(TIMEOUT_MS))) {
                s.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                byte[] hash = KernelTcpRig.drainHashing(s.inputStream());
                s.outputStream().write(hash);
                s.shutdownOutput();
            } catch (Exception e) {
                if (serving.get()) {
                    System.out.println("hash server: " + e);
                }
            }
        }
    }

    /** A kernel client sends 256 KiB and reads back the SHA-256 the stack computed. */
    private static String transferWithHash(int port, long seed) throws Exception {
        try (Socket k = new Socket()) {
            k.setSoTimeout(TIMEOUT_MS);
            k.connect(at(KernelTcpRig.STACK4, port), TIMEOUT_MS);
            byte[] sent = KernelTcpRig.sendHashing(k.getOutputStream(), 256 * 1024, seed);
            k.shutdownOutput();
            byte[] answer = k.getInputStream().readNBytes(64);
            assertThat(answer).as("SHA-256 computed by the stack").isEqualTo(sent);
            return "ok";
        }
    }

    /**
     * Sends {@code count} SYNs to {@code target:port} through a raw IPv4 socket, from random ports of random
     * addresses 10.92.0.3–254, paced at about 10,000 per second; returns how many the kernel took.
     */
    private static int synFlood(String target, int port, int count, AtomicInteger progress) throws Exception {
        byte[] dst = InetAddress.getByName(target).getAddress();
        SplittableRandom random = new SplittableRandom(7);
        byte[] packet = new byte[40];
        int ok = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.callStateLayout());
            int fd = Libc.socket(state, Libc.AF_INET, Libc.SOCK_RAW, 255 /* IPPROTO_RAW: we write the IP header */);
            if (fd < 0) {
                throw new IOException("raw socket: " + Libc.strerror(Libc.errno(state)));
            }
            try {
                MemorySegment native40 = arena.allocate(40);
                MemorySegment to = arena.allocate(16); // sockaddr_in
                to.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
                for (int i = 0; i < 4; i++) {
                    to.set(JAVA_BYTE, 4 + i, dst[i]);
                }
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    byte[] src = {10, 92, 0, (byte) (3 + random.nextInt(252))};
                    writeSyn(packet, src, dst, 1024 + random.nextInt(64000), port, random.nextInt());
                    MemorySegment.copy(packet, 0, native40, JAVA_BYTE, 0, 40);
                    if (Libc.sendto(state, fd, native40, 40, 0, to, 16) == 40) {
                        ok++;
                    }
                    progress.incrementAndGet();
                    long due = start + i * 100_000L; // 10,000 per second
                    long ahead = due - System.nanoTime();
                    if (ahead > 1_000_000) {
                        Thread.sleep(ahead / 1_000_000);
                    }
                }
            } finally {
                Libc.close(state, fd);
            }
        }
        return ok;
    }

    /** A 40-byte IPv4 + TCP SYN (no options) with both checksums. */
    private static void writeSyn(byte[] p, byte[] src, byte[] dst, int srcPort, int dstPort, int seq) {
        java.util.Arrays.fill(p, (byte) 0);
        p[0] = 0x45;
        p[3] = 40;
        p[6] = 0x40; // DF
        p[8] = 64;
        p[9] = 6;
        System.arraycopy(src, 0, p, 12, 4);
        System.arraycopy(dst, 0, p, 16, 4);
        putShort(p, 10, checksum(p, 0, 20, 0));
        putShort(p, 20, srcPort);
        putShort(p, 22, dstPort);
        p[24] = (byte) (seq >>> 24);
        p[25] = (byte) (seq >>> 16);
        p[26] = (byte) (seq >>> 8);
        p[27] = (byte) seq;
        p[32] = 0x50;
        p[33] = 0x02; // SYN
        putShort(p, 34, 64240);
        long pseudo = ((src[0] & 0xff) << 8 | (src[1] & 0xff)) + ((src[2] & 0xff) << 8 | (src[3] & 0xff))
                + ((dst[0] & 0xff) << 8 | (dst[1] & 0xff)) + ((dst[2] & 0xff) << 8 | (dst[3] & 0xff)) + 6 + 20;
        putShort(p, 36, checksum(p, 20, 20, pseudo));
    }

    private static int checksum(byte[] p, int offset, int length, long initial) {
        long sum = initial;
        for (int i = 0; i < length; i += 2) {
            sum += (p[offset + i] & 0xff) << 8 | (p[offset + i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static void putShort(byte[] p, int at, int v) {
        p[at] = (byte) (v >>> 8);
        p[at + 1] = (byte) v;
    }

    /**
     * tcpdump on the kernel's side of the TUN (offloads off, so checksums are real) during short transfers both
     * ways over IPv4 and IPv6; tshark, an independent decoder, finds no malformed segment, no bad IP or TCP
     * checksum and no expert error in what the stack sent. Its {@code tcp.analysis} notes are printed.
     */
    @Test
    void tsharkFindsNothingWrongInTheStacksSegments(@TempDir Path dir) throws Exception {
        Path tshark = onPath("tshark");
        Path tcpdump = onPath("tcpdump");
        assumeTrue(tshark != null && tcpdump != null,
                "tshark or tcpdump is not installed (scripts/install-test-deps.sh installs them)");
        Path capture = dir.resolve("stack.pcap");
        try (KernelTcpRig rig = KernelTcpRig.open(false, TcpConfig.defaults())) {
            Process dump = new ProcessBuilder(tcpdump.toString(), "-i", rig.deviceName(), "-n", "-U", "-s", "0",
                    "-w", capture.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                assertThat(KernelTcpRig.await(Duration.ofSeconds(10), () -> fileSize(capture) >= 24))
                        .as("tcpdump started").isTrue();
                Thread.sleep(300);
                for (String[] pair : new String[][] {{KernelTcpRig.KERNEL4, KernelTcpRig.STACK4},
                        {KernelTcpRig.KERNEL6, KernelTcpRig.STACK6}}) {
                    smallTransfers(rig, pair[0], pair[1]);
                }
                Thread.sleep(300);
            } finally {
                TestSupport.stop(dump); // by its handle (PID); SIGTERM lets it flush the file
            }
        }
        String ours = "(ip.src == " + KernelTcpRig.STACK4 + " || ipv6.src == " + KernelTcpRig.STACK6 + ")";
        List<String> segments = tshark(tshark, capture, ours + " && tcp");
        List<String> bad = tshark(tshark, capture, ours + " && (_ws.malformed || _ws.expert.severity >= 0x00800000"
                + " || ip.checksum.status == 0 || tcp.checksum.status == 0 || tcp.checksum.status == 2)");
        List<String> analysis = tshark(tshark, capture, ours + " && tcp.analysis.flags");
        System.out.println("tshark: " + segments.size() + " segments from the stack, " + bad.size()
                + " malformed or bad checksum, " + analysis.size() + " with tcp.analysis notes");
        analysis.stream().limit(20).forEach(a -> System.out.println("  " + a));
        assertThat(segments.size()).as("segments from the stack captured").isGreaterThan(100);
        assertThat(bad).as("malformed or bad-checksum segments from the stack").isEmpty();
    }

    /** 256 KiB kernel → stack and back on one connection, then 256 KiB stack → kernel server and back. */
    private static void smallTransfers(KernelTcpRig rig, String kernelAddress, String stackAddress) throws Exception {
        long size = 256 * 1024;
        boolean v6 = stackAddress.contains(":");
        try (TcpListener l = rig.tcp.listen(at(v6 ? "::" : "0.0.0.0", 5204), 4)) {
            CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> {
                try (TcpSocket s = l.accept(Duration.ofMillis(TIMEOUT_MS))) {
                    s.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                    byte[] got = KernelTcpRig.drainHashing(s.inputStream());
                    KernelTcpRig.sendHashing(s.outputStream(), size, 52);
                    s.shutdownOutput();
                    return got;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket k = new Socket()) {
                k.setSoTimeout(TIMEOUT_MS);
                k.connect(at(stackAddress, 5204), TIMEOUT_MS);
                byte[] sent = KernelTcpRig.sendHashing(k.getOutputStream(), size, 51);
                k.shutdownOutput();
                assertThat(KernelTcpRig.drainHashing(k.getInputStream()))
                        .isEqualTo(KernelTcpRig.expectedHash(size, 52));
                assertThat(served.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo(sent);
            }
        }
        try (ServerSocket server = new ServerSocket()) {
            server.bind(at(kernelAddress, 0));
            server.setSoTimeout(TIMEOUT_MS);
            CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> {
                try (Socket k = server.accept()) {
                    k.setSoTimeout(TIMEOUT_MS);
                    byte[] got = KernelTcpRig.drainHashing(k.getInputStream());
                    KernelTcpRig.sendHashing(k.getOutputStream(), size, 54);
                    k.shutdownOutput();
                    return got;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (TcpSocket c = rig.tcp.connect(at(kernelAddress, server.getLocalPort()),
                    Duration.ofMillis(TIMEOUT_MS))) {
                c.readTimeout(Duration.ofMillis(TIMEOUT_MS));
                byte[] sent = KernelTcpRig.sendHashing(c.outputStream(), size, 53);
                c.shutdownOutput();
                assertThat(KernelTcpRig.drainHashing(c.inputStream())).isEqualTo(KernelTcpRig.expectedHash(size, 54));
                assertThat(served.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo(sent);
            }
        }
    }

    private static List<String> tshark(Path tshark, Path capture, String filter) throws Exception {
        Process p = new ProcessBuilder(tshark.toString(), "-n", "-r", capture.toString(), "-o",
                "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-Y", filter)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly(); // our own child, by its handle
        }
        assertThat(p.exitValue()).as("tshark exit status for %s", filter).isZero();
        List<String> lines = new ArrayList<>();
        for (String line : new String(out, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    private static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static Path onPath(String command) {
        String path = System.getenv("PATH");
        for (String d : (path == null ? "" : path).split(File.pathSeparator)) {
            Path p = Path.of(d, command);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
