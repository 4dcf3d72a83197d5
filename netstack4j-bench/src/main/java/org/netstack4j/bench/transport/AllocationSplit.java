package org.netstack4j.bench.transport;

import java.util.List;

/**
 * Bytes allocated per operation between two marks, split three ways: the benchmark thread (known once it
 * has run; reported as 0 for an iteration it was not marked in), the stacks' threads, and the peer thread (reader or acceptor).
 */
final class AllocationSplit {
    private final List<Thread> stackThreads;
    private long benchMarked; // the bench thread at the mark; 0 when it had not run yet
    private long benchAtMark;
    private long stackAtMark;
    private long peerAtMark;

    AllocationSplit(List<Thread> stackThreads) {
        this.stackThreads = stackThreads;
    }

    /** Marks the start of an iteration. */
    void mark(long benchThreadId, long peerThreadId) {
        benchMarked = benchThreadId;
        benchAtMark = benchThreadId == 0 ? 0 : TcpPipeStacks.allocated(benchThreadId);
        stackAtMark = TcpPipeStacks.allocated(stackThreads);
        peerAtMark = TcpPipeStacks.allocated(peerThreadId);
    }

    /** Bytes per operation since the mark over {@code operations}: {bench thread, stack threads, peer thread}. */
    double[] perOperation(long benchThreadId, long peerThreadId, long operations) {
        double n = Math.max(1, operations);
        // Without a mark of its own the bench thread's whole history would be counted: say 0 (unknown).
        double bench = benchMarked == 0 || benchMarked != benchThreadId ? 0
                : (TcpPipeStacks.allocated(benchThreadId) - benchAtMark) / n;
        return new double[] {bench, (TcpPipeStacks.allocated(stackThreads) - stackAtMark) / n,
                (TcpPipeStacks.allocated(peerThreadId) - peerAtMark) / n};
    }
}
