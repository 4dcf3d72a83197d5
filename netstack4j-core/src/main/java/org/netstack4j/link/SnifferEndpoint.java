package org.netstack4j.link;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.Clock;
import org.netstack4j.wire.EthernetHeader;

/**
 * A {@link LinkEndpoint} wrapper that writes every packet crossing it, in both directions, to a pcap
 * stream (the seed family's {@code sniffer}): {@link PcapWriter#LINKTYPE_ETHERNET} when the wrapped
 * endpoint frames Ethernet, {@link PcapWriter#LINKTYPE_RAW} for bare IP. Capture can be switched on
 * and off at run time with {@link #capturing(boolean)}.
 *
 * <p>Inbound packets are recorded as read (in Ethernet mode from the frame's header on). Outbound
 * packets are recorded after the wrapped endpoint took them, so checksums completed by the endpoint
 * are final; their Ethernet header is rebuilt for the capture from the same metadata the endpoint
 * frames with. A GSO super-packet is recorded as one large packet, as tcpdump shows it on a host
 * with segmentation offload. Packets the endpoint dropped for a reason of its own are still
 * recorded.
 *
 * <p>A failing capture stream never disturbs traffic: the error is counted
 * ({@link #captureErrors()}) and capture switches itself off. The caller owns the stream: close it
 * after {@link #awaitTermination()}.
 */
public final class SnifferEndpoint implements LinkEndpoint {
    private static final System.Logger LOG = System.getLogger(SnifferEndpoint.class.getName());

    private final LinkEndpoint inner;
    private final PcapWriter writer;
    private final Clock clock;
    private final long epochMicrosAtStart;
    private final long nanosAtStart;
    private final boolean ethernet;
    private final AtomicLong captureErrors = new AtomicLong();
    private final ThreadLocal<byte[]> headerScratch = ThreadLocal.withInitial(() -> new byte[PacketEndpoint.ETHERNET_HEADER_LENGTH]);
    private volatile boolean capturing = true;

    /**
     * Wraps {@code inner}, writing a pcap file header to {@code out} at once.
     *
     * @param snapLength most bytes recorded per packet
     * @param clock      timestamps: the wall clock at construction plus this clock's elapsed time
     */
    public SnifferEndpoint(LinkEndpoint inner, OutputStream out, int snapLength, Clock clock) throws IOException {
        this.inner = inner;
        this.ethernet = inner.capabilities().resolutionRequired() && inner.maxHeaderLength() == PacketEndpoint.ETHERNET_HEADER_LENGTH;
        this.writer = new PcapWriter(out, ethernet ? PcapWriter.LINKTYPE_ETHERNET : PcapWriter.LINKTYPE_RAW, snapLength);
        this.clock = clock;
        this.epochMicrosAtStart = System.currentTimeMillis() * 1000L;
        this.nanosAtStart = clock.nanoTime();
    }

    /** Wraps {@code inner} capturing whole packets, stamped by the system clock. */
    public SnifferEndpoint(LinkEndpoint inner, OutputStream out) throws IOException {
        this(inner, out, PcapWriter.DEFAULT_SNAP_LENGTH, Clock.system());
    }

    /** The LINKTYPE of the capture. */
    public int linkType() {
        return writer.linkType();
    }

    /** Switches capture on or off; takes effect with the next packet. */
    public void capturing(boolean on) {
        this.capturing = on;
    }

    /** True while packets are being recorded. */
    public boolean capturing() {
        return capturing;
    }

    /** Capture writes that failed (capture switches off after the first). */
    public long captureErrors() {
        return captureErrors.get();
    }

    /** Flushes the capture stream. */
    public void flush() throws IOException {
        writer.flush();
    }

    /** The wrapped endpoint. */
    public LinkEndpoint inner() {
        return inner;
    }

    private long timestamp() {
        return epochMicrosAtStart + (clock.nanoTime() - nanosAtStart) / 1000L;
    }

    private void recordInbound(PacketBuffer p) {
        int from = ethernet && p.linkOffset() != PacketBuffer.UNSET ? p.linkOffset() : p.start();
        record(null, 0, p.array(), from, p.end() - from);
    }

