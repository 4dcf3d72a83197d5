package org.netstack4j.socket;

import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.netstack4j.transport.TransportShard;
import org.netstack4j.transport.tcp.TcpSegment;
import org.netstack4j.transport.tcp.TcpUnclaimedHandler;

/**
 * Intercepts TCP connections no listener owns, the way a transparent proxy needs: with a NIC in promiscuous
 * mode, every SYN to any address and port that no listener claims (a wildcard listener then claims only the
 * stack's own addresses) becomes a {@link TcpForwarderRequest} offered to the handler, which accepts it (the
 * handshake completes from the original destination and it gets a {@link TcpSocket}) or refuses it (RST).
 *
 * <p>At most {@link TcpForwarderOptions#maxInFlight()} requests are in flight: offered and not yet refused,
 * expired, established or failed. Each in-flight slot is given back exactly once, whatever happens: a refusal,
 * the decision timeout (a handler that throws or never answers), the end of the handshake, or its failure (the
 * peer resets or vanishes and the SYN-ACK retries run out, no route back, stack closed). A SYN over the bound
 * is dropped or answered with RST, and counted.
 *
 * <p>The handler runs on a shard thread: it must not block (hand the request to a virtual thread, or call
 * {@link TcpForwarderRequest#acceptAsync()}). Segments of forwarded connections leave with the original
 * destination as source through the transport's send path, as the UDP forwarder's replies do.
 */
public final class TcpForwarder implements TcpUnclaimedHandler, AutoCloseable {
    /** A 4-tuple as the key of a pending request (allocated per SYN; SYNs are not the hot path). */
    record Tuple(int version, long sourceHigh, long sourceLow, int sourcePort, long destinationHigh,
                 long destinationLow, int destinationPort) {
    }

    final Tcp tcp;
    private final TcpForwarderOptions options;
    private final long decisionNanos;
    private final Consumer<TcpForwarderRequest> handler;
    /** Requests waiting for a decision, so that a retransmitted SYN is absorbed rather than offered again. */
    private final ConcurrentHashMap<Tuple, TcpForwarderRequest> pending = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder offered = new LongAdder();
    private final LongAdder overLimit = new LongAdder();
    private final LongAdder duplicateSyns = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder established = new LongAdder();
    final LongAdder handshakesFailed = new LongAdder();
    private volatile boolean closed;

    private TcpForwarder(Tcp tcp, TcpForwarderOptions options, Consumer<TcpForwarderRequest> handler) {
        this.tcp = tcp;
        this.options = options;
        this.decisionNanos = options.decisionTimeout().toNanos();
        this.handler = handler;
    }

    /**
     * Installs a forwarder on {@code tcp}'s stack (replacing any before it) that offers each unclaimed SYN to
     * {@code handler}. Switch the NIC to promiscuous mode to receive SYNs to other hosts.
     */
    public static TcpForwarder install(Tcp tcp, TcpForwarderOptions options, Consumer<TcpForwarderRequest> handler) {
        TcpForwarder f = new TcpForwarder(tcp, options, handler);
        tcp.protocol().unclaimedHandler(f);
        return f;
    }

    @Override
    public boolean unclaimedSyn(TransportShard shard, int ipVersion, TcpSegment syn, long sh, long sl, int sport,
                                long dh, long dl, int dport) {
        if (closed || isGroup(ipVersion, dh, dl)) {
            return false;
        }
        Tuple key = new Tuple(ipVersion, sh, sl, sport, dh, dl, dport);
        if (pending.containsKey(key)) {
            duplicateSyns.increment(); // a retransmission while the application decides
            return true;
        }
        if (inFlight.incrementAndGet() > options.maxInFlight()) {
            inFlight.decrementAndGet();
            overLimit.increment();
            return !options.resetOverLimit(); // false: the stack answers RST
        }
        TcpForwarderRequest r = new TcpForwarderRequest(this, shard, key, syn);
        pending.put(key, r);
        offered.increment();
        shard.timers().schedule(r.decisionTimer, shard.now() + decisionNanos);
        try {
            handler.accept(r);
        } catch (RuntimeException e) {
            handlerFailures.increment();
            r.refuse();
        }
        return true;
    }

    private static boolean isGroup(int ipVersion, long high, long low) {
        return ipVersion == 4 ? (low & 0xf000_0000L) == 0xe000_0000L || low == 0xffff_ffffL : (high >>> 56) == 0xff;
    }

    void forget(TcpForwarderRequest r) {
        pending.remove(r.key, r);
    }

    /**
     * Uninstalls the forwarder and refuses the requests still waiting for a decision; handshakes already
     * accepted finish. SYNs no listener claims are answered with RST again.
     */
    @Override
    public void close() {
        closed = true;
        tcp.protocol().unclaimedHandler(null);
        for (TcpForwarderRequest r : new ArrayList<>(pending.values())) {
            r.refuse();
        }
    }

    /** The stack closed: requests still pending (undecided, or accepted and not yet opened) fail and release. */
    @Override
    public void stackClosed() {
        closed = true;
        for (TcpForwarderRequest r : new ArrayList<>(pending.values())) {
            r.abandon();
        }
    }

    /** Requests in flight now (offered and neither refused, expired, established nor failed). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Requests offered to the handler. */
    public long offered() {
        return offered.sum();
    }

    /** SYNs dropped or reset because {@link TcpForwarderOptions#maxInFlight()} requests were in flight. */
    public long overLimit() {
        return overLimit.sum();
    }

    /** Retransmitted SYNs of a pending request, absorbed. */
    public long duplicateSyns() {
        return duplicateSyns.sum();
    }

    /** Requests refused by the application (or by closing the forwarder, or because the handler threw). */
    public long refused() {
        return refused.sum();
    }

    /** Requests refused because nobody decided within the decision timeout. */
    public long expired() {
        return expired.sum();
    }

    /** Accepted requests whose handshake ended. */
    public long established() {
        return established.sum();
    }

    /** Accepted requests whose handshake failed (reset, peer gone, no route back, stack closed). */
    public long handshakesFailed() {
        return handshakesFailed.sum();
    }

    /** Handler calls that threw (their request was refused). */
    public long handlerFailures() {
        return handlerFailures.sum();
    }
}
