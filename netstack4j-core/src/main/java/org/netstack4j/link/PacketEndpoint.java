package org.netstack4j.link;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.wire.EthernetHeader;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.MacAddress;

/**
 * A link endpoint over one or more boundary-preserving {@link PacketChannel}s: the seed's
 * {@code fdbased}/{@code wintun} endpoint, created with {@link #create(PacketEndpointOptions)} (the
 * seed's {@code New}).
 *
 * <h2>Inbound</h2>
 * One dispatch loop (a platform thread) per channel reads packets into pooled buffers of MTU plus
 * link header plus headroom and delivers them to the attached {@link NetworkDispatcher}. In Ethernet
 * mode the 14-byte header is parsed (frames shorter than it are dropped as
 * {@link LinkDropReason#MALFORMED}, 802.3 length frames and VLAN-tagged frames as
 * {@link LinkDropReason#UNKNOWN_PROTOCOL}); in IP mode the version nibble says IPv4 or IPv6 and anything
 * else is dropped as {@link LinkDropReason#UNKNOWN_PROTOCOL}. Inbound packets may arrive on any
 * channel: the caller keeps each flow on one channel (the Linux module uses kernel fanout or
 * multi-queue TUN for that), or TCP sees reordering.
 *
 * <h2>Outbound</h2>
 * {@link #writePackets} spreads packets over the channels by a seeded hash of the 5-tuple
 * (addresses, protocol, ports; IP fragments by addresses only), so one flow always leaves through
 * one channel and keeps its order. In Ethernet mode each packet gets a header whose destination is
 * the packet's {@linkplain PacketBuffer#remoteLinkAddress() remote link address} and whose source is
 * its {@linkplain PacketBuffer#localLinkAddress() local link address} or else the endpoint's own.
 * Partial checksums are completed and, with software GSO, TCP super-packets are cut into MTU-sized
 * segments, unless every channel {@linkplain PacketChannel#carriesOffloadMetadata() takes that
 * metadata} to the device.
 *
 * <h2>Lifecycle</h2>
 * The loops start when a dispatcher is first {@linkplain #attach attached}. The endpoint adopts its
 * channels. {@link #close()} (deliberate) closes every channel, which wakes the loops; the closed
 * callback is <em>not</em> called. When a channel's peer closes it or a read fails, the endpoint
 * closes itself the same way and calls the closed callback exactly once, with the cause of the
 * first failure; later failures (the other loops waking on their closed channels) are ignored.
 * {@link #awaitTermination()} returns once the endpoint is closed and every loop has ended.
 */
public final class PacketEndpoint implements LinkEndpoint {
    /** Length of the (untagged) Ethernet II header this endpoint reads and writes. */
    public static final int ETHERNET_HEADER_LENGTH = EthernetHeader.MIN_LENGTH;
    /** Bytes left free in front of each inbound packet, for a layer that rewrites it in place. */
    public static final int RX_HEADROOM = 64;

    private static final System.Logger LOG = System.getLogger(PacketEndpoint.class.getName());
    private static final AtomicInteger IDS = new AtomicInteger();

    private static final int OPEN = 0;
    private static final int CLOSED = 1;
    private static final int FAILED = 2;

    private final int id = IDS.incrementAndGet();
    private final PacketChannel[] channels;
    private final int mtu;
    private final boolean ethernet;
    private final int linkHeaderLength;
    private final int maxFrame;
    /** The largest super-packet (GSO-marked) a read hands over, 0 when the channels cut them. */
    private final int maxSuperPacket;
    private final long address;
    private final boolean rxChecksumOffload;
    private final LinkCapabilities capabilities;
    private final LinkClosedCallback closedCallback;
    private final ThreadFactory threadFactory;
    private final int readBatchSize;
    private final PacketBufferPool rxPool;
    /** MTU-sized buffers that small packets move into when {@link #rxPool}'s are sized for super-packets. */
    private final PacketBufferPool smallRxPool;
    private final LinkCounters counters;
    /** Per dispatch loop (each slot touched by its loop's thread only): the dispatcher of the open batch. */
    private final NetworkDispatcher[] batchDispatchers;
    private final Transmitter transmitter;
    /** One Ethernet view per dispatch loop: views are flyweights owned by one thread. */
    private final EthernetHeader[] ethernetViews;

