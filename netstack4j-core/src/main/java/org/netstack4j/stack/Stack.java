package org.netstack4j.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.LinkEndpoint;
import org.netstack4j.link.LinkStatistics;
import org.netstack4j.network.Route;
import org.netstack4j.network.RouteTable;
import org.netstack4j.network.fragment.ReassemblyConfig;
import org.netstack4j.network.fragment.ReassemblyCounters;
import org.netstack4j.network.neighbour.NeighbourConfig;
import org.netstack4j.network.neighbour.NeighbourCounters;
import org.netstack4j.time.Clock;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.TransportProtocolHandler;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv6Address;

/**
 * A userspace TCP/IP stack up to the network layer: NICs over {@link LinkEndpoint}s, addresses, a routing
 * table, IPv4 and IPv6 with fragmentation and reassembly, ARP and NDP on Ethernet NICs, ICMP echo and
 * errors, and a hook for transport protocols ({@link #registerTransportHandler}).
 *
 * <h2>Threading</h2>
 * The stack runs {@link Builder#shards(int) N} shard loops, each a platform thread with its own timer wheel
 * and state. Each NIC's dispatcher hands an inbound packet to a shard by a seeded symmetric flow hash, so
 * both directions of a flow (and every fragment of a datagram) land on one shard. ARP, NDP and outbound
 * packets that need neighbour resolution go to the NIC's home shard, which owns its neighbour caches.
 *
 * <p>Built with {@link #builder()}; {@link #close()} stops the shards and closes the NICs' endpoints.
 */
public final class Stack implements AutoCloseable {
    private final Builder options;
    private final StackLoop[] shards;
    private final RouteTable routes = new RouteTable();
    private final ConcurrentHashMap<Integer, Nic> nics = new ConcurrentHashMap<>();
    /** The NICs as an array for the packet path (iterating it allocates nothing); replaced on change. */
    private volatile Nic[] nicArray = new Nic[0];
    private final TransportProtocolHandler[] transport = new TransportProtocolHandler[256];
    private final Pings pings;
    private final int flowSeed;
    private final StackTransportHost transportHost;
    private volatile boolean closed;

