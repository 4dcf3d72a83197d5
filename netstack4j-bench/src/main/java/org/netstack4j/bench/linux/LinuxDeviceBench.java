package org.netstack4j.bench.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.ChannelFullException;
import org.netstack4j.link.PacketChannel;
import org.netstack4j.tun.linux.InterfaceControl;
import org.netstack4j.tun.linux.PacketSocketChannel;
import org.netstack4j.tun.linux.SocketChannelOptions;
import org.netstack4j.tun.linux.TunChannel;
import org.netstack4j.tun.linux.TunDevice;
import org.netstack4j.tun.linux.TunOffload;
import org.netstack4j.tun.linux.TunOptions;
import org.netstack4j.tun.linux.UnixPacketChannel;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.MacAddress;

/**
 * Throughput of the Linux packet channels against the real kernel (not JMH: it needs root and
 * creates devices, so run it by hand inside a private network namespace):
 *
 * <pre>
 *   unshare --net -- java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar \
 *       org.netstack4j.bench.linux.LinuxDeviceBench all [seconds]
 * </pre>
 *
 * <p>Every workload is bounded by its duration; devices are created in the current namespace and
 * removed at the end. Output lines are {@code metric value unit}. Workloads:
 * <ul>
 *   <li>{@code tun-relay plain|split|whole [v4|v6]}: a kernel TCP sender and a kernel receiver
 *       joined through two TUN devices by a Java NAT relay; plain = no virtio header (1500-byte
 *       packets both ways), split = TSO super-packets read and cut by the channel, whole = super-packets
 *       passed whole to the second device (host GSO). With {@code HB_BUILD} pointing at the shared
 *       benchmark's {@code build/} directory, its C tools {@code hb_server}/{@code hb_send} are the
 *       TCP ends (then the JVM's CPU is the relay's alone).</li>
 *   <li>{@code tun-pps single|batch SIZE}: UDP packets written into one TUN, forwarded by the kernel,
 *       read from another.</li>
 *   <li>{@code unix-pps plain|batched SIZE}: a seqpacket socket pair, one writer and one reader thread.</li>
 *   <li>{@code packet-pps plain|batched SIZE}: AF_PACKET sender on one end of a veth pair, AF_PACKET
 *       receiver on the other.</li>
 *   <li>{@code close-latency [TRIALS]}: two TUN queues read by two loops while the kernel floods them
 *       with UDP; the time from {@code close()} to the end of the last loop, per trial.</li>
 * </ul>
 */
public final class LinuxDeviceBench {
    private static final int HEADROOM = 64;

    private LinuxDeviceBench() {
    }