    private final Object lifecycle = new Object();
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private final AtomicInteger runningLoops = new AtomicInteger();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicLong dispatcherErrors = new AtomicLong();
    private volatile NetworkDispatcher dispatcher;
    private Thread[] threads;

    private PacketEndpoint(PacketEndpointOptions o) {
        List<PacketChannel> list = o.channels();
        this.channels = list.toArray(new PacketChannel[0]);
        this.mtu = o.mtu();
        this.ethernet = o.ethernetHeader();
        this.linkHeaderLength = ethernet ? ETHERNET_HEADER_LENGTH : 0;
        this.maxFrame = mtu + linkHeaderLength;
        this.address = ethernet ? o.address() : PacketBuffer.NO_LINK_ADDRESS;
        this.rxChecksumOffload = o.rxChecksumOffload();
        this.closedCallback = o.closedCallback();
        this.threadFactory = o.threadFactory();
        this.readBatchSize = o.readBatchSize();
        boolean deviceOffload = true;
        int superPacket = Integer.MAX_VALUE;
        for (PacketChannel c : channels) {
            deviceOffload &= c.carriesOffloadMetadata();
            superPacket = Math.min(superPacket, c.maxSuperPacket());
        }
        this.maxSuperPacket = superPacket > maxFrame ? superPacket : 0;
        GsoKind gso = !o.softwareGso() ? GsoKind.NONE : deviceOffload ? GsoKind.DEVICE : GsoKind.SOFTWARE;
        this.capabilities = new LinkCapabilities(o.rxChecksumOffload(), o.txChecksumOffload(), ethernet,
                o.saveRestore(), o.disconnectOk(), false, gso, gso == GsoKind.NONE ? 0 : Transmitter.GSO_MAX_SIZE);
        // One spare byte beyond the largest frame: a read that fills it was oversized even on a
        // channel that cannot report a truncated packet's real length. Room for a whole super-packet when
        // the channels hand them over: one read, one pass through the stack and one copy per 64 KiB
        // instead of a cut into MTU-sized segments.
        this.rxPool = new PacketBufferPool(RX_HEADROOM + Math.max(maxFrame + 1, maxSuperPacket), RX_HEADROOM,
                maxSuperPacket > 0 ? Math.min(o.bufferPoolSize(), 64) : o.bufferPoolSize());
        this.smallRxPool = maxSuperPacket > 0
                ? new PacketBufferPool(RX_HEADROOM + maxFrame + 1, RX_HEADROOM, o.bufferPoolSize()) : null;
        this.counters = new LinkCounters(channels.length);
        this.batchDispatchers = new NetworkDispatcher[channels.length];
        this.ethernetViews = new EthernetHeader[channels.length];
        for (int i = 0; i < channels.length; i++) {
            ethernetViews[i] = new EthernetHeader();
        }
        this.transmitter = new Transmitter(channels, mtu, ethernet, address, gso, deviceOffload,
                o.flowHashSeed(), counters);
    }