    private Stack(Builder b) {
        this.options = b;
        SplittableRandom seeds = new SplittableRandom(b.seed);
        this.flowSeed = seeds.nextInt();
        this.pings = new Pings(seeds.nextInt());
        this.shards = new StackLoop[b.shards];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new StackLoop(i, this, b, seeds.nextLong());
        }
        this.transportHost = new StackTransportHost(this, shards, flowSeed);
        for (StackLoop s : shards) {
            s.start();
        }
    }

    /** A builder with the defaults: system clock, one shard per core, random seed. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a NIC over {@code endpoint} and attaches to it (starting its dispatch loops). The NIC is
     * enabled; an Ethernet NIC gets its link-local IPv6 address and answers ARP and NDP.
     *
     * @param id positive, unique in this stack
     * @throws IllegalArgumentException if the id is taken or not positive
     */
    public Nic createNic(int id, LinkEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (id <= 0) {
            throw new IllegalArgumentException("NIC id must be positive: " + id);
        }
        if (closed) {
            throw new IllegalStateException("stack is closed");
        }
        StackLoop home = shards[Math.floorMod(id, shards.length)];
        Nic nic = new Nic(this, id, endpoint, home);
        if (nics.putIfAbsent(id, nic) != null) {
            throw new IllegalArgumentException("NIC " + id + " exists");
        }
        if (nic.isEthernet()) {
            home.call(() -> home.attachNeighbourHandlers(nic, options));
            routes.add(Route.ipv6(new Ipv6Address(0xfe80_0000_0000_0000L, 0), 64, null, id, 256));
        }
        refreshNicArray();
        endpoint.attach(nic.new Dispatcher());
        return nic;
    }

    /** The NIC with this id, or null. */
    public Nic nic(int id) {
        return nics.get(id);
    }

    /** Every NIC. */
    public List<Nic> nics() {
        return List.copyOf(nics.values());
    }

    /**
     * Removes a NIC: detaches from its endpoint (which it does not close), drops its routes and neighbour
     * state. Returns false when there is no such NIC.
     */
    public boolean removeNic(int id) {
        Nic nic = nics.remove(id);
        if (nic == null) {
            return false;
        }
        nic.markRemoved();
        refreshNicArray();
        nic.endpoint().attach(null);
        routes.removeNic(id);
        if (nic.isEthernet()) {
            nic.home().call(() -> {
                nic.arp.cache().clear();
                nic.ndp.cache().clear();
            });
        }
        return true;
    }

    /** The routing table (longest-prefix match; thread-safe; on-link routes are added with addresses). */
    public RouteTable routes() {
        return routes;
    }

    /** Adds a route. */
    public void addRoute(Route route) {
        routes.add(route);
    }

    /** Adds a default route through {@code gateway} on NIC {@code nicId}. */
    public void addDefaultRoute(Ipv4Address gateway, int nicId) {
        routes.add(Route.ipv4(Ipv4Address.ANY, 0, gateway, nicId, 0));
    }

    /** Adds an IPv6 default route through {@code gateway} on NIC {@code nicId}. */
    public void addDefaultRoute(Ipv6Address gateway, int nicId) {
        routes.add(Route.ipv6(Ipv6Address.ANY, 0, gateway, nicId, 0));
    }

    /**
     * Registers the handler of IP protocol {@code protocol} (6 TCP, 17 UDP, ...), replacing any before it.
     * ICMP and ICMPv6 are the stack's own. Packets of a protocol without a handler are answered with
     * protocol unreachable (IPv4) or a parameter problem (IPv6).
     */
    public void registerTransportHandler(int protocol, TransportProtocolHandler handler) {
        if (protocol < 0 || protocol > 255 || protocol == 1 || protocol == 58) {
            throw new IllegalArgumentException("protocol " + protocol + " cannot be registered");
        }
        handler.attach(transportHost);
        synchronized (transport) {
            transport[protocol] = handler;
        }
        // Publish to the shards: the next command each runs orders it before their next packet.
        for (StackLoop s : shards) {
            s.call(() -> { });
        }
    }

    /**
     * Sends an ICMP echo request to {@code destination} with {@code payload} as its data and completes with
     * the reply, or exceptionally with a {@link TimeoutException} after {@code timeout}.
     */
    public CompletableFuture<PingReply> ping(Ipv4Address destination, byte[] payload, Duration timeout) {
        if (payload.length > 65535 - 28) {
            throw new IllegalArgumentException("echo data of " + payload.length + " bytes does not fit an IPv4 packet");
        }
        int seq = pings.nextSequence();
        long low = destination.value() & 0xffff_ffffL;
        StackLoop shard = shards[Math.floorMod(Long.hashCode(low), shards.length)];
        CompletableFuture<PingReply> f = pings.register(false, 0, low, seq, shard.now());
        byte[] data = payload.clone();
        shard.submit(() -> {
            if (!shard.ipv4.sendEcho(destination.value(), pings.identifier(), seq, data)) {
                f.completeExceptionally(new IllegalStateException("no route or source address for " + destination));
            }
        });
        return f.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Sends an ICMPv6 echo request; see {@link #ping(Ipv4Address, byte[], Duration)}. */
    public CompletableFuture<PingReply> ping(Ipv6Address destination, byte[] payload, Duration timeout) {
        if (payload.length > 65535 - 8) {
            throw new IllegalArgumentException("echo data of " + payload.length + " bytes does not fit an IPv6 packet");
        }
        int seq = pings.nextSequence();
        StackLoop shard = shards[Math.floorMod(Long.hashCode(destination.low()), shards.length)];
        CompletableFuture<PingReply> f = pings.register(true, destination.high(), destination.low(), seq,
                shard.now());
        byte[] data = payload.clone();
        shard.submit(() -> {
            if (!shard.ipv6.sendEcho(destination.high(), destination.low(), pings.identifier(), seq, data)) {
                f.completeExceptionally(new IllegalStateException("no route or source address for " + destination));
            }
        });
        return f.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Routes and sends a complete IPv4 or IPv6 packet built by the caller. Its source address must be one
     * of the outgoing NIC's unless that NIC is in spoofing mode. Completes with true when the packet went to
     * the link (or waits for neighbour resolution), false when it was dropped (the reason is counted),
     * is longer than any IP packet, or the stack is closed.
     */
    public CompletableFuture<Boolean> writePacket(byte[] ipPacket) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        if (closed || ipPacket.length == 0 || ipPacket.length > 65535 + 40) {
            f.complete(false);
            return f;
        }
        StackLoop shard = shards[0];
        shard.submit(() -> {
            PacketBuffer p = ipPacket.length + 128 <= shard.smallPool.bufferSize()
                    ? shard.smallPool.acquire() : shard.largePool.acquire();
            p.appendBytes(ipPacket, 0, ipPacket.length);
            boolean v6 = (ipPacket[0] & 0xf0) == 0x60;
            f.complete(v6 ? shard.ipv6.output(p, true) : shard.ipv4.output(p, true));
        });
        return f;
    }

    /** The stack as transport protocols see it: shards, flow ownership and paths. */
    public TransportHost transportHost() {
        return transportHost;
    }

    /** A snapshot of every counter (runs a short command on each shard). */
    public Stats stats() {
        long[] sum = new long[StackCounter.VALUES.length];
        long[] reassembly = new long[6];
        Map<String, String> details = new HashMap<>();
        for (StackLoop s : shards) {
            s.call(() -> {
                s.addCounters(sum);
                reassembly[0] += s.ipv4.reassembler().heldBytes() + s.ipv6.reassembler().heldBytes();
                reassembly[1] += s.ipv4.reassembler().pendingDatagrams() + s.ipv6.reassembler().pendingDatagrams();
                ReassemblyCounters a = s.ipv4.reassembler().counters();
                ReassemblyCounters b = s.ipv6.reassembler().counters();
                reassembly[2] += a.fragmentsDropped() + b.fragmentsDropped();
                reassembly[3] += a.timeouts() + b.timeouts();
                reassembly[4] += a.datagramsReassembled() + b.datagramsReassembled();
            });
        }
        long[] neighbour = new long[4];
        Map<Integer, LinkStatistics> links = new HashMap<>();
        for (Nic nic : nics.values()) {
            links.put(nic.id(), nic.endpoint().statistics());
            if (nic.isEthernet()) {
                nic.home().call(() -> {
                    NeighbourCounters arp = nic.arp.cache().counters();
                    NeighbourCounters ndp = nic.ndp.cache().counters();
                    neighbour[0] += arp.packetsDropped() + ndp.packetsDropped();
                    neighbour[1] += arp.resolutionsFailed() + ndp.resolutionsFailed();
                    neighbour[2] += nic.ndp.counters().dadSolicitationsSent();
                    neighbour[3] += nic.ndp.counters().addressesAssigned();
                    details.put("ARP nic " + nic.id(), arp + " " + nic.arp.counters());
                    details.put("NDP nic " + nic.id(), ndp + " " + nic.ndp.counters());
                });
            }
        }
        return new Stats(sum, links, reassembly[0], (int) reassembly[1], reassembly[2], reassembly[3],
                reassembly[4], neighbour[0], neighbour[1], neighbour[2], neighbour[3], details);
    }

    /** Number of shard loops. */
    public int shardCount() {
        return shards.length;
    }

    /** The shard threads (for tests and monitoring). */
    public List<Thread> shardThreads() {
        List<Thread> list = new ArrayList<>();
        for (StackLoop s : shards) {
            list.add(s.thread());
        }
        return list;
    }

    /**
     * Stops the shard loops and closes every NIC's endpoint. Idempotent. Use {@link #awaitTermination} to
     * wait for the threads.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Nic nic : nics.values()) {
            nic.endpoint().close();
        }
        for (StackLoop s : shards) {
            s.stop();
        }
        TransportProtocolHandler[] handlers;
        synchronized (transport) {
            handlers = transport.clone();
        }
        for (TransportProtocolHandler h : handlers) {
            if (h != null) {
                try {
                    h.stackClosed();
                } catch (RuntimeException e) {
                    // A handler's failure must not keep the others from hearing about the close.
                }
            }
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Waits until every shard thread and every endpoint's loops have ended; true if they did in time. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (StackLoop s : shards) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            s.thread().join(Math.max(1, left / 1_000_000));
            if (s.thread().isAlive()) {
                return false;
            }
        }
        for (Nic nic : nics.values()) {
            long left = deadline - System.nanoTime();
            if (!nic.endpoint().awaitTermination(Duration.ofNanos(Math.max(1, left)))) {
                return false;
            }
        }
        return true;
    }

    // --- internal ------------------------------------------------------------------------------------

    private synchronized void refreshNicArray() {
        nicArray = nics.values().toArray(new Nic[0]);
    }

    /** The enabled NIC that has {@code address}, or null. */
    Nic nicWithIpv4(int address) {
        for (Nic n : nicArray) {
            if (n.isEnabled() && n.isLocalIpv4(address)) {
                return n;
            }
        }
        return null;
    }

    /** The enabled NIC that has the IPv6 address {@code (h, l)}, or null. */
    Nic nicWithIpv6(long h, long l) {
        for (Nic n : nicArray) {
            if (n.isEnabled() && n.isLocalIpv6(h, l)) {
                return n;
            }
        }
        return null;
    }

    /** Whether dispatch threads run idle shards' passes themselves ({@link Builder#inlineDelivery}). */
    boolean inlineDelivery() {
        return options.inlineDelivery;
    }

    /** Runs, on the calling dispatch thread, the shards that have packets queued (or wakes them if busy). */
    void runQueuedInline() {
        for (StackLoop s : shards) {
            if (s.takeInlinePending()) {
                s.runInline();
            }
        }
    }

    StackLoop shard(int hash) {
        return shards[Math.floorMod(hash, shards.length)];
    }

    int dadTransmits() {
        return options.dadTransmits;
    }

    int flowSeed() {
        return flowSeed;
    }

    Nic nicById(int id) {
        return nics.get(id);
    }

    TransportProtocolHandler transportHandler(int protocol) {
        return transport[protocol];
    }

    Pings pings() {
        return pings;
    }

    /** The options of a {@link Stack}. */
    public static final class Builder {
        Clock clock = Clock.system();
        int shards = Runtime.getRuntime().availableProcessors();
        long seed = new SplittableRandom().nextLong();
        int queueCapacity = 4096;
        ThreadFactory threadFactory = Thread::new;
        ReassemblyConfig ipv4Reassembly = ReassemblyConfig.ipv4();
        ReassemblyConfig ipv6Reassembly = ReassemblyConfig.ipv6();
        long icmpRatePerSecond = 1000;
        int icmpBurst = 50;
        NeighbourConfig arpConfig = NeighbourConfig.arp();
        NeighbourConfig ndpConfig = NeighbourConfig.ndp();
        int dadTransmits = 0;
        long idleSpinNanos = 0;
        boolean inlineDelivery = true;

        Builder() {
        }

        /**
         * Whether a link's dispatch thread, after queuing a batch of packets for an idle shard, runs that
         * shard's pass itself instead of waking the shard thread (default true). Saves a thread wake-up per
         * batch on the packets' way in (and the first reply's way out); the shard thread still runs timers,
         * work from other threads, and the batches that arrive while it is busy. Transport handlers and
         * their callbacks may then run on a link's dispatch thread: one that blocks holds up that link's
         * reads, not only its shard.
         */
        public Builder inlineDelivery(boolean inline) {
            this.inlineDelivery = inline;
            return this;
        }

        /**
         * How long an idle shard polls for work before it parks (default 0: parks at once). A spinning shard
         * takes the next packet without a wake-up (a futex call for the producer and a scheduler hop for the
         * shard), which shortens request/response round trips, at the price of that much CPU per idle
         * moment; worth it when cores are spare.
         */
        public Builder idleSpin(java.time.Duration spin) {
            long n = spin.toNanos();
            if (n < 0 || n > 10_000_000L) {
                throw new IllegalArgumentException("idle spin must be 0..10 ms: " + spin);
            }
            this.idleSpinNanos = n;
            return this;
        }

        /** The clock every timer runs on (default: the system's monotonic clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Number of shard loops (default: available processors). */
        public Builder shards(int n) {
            if (n < 1 || n > 1024) {
                throw new IllegalArgumentException("shards must be 1..1024: " + n);
            }
            this.shards = n;
            return this;
        }

        /** Seed of the flow hash, identifiers and hash tables (default random); fix it for reproducible tests. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Capacity of each shard's inbound queue (default 4096); overflow is counted. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 2) {
                throw new IllegalArgumentException("queue capacity must be at least 2");
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** Makes the shard threads (default: platform threads). */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory);
            return this;
        }

        /** IPv4 reassembly limits (per shard). */
        public Builder ipv4Reassembly(ReassemblyConfig config) {
            this.ipv4Reassembly = Objects.requireNonNull(config);
            return this;
        }

        /** IPv6 reassembly limits (per shard). */
        public Builder ipv6Reassembly(ReassemblyConfig config) {
            this.ipv6Reassembly = Objects.requireNonNull(config);
            return this;
        }

        /** ICMP error rate limit per shard and family: tokens per second and burst (default 1000/s, 50). */
        public Builder icmpRateLimit(long perSecond, int burst) {
            this.icmpRatePerSecond = perSecond;
            this.icmpBurst = burst;
            return this;
        }

        /** ARP neighbour cache limits and timers. */
        public Builder arp(NeighbourConfig config) {
            this.arpConfig = Objects.requireNonNull(config);
            return this;
        }

        /** NDP neighbour cache limits and timers. */
        public Builder ndp(NeighbourConfig config) {
            this.ndpConfig = Objects.requireNonNull(config);
            return this;
        }

        /** Duplicate address detection: solicitations per new IPv6 address, 0 (default) to skip it. */
        public Builder dadTransmits(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("dadTransmits must not be negative");
            }
            this.dadTransmits = n;
            return this;
        }

        /** Builds the stack and starts its shard loops. */
        public Stack build() {
            return new Stack(this);
        }
    }
}