    /** Entry point: {@code WORKLOAD ARGS... | all [seconds]}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: LinuxDeviceBench all [seconds] | tun-relay MODE [v4|v6] [seconds] | "
                    + "tun-pps MODE SIZE [seconds] | unix-pps MODE SIZE [seconds] | packet-pps MODE SIZE [seconds]");
            System.exit(2);
        }
        InterfaceControl.setUp("lo", true);
        print("machine.busy_before", machineBusyCores(500), "cores");
        switch (args[0]) {
            case "all" -> {
                int s = args.length > 1 ? Integer.parseInt(args[1]) : 5;
                for (String mode : new String[] {"plain", "split", "whole"}) {
                    tunRelay(mode, false, s);
                }
                tunRelay("whole", true, s);
                closeLatency(20);
                for (int size : new int[] {64, 1400}) {
                    tunPps("single", size, s);
                    tunPps("batch", size, s);
                    unixPps("plain", size, s);
                    unixPps("batched", size, s);
                    packetPps("plain", size, s);
                    packetPps("batched", size, s);
                }
            }
            case "close-latency" -> closeLatency(args.length > 1 ? Integer.parseInt(args[1]) : 20);
            case "tun-relay" -> tunRelay(args[1], args.length > 2 && args[2].equals("v6"),
                    args.length > 3 ? Integer.parseInt(args[3]) : 5);
            case "tun-pps" -> tunPps(args[1], Integer.parseInt(args[2]), seconds(args, 3));
            case "unix-pps" -> unixPps(args[1], Integer.parseInt(args[2]), seconds(args, 3));
            case "packet-pps" -> packetPps(args[1], Integer.parseInt(args[2]), seconds(args, 3));
            default -> throw new IllegalArgumentException("unknown workload " + args[0]);
        }
    }

    private static int seconds(String[] args, int index) {
        return args.length > index ? Integer.parseInt(args[index]) : 5;
    }

    // ---------------------------------------------------------------------------------------------

    static void tunRelay(String mode, boolean ipv6, int seconds) throws Exception {
        print("tun_relay." + mode + (ipv6 ? ".v6" : ".v4") + ".machine_busy_before", machineBusyCores(500), "cores");
        String label = "tun_relay." + mode + (ipv6 ? ".v6" : ".v4");
        TunOptions options = TunOptions.tun("x");
        int bufferSize = 2048;
        if (!mode.equals("plain")) {
            options = options.withOffloads(TunOffload.tcp()).withDeliverSuperPackets(mode.equals("whole"));
            if (mode.equals("whole")) {
                bufferSize = 65536 + 128;
            }
        }
        String aKernel = ipv6 ? "2001:2:0:1::1" : "198.18.1.1";
        String aPeer = ipv6 ? "2001:2:0:1::2" : "198.18.1.2";
        String bKernel = ipv6 ? "2001:2:0:2::1" : "198.18.2.1";
        String bPeer = ipv6 ? "2001:2:0:2::2" : "198.18.2.2";
        int prefix = ipv6 ? 64 : 24;
        try (TunDevice a = openTun(options, "nsbra", aKernel, prefix);
             TunDevice b = openTun(options, "nsbrb", bKernel, prefix)) {
            byte[] ak = InetAddress.getByName(aKernel).getAddress();
            byte[] ap = InetAddress.getByName(aPeer).getAddress();
            byte[] bk = InetAddress.getByName(bKernel).getAddress();
            byte[] bp = InetAddress.getByName(bPeer).getAddress();
            try (NatRelay forward = new NatRelay("relay-a-b", a.queue(0), b.queue(0), ak, bp, ap, bk, bufferSize, 64);
                 NatRelay backward = new NatRelay("relay-b-a", b.queue(0), a.queue(0), bk, ap, bp, ak, bufferSize, 64)) {
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                double gbps = hbTools() != null
                        ? tcpWithHbTools(hbTools(), bKernel, aPeer, seconds)
                        : tcpWithJavaSockets(bKernel, aPeer, seconds);
                double wall = (System.nanoTime() - t0) / 1e9;
                double cores = (processCpuNanos() - cpu0) / 1e9 / wall;
                print(label + ".tcp_tput", gbps, "Gbit/s");
                print(label + ".jvm_cpu", cores, "cores");
                if (hbTools() != null) {
                    print(label + ".tcp_tput_per_relay_core", gbps / Math.max(cores, 0.01), "Gbit/s/core");
                }
                TunChannel qa = a.queue(0);
                print(label + ".a_packets_read", qa.stats().packetsRead(), "packets");
                print(label + ".a_super_packets_read", qa.stats().superPacketsRead(), "packets");
                print(label + ".b_super_packets_written", b.queue(0).stats().superPacketsWritten(), "packets");
                print(label + ".avg_packet_a_to_b", forward.bytes.get() / Math.max(1.0, forward.packets.get()), "B");
                print(label + ".relay_dropped", forward.dropped.get() + backward.dropped.get(), "packets");
                if (forward.failure != null || backward.failure != null) {
                    System.err.println(label + " relay failure: " + forward.failure + " / " + backward.failure);
                }
            }
        }
    }

    private static TunDevice openTun(TunOptions options, String name, String address, int prefix) throws IOException {
        TunDevice tun = TunDevice.open(new TunOptions(name, options.mode(), 1, false, options.attach(),
                options.virtioNetHeader(), options.offloads(), options.deliverSuperPackets(), false));
        tun.setMtu(1500).setUp(true).addAddress(InetAddress.getByName(address), prefix);
        return tun;
    }

    private static Path hbTools() {
        String dir = System.getenv("HB_BUILD");
        if (dir == null) {
            return null;
        }
        Path p = Path.of(dir);
        return Files.isExecutable(p.resolve("hb_send")) && Files.isExecutable(p.resolve("hb_server")) ? p : null;
    }

    /** The shared benchmark's C tools: hb_server (discard on 9) behind B, hb_send through A. */
    private static double tcpWithHbTools(Path tools, String serverAddress, String clientTarget, int seconds)
            throws Exception {
        Process server = new ProcessBuilder(tools.resolve("hb_server").toString(), "-a", serverAddress, "-T",
                Integer.toString(seconds + 30)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            Thread.sleep(300);
            Process client = new ProcessBuilder(tools.resolve("hb_send").toString(), "-H", clientTarget, "-p", "9",
                    "-t", Integer.toString(seconds)).redirectErrorStream(true).start();
            String out;
            try (InputStream in = client.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!client.waitFor(seconds + 20L, TimeUnit.SECONDS)) {
                client.destroyForcibly();
            }
            for (String field : out.trim().split("\\s+")) {
                if (field.startsWith("gbps=")) {
                    return Double.parseDouble(field.substring(5));
                }
            }
            System.err.println("hb_send said: " + out);
            return Double.NaN;
        } finally {
            server.destroy();
            if (!server.waitFor(2, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** A Java discard server behind B and a Java sender through A (both in this JVM). */
    private static double tcpWithJavaSockets(String serverAddress, String clientTarget, int seconds) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(serverAddress, 0));
            AtomicLong received = new AtomicLong();
            Thread sink = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    byte[] chunk = new byte[1 << 16];
                    for (int n; (n = in.read(chunk)) >= 0; ) {
                        received.addAndGet(n);
                    }
                } catch (IOException e) {
                    // ends with the connection
                }
            });
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress(clientTarget, server.getLocalPort()), 5000);
                OutputStream out = client.getOutputStream();
                byte[] chunk = new byte[1 << 16];
                long t0 = System.nanoTime();
                long end = t0 + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    out.write(chunk);
                }
                client.shutdownOutput();
                sink.join(10_000);
                return received.get() * 8 / ((System.nanoTime() - t0) / 1e9) / 1e9;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    static void closeLatency(int trials) throws Exception {
        print("close_latency.machine_busy_before", machineBusyCores(500), "cores");
        double[] millis = new double[trials];
        for (int t = 0; t < trials; t++) {
            try (TunDevice tun = TunDevice.open(TunOptions.tun("nsbcl").withQueues(2))) {
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf/nsbcl/disable_ipv6"), "1");
                tun.setUp(true).addAddress(InetAddress.getByName("198.18.5.1"), 24);
                AtomicLong read = new AtomicLong();
                long[] ended = new long[2];
                Thread[] loops = new Thread[2];
                for (int q = 0; q < 2; q++) {
                    TunChannel channel = tun.queue(q);
                    int queue = q;
                    loops[q] = Thread.ofPlatform().start(() -> {
                        PacketBuffer[] in = new PacketBuffer[32];
                        for (int i = 0; i < in.length; i++) {
                            in[i] = new PacketBuffer(2048 + HEADROOM, HEADROOM);
                        }
                        int[] lengths = new int[in.length];
                        try {
                            for (;;) {
                                read.addAndGet(channel.readBatch(in, lengths, in.length));
                                for (PacketBuffer b : in) {
                                    b.reset(HEADROOM);
                                }
                            }
                        } catch (IOException e) {
                            ended[queue] = System.nanoTime();
                        }
                    });
                }
                AtomicLong stop = new AtomicLong();
                Thread flood = Thread.ofPlatform().start(() -> {
                    try (java.nio.channels.DatagramChannel d = java.nio.channels.DatagramChannel.open()) {
                        d.bind(new InetSocketAddress("198.18.5.1", 0));
                        java.nio.ByteBuffer payload = java.nio.ByteBuffer.allocate(100);
                        long end = System.nanoTime() + 5_000_000_000L;
                        for (int i = 0; stop.get() == 0 && System.nanoTime() < end; i++) {
                            payload.clear();
                            d.send(payload, new InetSocketAddress("198.18.5.2", 6000 + (i & 63)));
                        }
                    } catch (IOException e) {
                        // the device went away
                    }
                });
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (read.get() < 5000 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                long closed = System.nanoTime();
                tun.close();
                for (Thread loop : loops) {
                    loop.join(5000);
                }
                stop.set(1);
                flood.join(5000);
                millis[t] = (Math.max(ended[0], ended[1]) - closed) / 1e6;
            }
        }
        java.util.Arrays.sort(millis);
        print("close_latency.p50", millis[trials / 2], "ms");
        print("close_latency.max", millis[trials - 1], "ms");
    }

    static void tunPps(String mode, int size, int seconds) throws Exception {
        String label = "tun_fwd." + mode + "." + size;
        Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1");
        try (TunDevice a = openTun(TunOptions.tun("x"), "nsbpa", "198.18.3.1", 24);
             TunDevice b = openTun(TunOptions.tun("x"), "nsbpb", "198.18.4.1", 24)) {
            InterfaceControl.setTxQueueLength("nsbpb", 10_000);
            int src = Bytes.i32(InetAddress.getByName("198.18.3.2").getAddress(), 0);
            int dst = Bytes.i32(InetAddress.getByName("198.18.4.2").getAddress(), 0);
            PacketBuffer[] batch = new PacketBuffer[64];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = PacketBuffer.copyOf(udp4(src, 10_000 + i, dst, 9, size - 28), HEADROOM);
            }
            runPps(label, a.queue(0), b.queue(0), batch, mode.equals("batch") ? 64 : 1, 64, seconds, size);
        }
    }

    static void unixPps(String mode, int size, int seconds) throws Exception {
        String label = "unix_seqpacket." + mode + "." + size;
        SocketChannelOptions options = SocketChannelOptions.defaults().withBatching(mode.equals("batched"))
                .withMaxPacketSize(2048).withSocketBuffers(4 << 20, 4 << 20);
        try (UnixPacketChannel.Pair pair = UnixPacketChannel.pair(UnixPacketChannel.Type.SEQPACKET, options)) {
            PacketBuffer[] batch = new PacketBuffer[64];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = PacketBuffer.copyOf(new byte[size], HEADROOM);
            }
            runPps(label, pair.first(), pair.second(), batch, 64, 64, seconds, size);
            print(label + ".write_batch_calls", pair.first().stats().writeBatchCalls(), "calls");
        }
    }

    static void packetPps(String mode, int size, int seconds) throws Exception {
        String label = "af_packet." + mode + "." + size;
        run("ip", "link", "add", "nsbva", "type", "veth", "peer", "name", "nsbvb");
        try {
            for (String dev : new String[] {"nsbva", "nsbvb"}) {
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf/" + dev + "/disable_ipv6"), "1");
                InterfaceControl.setUp(dev, true);
            }
            long macA = InterfaceControl.hardwareAddress("nsbva").value();
            long macB = InterfaceControl.hardwareAddress("nsbvb").value();
            SocketChannelOptions options = SocketChannelOptions.defaults().withBatching(mode.equals("batched"))
                    .withSocketBuffers(8 << 20, 8 << 20);
            try (PacketSocketChannel tx = PacketSocketChannel.open("nsbva", options);
                 PacketSocketChannel rx = PacketSocketChannel.open("nsbvb", options)) {
                int src = 0xc6120501;
                int dst = 0xc6120502;
                PacketBuffer[] batch = new PacketBuffer[64];
                for (int i = 0; i < batch.length; i++) {
                    byte[] ip = udp4(src, 10_000 + i, dst, 9, size - 14 - 28);
                    byte[] frame = new byte[14 + ip.length];
                    MacAddress.write(frame, 0, macB);
                    MacAddress.write(frame, 6, macA);
                    Bytes.put16(frame, 12, 0x0800);
                    System.arraycopy(ip, 0, frame, 14, ip.length);
                    batch[i] = PacketBuffer.copyOf(frame, HEADROOM);
                }
                runPps(label, tx, rx, batch, 64, 64, seconds, size);
                print(label + ".write_drops_no_buffers", tx.stats().writeDropsNoBuffers(), "packets");
            }
        } finally {
            run("ip", "link", "del", "nsbva");
        }
    }

    /**
     * One writer thread sends {@code packets} round-robin ({@code writeBatchSize} per call) for
     * {@code seconds}; one reader thread reads ({@code readBatchSize} per call) until the writer is
     * done and the channel is quiet, then both report.
     */
    private static void runPps(String label, PacketChannel writer, PacketChannel reader, PacketBuffer[] packets,
                               int writeBatchSize, int readBatchSize, int seconds, int size) throws Exception {
        print(label + ".machine_busy_before", machineBusyCores(500), "cores");
        AtomicLong written = new AtomicLong();
        AtomicLong read = new AtomicLong();
        Thread readerThread = Thread.ofPlatform().name("bench-reader").start(() -> {
            PacketBuffer[] in = new PacketBuffer[readBatchSize];
            for (int i = 0; i < in.length; i++) {
                in[i] = new PacketBuffer(2048 + HEADROOM, HEADROOM);
            }
            int[] lengths = new int[in.length];
            try {
                for (;;) {
                    int n = readBatchSize == 1 ? (reader.read(in[0]) >= 0 ? 1 : -1)
                            : reader.readBatch(in, lengths, in.length);
                    if (n < 0) {
                        return;
                    }
                    read.addAndGet(n);
                    for (int i = 0; i < n; i++) {
                        in[i].reset(HEADROOM);
                    }
                }
            } catch (IOException e) {
                // closed: done
            }
        });
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        long warmupEnd = t0 + 1_000_000_000L;
        long readAtWarmup = -1;
        long writtenAtWarmup = 0;
        long warmupNanos = 0;
        int offset = 0;
        long full = 0;
        PacketBuffer[] window = new PacketBuffer[writeBatchSize];
        while (System.nanoTime() < end) {
            for (int i = 0; i < writeBatchSize; i++) {
                window[i] = packets[(offset + i) % packets.length];
            }
            offset = (offset + writeBatchSize) % packets.length;
            int n = writeBatchSize == 1 ? write1(writer, window[0]) : writer.writeBatch(window, writeBatchSize);
            if (n == 0) {
                full++;
                awaitWritable(writer);
            }
            written.addAndGet(n);
            if (readAtWarmup < 0 && System.nanoTime() >= warmupEnd) {
                readAtWarmup = read.get();
                writtenAtWarmup = written.get();
                warmupNanos = System.nanoTime();
                cpu0 = processCpuNanos();
            }
        }
        long t1 = System.nanoTime();
        long readAtEnd = read.get();
        long cpu1 = processCpuNanos();
        Thread.sleep(200);
        reader.close();
        readerThread.join(2000);
        double wall = (t1 - warmupNanos) / 1e9;
        double writePps = (written.get() - writtenAtWarmup) / wall;
        double readPps = (readAtEnd - readAtWarmup) / wall;
        print(label + ".write_pps", writePps, "packets/s");
        print(label + ".read_pps", readPps, "packets/s");
        print(label + ".read_gbps", readPps * size * 8 / 1e9, "Gbit/s");
        print(label + ".jvm_cpu", (cpu1 - cpu0) / 1e9 / wall, "cores");
        print(label + ".writer_found_full", full, "times");
    }

    private static int write1(PacketChannel writer, PacketBuffer p) throws IOException {
        try {
            writer.write(p);
            return 1;
        } catch (ChannelFullException e) {
            return 0;
        }
    }

    /** Back-pressure for the benchmark's writer: wait for room instead of counting drops. */
    private static void awaitWritable(PacketChannel writer) throws IOException {
        if (writer instanceof UnixPacketChannel u) {
            u.awaitWritable(100);
        } else if (writer instanceof PacketSocketChannel p) {
            p.awaitWritable(100);
        } else if (writer instanceof TunChannel t) {
            t.awaitWritable(100);
        }
    }

    static byte[] udp4(int source, int sourcePort, int destination, int destinationPort, int payload) {
        byte[] p = new byte[28 + Math.max(0, payload)];
        p[0] = 0x45;
        Bytes.put16(p, 2, p.length);
        p[8] = 64;
        p[9] = 17;
        Bytes.put32(p, 12, source);
        Bytes.put32(p, 16, destination);
        Bytes.put16(p, 10, Checksum.compute(p, 0, 20));
        Bytes.put16(p, 20, sourcePort);
        Bytes.put16(p, 22, destinationPort);
        Bytes.put16(p, 24, p.length - 20);
        int pseudo = Checksum.pseudoHeaderIpv4(source, destination, 17, p.length - 20);
        int sum = Checksum.finish(Checksum.partial(p, 20, p.length - 20, pseudo));
        Bytes.put16(p, 26, sum == 0 ? 0xffff : sum);
        return p;
    }

    /**
     * Busy CPUs of the whole machine over {@code millis} (from {@code /proc/stat}): load that is not
     * ours and skews the figures (the benchmark machine may be shared).
     */
    static double machineBusyCores(long millis) throws IOException, InterruptedException {
        long[] a = cpuTicks();
        Thread.sleep(millis);
        long[] b = cpuTicks();
        double ticksPerSecond = 100.0; // USER_HZ
        return (b[0] - a[0]) / ticksPerSecond / (millis / 1000.0);
    }

    /** {busy ticks, all ticks} of the aggregate cpu line. */
    private static long[] cpuTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long all = 0;
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        for (int i = 1; i < f.length; i++) {
            all += Long.parseLong(f[i]);
        }
        return new long[] {all - idle, all};
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("failed: " + String.join(" ", command));
        }
    }

    private static void print(String metric, double value, String unit) {
        System.out.println(String.format(Locale.ROOT, "%s %.4g %s", metric, value, unit));
    }
}
