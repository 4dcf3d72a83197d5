package org.netstack4j.stack;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.link.FlowHash;
import org.netstack4j.network.arp.ArpHandler;
import org.netstack4j.network.arp.ArpOutput;
import org.netstack4j.network.ndp.NdpHandler;
import org.netstack4j.network.ndp.NdpOutput;
import org.netstack4j.network.neighbour.LinkAddresses;
import org.netstack4j.time.Clock;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.transport.ShardPoller;
import org.netstack4j.transport.TransportShard;

/**
 * One shard of the stack: a platform thread that owns its flows' state (reassembly, ICMP rate limits,
 * the neighbour caches of the NICs whose home it is) and timers on its own {@link TimerWheel}. Packets
 * come in through a bounded lock-free queue (overflow counted), configuration through a command queue;
 * the thread parks when idle and producers unpark it.
 *
 * <p>The state belongs to whichever thread holds the shard's {@linkplain #owner owner} field, taken by
 * compare-and-set for one pass (commands, queued packets, pollers, due timers) and given back after it: the
 * CAS orders one owner's writes before the next owner's reads. Usually that is the shard's own thread; with
 * inline delivery a link's dispatch thread that has just queued packets takes the idle shard and runs the
 * pass itself ({@link #runInline()}), which saves the wake-up of the shard thread on the packet's way. The
 * shard thread stays for timers, for work from other threads and as the fallback when the shard is busy.
 */
final class StackLoop implements Runnable, TransportShard {
    private static final System.Logger LOG = System.getLogger(StackLoop.class.getName());
    /** Longest park while timers are pending: bounds the lag of timers under an injected clock. */
    private static final long MAX_TIMER_PARK_NANOS = 10_000_000L;
    private static final long IDLE_PARK_NANOS = 100_000_000L;
    private static final int BATCH = 256;
    private static final int HEADROOM = 128;

    final int index;
    final Stack stack;
    final Clock clock;
    final TimerWheel wheel;
    final ShardQueue queue;
    final PacketBufferPool smallPool;
    final PacketBufferPool largePool;
    final PacketBufferPool reassemblyPool;
    final SplittableRandom random;
    final Ipv4Path ipv4;
    final Ipv6Path ipv6;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final long[] counters = new long[StackCounter.VALUES.length];
    /** Counted from other threads (dispatch loops, producers). */
    private final AtomicLongArray atomicCounters = new AtomicLongArray(StackCounter.VALUES.length);
    private final Thread thread;
    private final FlowHash flowHash;
    /** Transport pollers, copy-on-write: read on every pass. */
    private volatile ShardPoller[] pollers = new ShardPoller[0];
    private volatile boolean running = true;
    private volatile boolean parked;
    /** The thread that runs the shard's pass now, or null; taken and given back by CAS. */
    private volatile Thread owner;
    /** Set by {@link #wake()}: work for the shard came (a poller's, say) that the queues do not show. */
    private volatile boolean signalled;
    /** Counts the passes run by threads other than the shard's own (so a parking shard thread sees them). */
    private volatile int inlinePasses;
    /** The stack clock's time until which the shard thread sleeps when parked. */
    private volatile long parkDeadline = Long.MAX_VALUE;
    private final boolean inlineDelivery;
    /** Packets were queued without a wake-up; the next end of a dispatch batch runs or wakes the shard. */
    private volatile boolean inlinePending;
    private final java.util.concurrent.atomic.AtomicLong timerHandOffs = new java.util.concurrent.atomic.AtomicLong();
    private final long idleSpinNanos;

