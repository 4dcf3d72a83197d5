package org.netstack4j.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netstack4j.stack.Stack;
import org.netstack4j.transport.tcp.TcpConfig;

/**
 * The heap an idle established connection costs: 10,000 connections between two stacks over the in-memory pipe
 * (20,000 connection ends, each with its {@link TcpSocket}), heap used after a full GC before and after, divided
 * by the number of ends. Prints the figure and, where the JVM offers the diagnostic command, the classes that
 * make it up (a class histogram before and after). The bound fails if buffers were allocated eagerly again.
 */
class TcpIdleMemoryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CONNECTIONS = 10_000;

    private StackPair stacks;
    private Stack a;
    private Stack b;
    private Tcp tcpA;
    private Tcp tcpB;

    @BeforeEach
    void twoStacks() {
        stacks = new StackPair(1024);
        a = stacks.a;
        b = stacks.b;
        TcpConfig config = TcpConfig.builder().timeWait(Duration.ofMillis(200)).build();
        tcpA = Tcp.attach(a, config);
        tcpB = Tcp.attach(b, config);
    }

    @AfterEach
    void close() throws InterruptedException {
        stacks.close(WAIT);
    }

    @Test
    void anIdleEstablishedConnectionEndCostsUnderTwoKilobytesOfHeap() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 9000);
        List<TcpSocket> open = new ArrayList<>(2 * CONNECTIONS);
        try (TcpListener listener = tcpB.listen(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 9000),
                16384)) {
            // One connection first, so that ARP, pools and lazily made per-stack state are in "before".
            open.add(tcpA.connect(server, WAIT));
            open.add(listener.accept(WAIT));
            Map<String, long[]> classesBefore = histogram();
            System.gc();
            long before = memory.getHeapMemoryUsage().getUsed();
            for (int i = 0; i < CONNECTIONS; i++) {
                open.add(tcpA.connect(server, WAIT));
                open.add(listener.accept(WAIT));
            }
            System.gc();
            long after = memory.getHeapMemoryUsage().getUsed();
            long perEnd = (after - before) / (2L * CONNECTIONS);
            System.out.printf("%d idle established connections (%d ends): %d bytes of heap per connection end%n",
                    CONNECTIONS, 2 * CONNECTIONS, perEnd);
            printLargest(classesBefore, histogram(), 2 * CONNECTIONS);
            assertThat(perEnd).as("heap per idle connection end").isPositive().isLessThan(2048);
            for (TcpSocket s : open) {
                s.close();
            }
        }
    }

    /** Instances and bytes per class after a full GC, or empty where the diagnostic command is missing. */
    private static Map<String, long[]> histogram() {
        Map<String, long[]> classes = new HashMap<>();
        try {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {null}, new String[] {String[].class.getName()});
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
        } catch (Exception | LinkageError e) {
            System.out.println("no class histogram: " + e);
        }
        return classes;
    }

    private static void printLargest(Map<String, long[]> before, Map<String, long[]> after, int ends) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] was = before.getOrDefault(e.getKey(), new long[2]);
            grown.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]}));
        }
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        for (int i = 0; i < Math.min(20, grown.size()); i++) {
            long[] g = grown.get(i).getValue();
            System.out.printf("  %7.2f instances %7.1f bytes per end  %s%n", (double) g[0] / ends,
                    (double) g[1] / ends, grown.get(i).getKey());
        }
    }
}
