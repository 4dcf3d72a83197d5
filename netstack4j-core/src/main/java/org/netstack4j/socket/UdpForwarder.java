package org.netstack4j.socket;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.TransportShard;
import org.netstack4j.transport.udp.UdpUnclaimedHandler;

/**
 * Intercepts UDP flows no socket owns, the way a transparent proxy or DNS interceptor needs: with a NIC in
 * promiscuous mode, every datagram to any address and port that no bound socket claims (a wildcard socket
 * then claims only the stack's own addresses) is handed over per flow; datagrams to broadcast and
 * multicast addresses are not. The first datagram of a 4-tuple
 * starts a {@link UdpFlow} and offers it to the handler; later ones queue on it. Flows live in a table on
 * the shard that owns the 4-tuple, with an idle timer on that shard's timer wheel; at most
 * {@link UdpForwarderOptions#maxSessions()} at once (a datagram that would start another is dropped and
 * counted as refused).
 *
 * <p>The handler runs on a shard thread: it must not block (hand the flow to a virtual thread). Replies
 * ({@link UdpFlow#send}) leave with the original destination as source through the transport's send path,
 * which does not apply the NIC's anti-spoofing check.
 */
public final class UdpForwarder implements UdpUnclaimedHandler, AutoCloseable {
    private final Udp udp;
    private final UdpForwarderOptions options;
    private final long idleNanos;
    private final Consumer<UdpFlow> handler;
    private final TransportHost host;
    private final UdpFlowTable[] tables;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder started = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();

    private UdpForwarder(Udp udp, UdpForwarderOptions options, Consumer<UdpFlow> handler) {
        this.udp = udp;
        this.options = options;
        this.idleNanos = options.idleTimeout().toNanos();
        this.handler = handler;
        this.host = udp.output().host();
        this.tables = new UdpFlowTable[host.shardCount()];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = new UdpFlowTable();
        }
    }

    /**
     * Installs a forwarder on {@code udp}'s stack (replacing any before it) that offers each new flow to
     * {@code handler}. Switch the NIC to promiscuous mode to receive datagrams to other hosts.
     */
    public static UdpForwarder install(Udp udp, UdpForwarderOptions options, Consumer<UdpFlow> handler) {
        UdpForwarder f = new UdpForwarder(udp, options, handler);
        udp.protocol().unclaimedHandler(f);
        return f;
    }

    UdpOutput output() {
        return udp.output();
    }

    @Override
    public boolean unclaimed(int nicId, int ipVersion, PacketBuffer datagram, long sh, long sl, int sport, long dh,
                             long dl, int dport) {
        if (isGroup(ipVersion, dh, dl)) {
            return false; // a reply from a broadcast or multicast source would be meaningless
        }
        TransportShard home = output().shardOf(ipVersion, sh, sl, sport, dh, dl, dport);
        if (home.inShard()) {
            arrived(home, ipVersion, datagram, sh, sl, sport, dh, dl, dport);
        } else {
            // A reassembled datagram was hashed by its addresses alone: move it to the flow's shard.
            home.submit(() -> arrived(home, ipVersion, datagram, sh, sl, sport, dh, dl, dport));
        }
        return true;
    }

    private static boolean isGroup(int ipVersion, long high, long low) {
        return ipVersion == 4 ? (low & 0xf000_0000L) == 0xe000_0000L || low == 0xffff_ffffL : (high >>> 56) == 0xff;
    }

    /** A datagram of a flow, on the flow's shard. */
    private void arrived(TransportShard shard, int ipVersion, PacketBuffer datagram, long sh, long sl, int sport,
                         long dh, long dl, int dport) {
        UdpFlowTable table = tables[shard.index()];
        UdpFlow f = table.find(ipVersion, sh, sl, sport, dh, dl, dport);
        long now = shard.now();
        if (f == null) {
            if (active.incrementAndGet() > options.maxSessions()) {
                active.decrementAndGet();
                refused.increment();
                datagram.release();
                return;
            }
            f = new UdpFlow(this, shard, ipVersion, sh, sl, sport, dh, dl, dport, options.flowQueueCapacity());
            table.add(f);
            started.increment();
            f.lastReceived = now;
            f.lastSent = now;
            shard.timers().schedule(f.idleTimer, now + idleNanos);
            try {
                handler.accept(f);
            } catch (RuntimeException e) {
                handlerFailures.increment();
                close(f, "flow handler failed: " + e);
            }
        }
        f.lastReceived = now;
        if (f.queue.offer(datagram)) {
            forwarded.increment();
        }
    }

    /** The idle timer of {@code f} fired, on its shard. */
    void idleCheck(UdpFlow f, long now) {
        if (f.removed || f.ending) {
            return; // closed by the application: its removal is on the way
        }
        long last = f.lastSent - f.lastReceived > 0 ? f.lastSent : f.lastReceived;
        long due = last + idleNanos;
        if (now - due < 0) {
            f.shard.timers().schedule(f.idleTimer, due);
            return;
        }
        f.ending = true;
        f.queue.close("flow expired after " + options.idleTimeout() + " without traffic");
        remove(f);
        expired.increment();
    }

    /** Closes {@code f} from any thread; its table entry goes on its shard. */
    void close(UdpFlow f, String reason) {
        f.ending = true;
        if (!f.queue.close(reason)) {
            return;
        }
        if (f.shard.inShard()) {
            closedInShard(f);
        } else {
            f.shard.submit(() -> closedInShard(f));
        }
    }

    private void closedInShard(UdpFlow f) {
        if (!f.removed) {
            remove(f);
            closed.increment();
        }
    }

    private void remove(UdpFlow f) {
        f.removed = true;
        f.idleTimer.cancel();
        tables[f.shard.index()].remove(f);
        active.decrementAndGet();
    }

    /**
     * Uninstalls the forwarder and closes its flows (each on its shard). Datagrams no socket claims are
     * answered with port unreachable again.
     */
    @Override
    public void close() {
        udp.protocol().unclaimedHandler(null);
        for (int i = 0; i < tables.length; i++) {
            UdpFlowTable t = tables[i];
            host.shard(i).submit(() -> {
                java.util.List<UdpFlow> all = new java.util.ArrayList<>();
                t.forEach(all::add);
                all.forEach(f -> close(f, "forwarder closed"));
            });
        }
    }

    /** Flows open now. */
    public int activeSessions() {
        return active.get();
    }

    /** Flows started. */
    public long sessionsStarted() {
        return started.sum();
    }

    /** Datagrams dropped because {@link UdpForwarderOptions#maxSessions()} flows were open. */
    public long sessionsRefused() {
        return refused.sum();
    }

    /** Flows that expired for idleness. */
    public long sessionsExpired() {
        return expired.sum();
    }

    /** Flows closed by the application (or by closing the forwarder). */
    public long sessionsClosed() {
        return closed.sum();
    }

    /** Datagrams queued on a flow for the application. */
    public long datagramsForwarded() {
        return forwarded.sum();
    }

    /** Flows whose handler threw (they were closed). */
    public long handlerFailures() {
        return handlerFailures.sum();
    }
}