    StackLoop(int index, Stack stack, Stack.Builder options, long seed) {
        this.index = index;
        this.stack = stack;
        this.clock = options.clock;
        this.random = new SplittableRandom(seed);
        this.wheel = TimerWheel.withDefaults(clock.nanoTime());
        this.queue = new ShardQueue(options.queueCapacity);
        this.smallPool = new PacketBufferPool(2048, HEADROOM, 1024);
        this.largePool = new PacketBufferPool(65535 + HEADROOM + 64, HEADROOM, 4);
        this.reassemblyPool = new PacketBufferPool(65535 + HEADROOM + 64, HEADROOM, 4);
        this.ipv4 = new Ipv4Path(this, options);
        this.ipv6 = new Ipv6Path(this, options);
        this.flowHash = new FlowHash(stack.flowSeed());
        this.idleSpinNanos = options.idleSpinNanos;
        this.inlineDelivery = options.inlineDelivery;
        this.thread = options.threadFactory.newThread(this);
        thread.setName("netstack4j-shard-" + index);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    @Override
    public long now() {
        return clock.nanoTime();
    }

    /** Whether the calling thread owns the shard's state now (its own thread in a pass, or an inline owner). */
    boolean inLoop() {
        return owner == Thread.currentThread();
    }

    private static final java.lang.invoke.VarHandle OWNER;

    static {
        try {
            OWNER = java.lang.invoke.MethodHandles.lookup().findVarHandle(StackLoop.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private boolean tryAcquire(Thread t) {
        return owner == null && OWNER.compareAndSet(this, (Thread) null, t);
    }

    // --- TransportShard ------------------------------------------------------------------------------

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean inShard() {
        return inLoop();
    }

    @Override
    public TimerWheel timers() {
        return wheel;
    }

    @Override
    public PacketBuffer acquire(int length) {
        PacketBufferPool pool = length <= smallPool.bufferSize() - smallPool.headroom() ? smallPool : largePool;
        PacketBuffer q = pool.acquire();
        q.append(length);
        return q;
    }

    @Override
    public boolean send(PacketBuffer ipPacket) {
        if (ipPacket.length() < 1) {
            ipPacket.release();
            return false;
        }
        return (ipPacket.array()[ipPacket.start()] & 0xf0) == 0x60 ? ipv6.output(ipPacket, false)
                : ipv4.output(ipPacket, false);
    }

    // --- counters ----------------------------------------------------------------------------------

    /** Counts on the shard's own thread. */
    void count(StackCounter c) {
        counters[c.ordinal()]++;
    }

    /** Counts from any thread. */
    void countAtomic(StackCounter c) {
        atomicCounters.incrementAndGet(c.ordinal());
    }

    /** Adds this shard's counters into {@code into}; runs on the shard. */
    void addCounters(long[] into) {
        for (int i = 0; i < counters.length; i++) {
            into[i] += counters[i] + atomicCounters.get(i);
        }
    }

    // --- hand-offs -----------------------------------------------------------------------------------

    void offerInbound(Nic nic, PacketBuffer packet) {
        offerInbound(nic, packet, true);
    }

    /**
     * Queues an inbound packet; {@code wake} false when the caller runs {@link #runInline()} (or wakes the
     * shard) once its batch is queued.
     */
    void offerInbound(Nic nic, PacketBuffer packet, boolean wake) {
        if (!running || !queue.offer(ShardQueue.INBOUND, nic, packet, 0, 0)) {
            countAtomic(StackCounter.SHARD_QUEUE_OVERFLOW);
            packet.release();
            return;
        }
        countAtomic(StackCounter.SHARD_ENQUEUED);
        if (wake) {
            wake();
        } else if (!inlinePending) {
            inlinePending = true; // a volatile store only for the batch's first packet
        }
    }

    /** How often an inline owner woke the shard thread for a timer due before its park ended (tests). */
    long timerHandOffs() {
        return timerHandOffs.get();
    }

    /** Whether inline delivery is on: dispatch threads queue without a wake and call {@link #runInline()}. */
    boolean inlineDelivery() {
        return inlineDelivery;
    }

    /**
     * Takes the mark that a dispatch thread queued packets without a wake-up; true when it was set. The
     * thread that takes it must {@link #runInline()} (which wakes the shard if it cannot run it).
     */
    boolean takeInlinePending() {
        if (!inlinePending) {
            return false;
        }
        inlinePending = false;
        return true;
    }

    /**
     * Runs the shard's pass on the calling thread (a dispatch thread that has just queued a batch) when the
     * shard is free, else wakes the shard thread. Passes repeat while packets keep coming, up to a bound; on
     * giving the shard back, the shard thread is woken if work is left or if a timer now falls due before
     * the time the shard thread sleeps until.
     */
    void runInline() {
        Thread me = Thread.currentThread();
        if (!running || !tryAcquire(me)) {
            wake(); // the shard thread is in a pass (it sees the queue) or parked: it takes the packets
            return;
        }
        long nextTimer;
        try {
            inlinePasses++; // the shard thread about to park sees that the wheel may have changed
            signalled = false;
            for (int i = 0; i < 4 && running; i++) {
                if (!pass()) {
                    break;
                }
            }
            nextTimer = nextDeadline();
        } finally {
            owner = null;
        }
        if (nextTimer < parkDeadline) {
            timerHandOffs.incrementAndGet();
            LockSupport.unpark(thread);
        } else if (signalled || !queue.isEmpty() || !commands.isEmpty() || !running) {
            LockSupport.unpark(thread);
        }
    }

    /** Hands an outbound packet to this (home) shard for neighbour resolution. */
    void offerResolve(int kind, Nic nic, PacketBuffer packet, long high, long low) {
        if (!running || !queue.offer(kind, nic, packet, high, low)) {
            countAtomic(StackCounter.NEIGHBOUR_QUEUE_HANDOFF_FAILED);
            packet.release();
            return;
        }
        wake();
    }

    /** Runs {@code r} on the shard, asynchronously. */
    @Override
    public void submit(Runnable r) {
        commands.add(r);
        wake();
    }

    /** Runs {@code r} on the shard and waits for it (directly when already on the shard or stopped). */
    void call(Runnable r) {
        if (inLoop() || !running || !thread.isAlive()) {
            r.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(() -> {
            try {
                r.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        done.join();
    }

    @Override
    public synchronized void addPoller(ShardPoller poller) {
        ShardPoller[] next = java.util.Arrays.copyOf(pollers, pollers.length + 1);
        next[pollers.length] = poller;
        pollers = next;
        wake();
    }

    @Override
    public void wake() {
        signalled = true;
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    void stop() {
        running = false;
        LockSupport.unpark(thread);
    }

    // --- the loop ----------------------------------------------------------------------------------

    @Override
    public void run() {
        Thread me = Thread.currentThread();
        while (running) {
            if (!tryAcquire(me)) {
                // An inline owner runs the pass; it unparks this thread when it leaves work or a timer behind.
                parkDeadline = clock.nanoTime() + MAX_TIMER_PARK_NANOS;
                parked = true;
                if (owner != null && running) {
                    LockSupport.parkNanos(MAX_TIMER_PARK_NANOS);
                }
                parked = false;
                continue;
            }
            boolean worked;
            long now;
            long next;
            int passesSeen;
            try {
                signalled = false;
                worked = pass();
                now = clock.nanoTime();
                if (!worked && idleSpinNanos > 0) {
                    worked = spin(now);
                }
                worked |= !queue.isEmpty() || !commands.isEmpty() || (!worked && pollersHaveWork());
                next = nextDeadline();
                passesSeen = inlinePasses;
            } finally {
                owner = null;
            }
            if (!worked) {
                long sleep = next == Long.MAX_VALUE ? IDLE_PARK_NANOS
                        : Math.max(1, Math.min(MAX_TIMER_PARK_NANOS, next - now));
                parkDeadline = now + sleep;
                parked = true;
                // An inline pass since ours may have armed an earlier timer: look again instead of sleeping.
                if (running && !signalled && queue.isEmpty() && commands.isEmpty() && passesSeen == inlinePasses) {
                    LockSupport.parkNanos(sleep);
                }
                parked = false;
            }
        }
        // Whoever runs an inline pass now sees running false and gives the shard back at once.
        while (!tryAcquire(me)) {
            Thread.onSpinWait();
        }
        runCommands();
        drainOnExit();
        // Kept: the shard stays owned by its ended thread, so that nothing runs inline any more.
    }

    /** One pass over commands, queued packets, pollers and due timers; true when it did any work. Owner only. */
    private boolean pass() {
        boolean worked = runCommands();
        for (int n = 0; n < BATCH; n++) {
            int slot = queue.peek();
            if (slot < 0) {
                break;
            }
            PacketBuffer p = queue.packet(slot);
            Nic nic = queue.nic(slot);
            int kind = queue.kind(slot);
            long high = queue.high(slot);
            long low = queue.low(slot);
            queue.remove(slot);
            process(kind, nic, p, high, low);
            worked = true;
        }
        worked |= runPollers();
        long now = clock.nanoTime();
        wheel.advanceTo(now);
        ipv4.expire(now);
        ipv6.expire(now);
        return worked;
    }

    private long nextDeadline() {
        return Math.min(wheel.nextDeadline(), Math.min(ipv4.nextDeadline(), ipv6.nextDeadline()));
    }

    /**
     * Polls for work for up to the idle spin; true when some came. Bounded by the real time, not the stack's
     * clock (an injected clock may stand still), and by the next timer when it is due sooner.
     */
    private boolean spin(long now) {
        long timer = wheel.nextDeadline();
        long span = timer == Long.MAX_VALUE ? idleSpinNanos : Math.min(idleSpinNanos, Math.max(0, timer - now));
        long until = System.nanoTime() + span;
        do {
            for (int i = 0; i < 64; i++) {
                if (!queue.isEmpty() || !commands.isEmpty() || pollersHaveWork()) {
                    return true;
                }
                Thread.onSpinWait();
            }
        } while (running && System.nanoTime() - until < 0);
        return false;
    }

    private boolean runPollers() {
        boolean any = false;
        for (ShardPoller p : pollers) {
            try {
                any |= p.poll();
            } catch (RuntimeException e) {
                count(StackCounter.INTERNAL_ERROR);
                long n = counters[StackCounter.INTERNAL_ERROR.ordinal()];
                if ((n & (n - 1)) == 0) { // never a log line per pass
                    LOG.log(System.Logger.Level.WARNING, "transport poller failed (" + n + " so far)", e);
                }
            }
        }
        return any;
    }

    private boolean pollersHaveWork() {
        for (ShardPoller p : pollers) {
            if (p.hasWork()) {
                return true;
            }
        }
        return false;
    }

    private boolean runCommands() {
        boolean any = false;
        Runnable c;
        while ((c = commands.poll()) != null) {
            any = true;
            try {
                c.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "stack command failed", t);
            }
        }
        return any;
    }

    private void drainOnExit() {
        int slot;
        while ((slot = queue.peek()) >= 0) {
            PacketBuffer p = queue.packet(slot);
            queue.remove(slot);
            p.release();
        }
        ipv4.clear();
        ipv6.clear();
    }

    /** Handles an inbound packet on the shard as if it came from the queue; for tests and fuzzing. */
    void processForTest(Nic nic, PacketBuffer p) {
        process(ShardQueue.INBOUND, nic, p, 0, 0);
    }

    private void process(int kind, Nic nic, PacketBuffer p, long high, long low) {
        try {
            if (!nic.isEnabled()) {
                count(StackCounter.NIC_DISABLED);
                p.release();
                return;
            }
            switch (kind) {
                case ShardQueue.INBOUND -> inbound(nic, p, false);
                case ShardQueue.LOOPBACK -> inbound(nic, p, true);
                case ShardQueue.RESOLVE_IPV4 -> nic.arp.send((int) low, p, now());
                case ShardQueue.RESOLVE_IPV6 -> nic.ndp.send(high, low, p, now());
                default -> p.release();
            }
        } catch (RuntimeException e) {
            // A bug, not bad input (parsers reject that): count it and keep the loop alive.
            count(StackCounter.INTERNAL_ERROR);
            long n = counters[StackCounter.INTERNAL_ERROR.ordinal()];
            if ((n & (n - 1)) == 0) { // the 1st, 2nd, 4th, 8th ...: never a log line per packet
                LOG.log(System.Logger.Level.WARNING, "packet processing failed (" + n + " so far)", e);
            }
        }
    }

    private void inbound(Nic nic, PacketBuffer p, boolean looped) {
        switch (p.networkProtocol()) {
            case Nic.ETHERTYPE_IPV4 -> ipv4.receive(nic, p, looped);
            case Nic.ETHERTYPE_IPV6 -> ipv6.receive(nic, p, looped);
            case Nic.ETHERTYPE_ARP -> {
                if (nic.arp != null) {
                    count(StackCounter.ARP_RECEIVED);
                    nic.arp.receive(p, Nic.isGroup(p.localLinkAddress()), now());
                } else {
                    count(StackCounter.UNKNOWN_LINK_PROTOCOL);
                }
                p.release();
            }
            default -> {
                count(StackCounter.UNKNOWN_LINK_PROTOCOL);
                p.release();
            }
        }
    }

    // --- transmission ------------------------------------------------------------------------------

    /**
     * Delivers a packet the stack sent to its own address on {@code nic}: it goes to the shard that owns
     * its flow, as if it had been received, without touching the link. Takes the packet.
     */
    void loopback(Nic nic, PacketBuffer p, int etherType) {
        p.networkOffset(p.start());
        p.networkProtocol(etherType);
        p.remoteLinkAddress(PacketBuffer.NO_LINK_ADDRESS);
        p.localLinkAddress(PacketBuffer.NO_LINK_ADDRESS);
        p.clearOffload();
        StackLoop shard = stack.shard(flowHash.hash(p));
        if (!shard.queue.offer(ShardQueue.LOOPBACK, nic, p, 0, 0)) {
            shard.countAtomic(StackCounter.SHARD_QUEUE_OVERFLOW);
            p.release();
            return;
        }
        shard.countAtomic(StackCounter.SHARD_ENQUEUED);
        shard.wake();
    }

    /** Sends an IPv4 packet (header at its start) through {@code nic} to the neighbour {@code nextHop}; takes it. */
    void transmitIpv4(Nic nic, PacketBuffer p, int nextHop, boolean broadcast) {
        p.networkOffset(p.start());
        p.networkProtocol(Nic.ETHERTYPE_IPV4);
        if (!nic.isEthernet()) {
            write(nic, p);
        } else if (broadcast) {
            p.remoteLinkAddress(LinkAddresses.BROADCAST);
            write(nic, p);
        } else if ((nextHop >>> 28) == 0xe) {
            p.remoteLinkAddress(LinkAddresses.ipv4Multicast(nextHop));
            write(nic, p);
        } else if (nic.home() == this) {
            nic.arp.send(nextHop, p, now()); // a drop is counted by the neighbour cache, by reason
        } else {
            nic.home().offerResolve(ShardQueue.RESOLVE_IPV4, nic, p, 0, nextHop & 0xffff_ffffL);
        }
    }

    /** Sends an IPv6 packet (header at its start) through {@code nic} to the neighbour {@code (h, l)}; takes it. */
    void transmitIpv6(Nic nic, PacketBuffer p, long h, long l) {
        p.networkOffset(p.start());
        p.networkProtocol(Nic.ETHERTYPE_IPV6);
        if (!nic.isEthernet()) {
            write(nic, p);
        } else if ((h >>> 56) == 0xff) {
            p.remoteLinkAddress(LinkAddresses.ipv6Multicast(l));
            write(nic, p);
        } else if (nic.home() == this) {
            nic.ndp.send(h, l, p, now());
        } else {
            nic.home().offerResolve(ShardQueue.RESOLVE_IPV6, nic, p, h, l);
        }
    }

    static void write(Nic nic, PacketBuffer p) {
        nic.endpoint().writePacket(p);
        p.release();
    }

    /** Creates the ARP and NDP handlers of an Ethernet NIC whose home this shard is; on the shard. */
    void attachNeighbourHandlers(Nic nic, Stack.Builder o) {
        NeighbourPort port = new NeighbourPort(nic);
        nic.arp = new ArpHandler(nic.linkAddress(), o.arpConfig, wheel, smallPool, port, random.split());
        nic.ndp = new NdpHandler(nic.linkAddress(), o.ndpConfig, o.dadTransmits, wheel, smallPool, port,
                random.split());
        if (o.dadTransmits > 0) {
            nic.markTentative(LinkAddresses.LINK_LOCAL_PREFIX, nic.ndp.linkLocalLow());
        }
        nic.ndp.addLinkLocalAddress(now());
    }

    /** Where a NIC's ARP and NDP handlers send frames and packets. */
    private final class NeighbourPort implements ArpOutput, NdpOutput {
        private final Nic nic;

        NeighbourPort(Nic nic) {
            this.nic = nic;
        }

        @Override
        public void transmitFrame(PacketBuffer frame) {
            nic.endpoint().writeRawPacket(frame);
            frame.release();
        }

        @Override
        public void transmit(PacketBuffer packet, long linkAddress) {
            packet.remoteLinkAddress(linkAddress);
            write(nic, packet);
        }

        @Override
        public void resolutionFailed(int address, PacketBuffer packet) {
            count(StackCounter.NEIGHBOUR_RESOLUTION_FAILED);
        }

        @Override
        public void resolutionFailed(long high, long low, PacketBuffer packet) {
            count(StackCounter.NEIGHBOUR_RESOLUTION_FAILED);
        }

        @Override
        public void addressAssigned(long high, long low) {
            nic.clearTentative(high, low);
        }

        @Override
        public void duplicateAddressDetected(long high, long low) {
            nic.clearTentative(high, low);
            count(StackCounter.IPV6_DUPLICATE_ADDRESS);
            LOG.log(System.Logger.Level.WARNING, "duplicate address detected on NIC " + nic.id() + ": "
                    + new org.netstack4j.wire.Ipv6Address(high, low));
            // Not from inside the handler's callback: the handler must not be re-entered.
            submit(() -> nic.forgetAddress(high, low));
        }
    }
}