    private void recordOutbound(PacketBuffer p) {
        if (!ethernet) {
            record(null, 0, p.array(), p.start(), p.length());
            return;
        }
        byte[] h = headerScratch.get();
        long src = p.localLinkAddress() == PacketBuffer.NO_LINK_ADDRESS ? inner.linkAddress() : p.localLinkAddress();
        long dst = p.remoteLinkAddress() == PacketBuffer.NO_LINK_ADDRESS ? 0 : p.remoteLinkAddress();
        int protocol = p.networkProtocol();
        if (protocol == PacketBuffer.NO_PROTOCOL && p.length() > 0) {
            int version = (p.array()[p.start()] & 0xff) >>> 4;
            protocol = version == 6 ? EthernetHeader.ETHERTYPE_IPV6 : EthernetHeader.ETHERTYPE_IPV4;
        }
        EthernetHeader.write(h, 0, dst, src < 0 ? 0 : src, protocol);
        record(h, h.length, p.array(), p.start(), p.length());
    }

    private void record(byte[] prefix, int prefixLength, byte[] data, int offset, int length) {
        try {
            writer.write(timestamp(), prefix, 0, prefixLength, data, offset, length);
        } catch (IOException e) {
            capturing = false;
            if (captureErrors.incrementAndGet() == 1) {
                LOG.log(Level.WARNING, "packet capture failed; capture switched off", e);
            }
        }
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public int maxHeaderLength() {
        return inner.maxHeaderLength();
    }

    @Override
    public LinkCapabilities capabilities() {
        return inner.capabilities();
    }

    @Override
    public long linkAddress() {
        return inner.linkAddress();
    }

    @Override
    public void attach(NetworkDispatcher dispatcher) {
        inner.attach(dispatcher == null ? null : new Tap(dispatcher));
    }

    @Override
    public boolean isAttached() {
        return inner.isAttached();
    }

    @Override
    public int writePackets(PacketBuffer[] packets, int count) {
        // Recorded before the write, like a kernel tap: a reply read by the dispatch thread can never
        // be captured ahead of the request that caused it. Super-packets and partial checksums are
        // therefore captured as the stack handed them over, as tcpdump shows them with offloads on.
        if (capturing) {
            for (int i = 0; i < count; i++) {
                recordOutbound(packets[i]);
            }
        }
        return inner.writePackets(packets, count);
    }

    @Override
    public boolean writePacket(PacketBuffer packet) {
        if (capturing) {
            recordOutbound(packet);
        }
        return inner.writePacket(packet);
    }

    @Override
    public boolean writeRawPacket(PacketBuffer packet) {
        if (capturing) {
            record(null, 0, packet.array(), packet.start(), packet.length());
        }
        return inner.writeRawPacket(packet);
    }

    @Override
    public LinkStatistics statistics() {
        return inner.statistics();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public boolean isClosed() {
        return inner.isClosed();
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        inner.awaitTermination();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return inner.awaitTermination(timeout);
    }

    /** Records inbound packets on their way to the real dispatcher, presenting this wrapper as the endpoint. */
    private final class Tap implements NetworkDispatcher {
        private final NetworkDispatcher target;

        Tap(NetworkDispatcher target) {
            this.target = target;
        }

        @Override
        public void deliverNetworkPacket(LinkEndpoint endpoint, long remoteLinkAddress, long localLinkAddress,
                                         int protocol, PacketBuffer packet) {
            if (capturing) {
                recordInbound(packet);
            }
            target.deliverNetworkPacket(SnifferEndpoint.this, remoteLinkAddress, localLinkAddress, protocol, packet);
        }

        @Override
        public void deliverInBatch(LinkEndpoint endpoint, long remoteLinkAddress, long localLinkAddress,
                                   int protocol, PacketBuffer packet) {
            if (capturing) {
                recordInbound(packet);
            }
            target.deliverInBatch(SnifferEndpoint.this, remoteLinkAddress, localLinkAddress, protocol, packet);
        }

        @Override
        public void endOfBatch(LinkEndpoint endpoint) {
            target.endOfBatch(SnifferEndpoint.this);
        }
    }
}
