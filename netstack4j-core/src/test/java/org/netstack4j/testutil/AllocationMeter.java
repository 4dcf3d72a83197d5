package org.netstack4j.testutil;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by the current thread, from the JVM's per-thread allocation counter, for tests
 * that show a path allocates nothing per packet. Skips the test on a JVM without the counter.
 */
public final class AllocationMeter {
    private final com.sun.management.ThreadMXBean threads;

    private AllocationMeter(com.sun.management.ThreadMXBean threads) {
        this.threads = threads;
    }

    /** A meter for the current thread, or a skipped test (assumption failure) when unsupported. */
    public static AllocationMeter forCurrentThread() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)
                || !t.isThreadAllocatedMemorySupported()) {
            assumeTrue(false, "this JVM cannot count allocated bytes per thread");
            throw new AssertionError("unreachable");
        }
        t.setThreadAllocatedMemoryEnabled(true);
        return new AllocationMeter(t);
    }

    /** Bytes allocated by the current thread so far. */
    public long allocatedBytes() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    /** Bytes allocated by the current thread while running {@code work}. */
    public long measure(Runnable work) {
        long before = allocatedBytes();
        work.run();
        return allocatedBytes() - before;
    }
}