    /**
     * Creates an endpoint over the options' channels (the seed's {@code New}). No thread starts
     * until a dispatcher is attached.
     */
    public static PacketEndpoint create(PacketEndpointOptions options) {
        return new PacketEndpoint(options);
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int maxHeaderLength() {
        return linkHeaderLength;
    }

    @Override
    public LinkCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public long linkAddress() {
        return address;
    }

    /** The endpoint's address as a value, or null in IP mode. */
    public MacAddress macAddress() {
        return address < 0 ? null : new MacAddress(address);
    }

    /** How many channels (and dispatch loops) the endpoint has. */
    public int channelCount() {
        return channels.length;
    }

    /** The channel an outbound packet starting at its network header would leave through. */
    public int channelFor(PacketBuffer packet) {
        return transmitter.channelFor(packet);
    }

    @Override
    public void attach(NetworkDispatcher dispatcher) {
        synchronized (lifecycle) {
            if (dispatcher != null && state.get() != OPEN) {
                throw new IllegalStateException("endpoint is closed");
            }
            this.dispatcher = dispatcher;
            if (dispatcher != null && threads == null) {
                startLoops();
            }
        }
    }

    private void startLoops() {
        Thread[] started = new Thread[channels.length];
        for (int i = 0; i < channels.length; i++) {
            DispatchLoop loop = new DispatchLoop(this, channels[i], i, rxPool, readBatchSize);
            Thread t;
            if (threadFactory != null) {
                t = threadFactory.newThread(loop);
            } else {
                t = new Thread(loop, "netstack4j-link-" + id + "-rx-" + i);
                t.setDaemon(true);
            }
            started[i] = t;
        }
        threads = started;
        runningLoops.set(started.length);
        for (Thread t : started) {
            t.start();
        }
    }

    @Override
    public boolean isAttached() {
        return dispatcher != null;
    }

    boolean isOpen() {
        return state.get() == OPEN;
    }

    @Override
    public boolean isClosed() {
        return state.get() != OPEN;
    }

    /**
     * Handles one packet a loop read. Returns true when its buffer was handed on (to the dispatcher),
     * false when the packet was dropped and the buffer may be reused.
     */
    boolean receive(int loop, PacketBuffer buf, int length) {
        if (smallRxPool != null && buf.gsoType() == PacketBuffer.GSO_NONE && length > 0 && length <= maxFrame
                && length <= buf.length()) {
            // A read buffer sized for a super-packet stays with the loop; the packet moves into an MTU-sized
            // one, so that queued small packets (a SYN flood, say) do not hold 64 KiB each.
            PacketBuffer small = smallRxPool.acquire();
            int delta = small.start() - buf.start();
            System.arraycopy(buf.array(), buf.start(), small.array(), small.start(), length);
            small.setBounds(small.start(), small.start() + length);
            if (buf.checksumPartial()) {
                small.checksumPartial(buf.checksumStart() + delta, buf.checksumOffset());
            }
            if (!deliver(loop, small, length)) {
                small.release();
            }
            return false;
        }
        return deliver(loop, buf, length);
    }

    private boolean deliver(int loop, PacketBuffer buf, int length) {
        if (length <= 0) {
            counters.dropped(LinkDropReason.MALFORMED);
            return false;
        }
        if (length > maxFrame && (length > maxSuperPacket || buf.gsoType() == PacketBuffer.GSO_NONE)) {
            counters.dropped(LinkDropReason.OVERSIZED);
            return false;
        }
        byte[] b = buf.array();
        int at = buf.start();
        int protocol;
        long remote;
        long local;
        if (ethernet) {
            EthernetHeader eth = ethernetViews[loop];
            if (!eth.wrap(b, at, length).isOk()) {
                counters.dropped(LinkDropReason.MALFORMED); // shorter than its header (or its tags)
                return false;
            }
            // 802.3 length frames (LLC) and VLAN-tagged frames: this endpoint has no LLC protocols and no
            // VLAN configuration, and passing a tagged frame on as untagged would mix VLANs.
            if (!eth.isEthernetII() || eth.tagCount() != 0) {
                counters.dropped(LinkDropReason.UNKNOWN_PROTOCOL);
                return false;
            }
            protocol = eth.etherType();
            local = eth.destinationAddress();
            remote = eth.sourceAddress();
            buf.linkOffset(at);
            buf.trimFront(EthernetHeader.MIN_LENGTH);
        } else {
            int version = (b[at] & 0xff) >>> 4;
            if (version == Ipv4Header.VERSION) {
                protocol = EthernetHeader.ETHERTYPE_IPV4;
                if (length < Ipv4Header.MIN_LENGTH) {
                    counters.dropped(LinkDropReason.MALFORMED);
                    return false;
                }
            } else if (version == Ipv6Header.VERSION) {
                protocol = EthernetHeader.ETHERTYPE_IPV6;
                if (length < Ipv6Header.LENGTH) {
                    counters.dropped(LinkDropReason.MALFORMED);
                    return false;
                }
            } else {
                counters.dropped(LinkDropReason.UNKNOWN_PROTOCOL);
                return false;
            }
            local = PacketBuffer.NO_LINK_ADDRESS;
            remote = PacketBuffer.NO_LINK_ADDRESS;
        }
        NetworkDispatcher d = dispatcher;
        if (d == null) {
            counters.dropped(LinkDropReason.NO_DISPATCHER);
            return false;
        }
        buf.networkOffset(buf.start());
        buf.networkProtocol(protocol);
        buf.remoteLinkAddress(remote);
        buf.localLinkAddress(local);
        buf.checksumVerified(rxChecksumOffload);
        counters.received(loop, length); // before the hand-over: the dispatcher may react at once
        batchDispatchers[loop] = d;
        try {
            d.deliverInBatch(this, remote, local, protocol, buf);
        } catch (RuntimeException e) {
            // The dispatcher may already have queued the buffer, so it is not reused.
            counters.dropped(LinkDropReason.DISPATCHER_ERROR);
            long n = dispatcherErrors.incrementAndGet();
            if (n == 1 || Long.bitCount(n) == 1) {
                LOG.log(Level.WARNING, "dispatcher threw on endpoint " + id + " (" + n + " so far)", e);
            }
            return true;
        }
        return true;
    }

    /** Called by a loop after delivering the packets of one read batch: ends the batch at its dispatcher. */
    void endOfBatch(int loop) {
        NetworkDispatcher d = batchDispatchers[loop];
        if (d == null) {
            return; // nothing delivered in this batch
        }
        batchDispatchers[loop] = null;
        try {
            d.endOfBatch(this);
        } catch (RuntimeException e) {
            long n = dispatcherErrors.incrementAndGet();
            if (n == 1 || Long.bitCount(n) == 1) {
                LOG.log(Level.WARNING, "dispatcher threw on endpoint " + id + " (" + n + " so far)", e);
            }
        }
    }

    /** Called by a loop whose read failed or hit end of stream; the first one closes the endpoint. */
    void channelFailed(int loop, Throwable cause) {
        if (!state.compareAndSet(OPEN, FAILED)) {
            return; // closed deliberately, or another loop failed first: this is the wake-up
        }
        closeChannels();
        LinkClosedCallback cb = closedCallback;
        if (cb == null) {
            LOG.log(Level.DEBUG, () -> "endpoint " + id + " closed by channel " + loop + ": " + cause);
            return;
        }
        try {
            cb.linkClosed(cause);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closed callback of endpoint " + id + " threw", e);
        }
    }

    void loopEnded() {
        if (runningLoops.decrementAndGet() == 0 && state.get() != OPEN) {
            terminated.countDown();
        }
    }

    @Override
    public int writePackets(PacketBuffer[] packets, int count) {
        if (state.get() != OPEN) {
            counters.dropped(LinkDropReason.CLOSED, count);
            return 0;
        }
        return transmitter.write(packets, count);
    }

    @Override
    public boolean writePacket(PacketBuffer packet) {
        if (state.get() != OPEN) {
            counters.dropped(LinkDropReason.CLOSED);
            return false;
        }
        return transmitter.write(packet) == 1;
    }

    @Override
    public boolean writeRawPacket(PacketBuffer packet) {
        if (state.get() != OPEN) {
            counters.dropped(LinkDropReason.CLOSED);
            return false;
        }
        return transmitter.writeRaw(packet);
    }

    @Override
    public LinkStatistics statistics() {
        return counters.snapshot();
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (!state.compareAndSet(OPEN, CLOSED)) {
                return;
            }
            dispatcher = null;
        }
        closeChannels();
        if (runningLoops.get() == 0) {
            terminated.countDown();
        }
    }

    private void closeChannels() {
        for (PacketChannel c : channels) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> "closing " + c + ": " + e);
            }
        }
        // A failure with no loop running (not possible today, loops report failures) must still terminate.
        if (runningLoops.get() == 0) {
            terminated.countDown();
        }
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "PacketEndpoint[" + id + ", " + channels.length + " channel(s), mtu " + mtu
                + (ethernet ? ", ethernet " + new MacAddress(address) : ", ip") + ", " + STATES[state.get()] + "]";
    }

    private static final String[] STATES = {"open", "closed", "failed"};
}
