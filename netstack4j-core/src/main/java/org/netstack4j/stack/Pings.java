package org.netstack4j.stack;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

/** Echo requests the application sent and awaits, matched to replies by family, identifier and sequence. */
final class Pings {
    private record Pending(CompletableFuture<PingReply> future, long high, long low, long sentAt) {
    }

    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final int identifier;

    Pings(int identifier) {
        this.identifier = identifier & 0xffff;
    }

    int identifier() {
        return identifier;
    }

    int nextSequence() {
        return sequence.incrementAndGet() & 0xffff;
    }

    private static long key(boolean v6, int id, int seq) {
        return (v6 ? 1L << 40 : 0) | (long) id << 16 | seq;
    }

    CompletableFuture<PingReply> register(boolean v6, long high, long low, int seq, long sentAt) {
        CompletableFuture<PingReply> f = new CompletableFuture<>();
        long k = key(v6, identifier, seq);
        pending.put(k, new Pending(f, high, low, sentAt));
        f.whenComplete((r, t) -> pending.remove(k));
        return f;
    }

    /** A reply arrived (on a shard): completes the matching request, if any. */
    void replied(boolean v6, long high, long low, int id, int seq, byte[] b, int offset, int length, long now) {
        if (id != identifier) {
            return;
        }
        Pending p = pending.get(key(v6, id, seq));
        if (p == null || p.high != high || p.low != low) {
            return;
        }
        String from = v6 ? new Ipv6Address(high, low).toString() : new Ipv4Address((int) low).toString();
        p.future.complete(new PingReply(from, seq, Duration.ofNanos(now - p.sentAt),
                Arrays.copyOfRange(b, offset, offset + length)));
    }
}
