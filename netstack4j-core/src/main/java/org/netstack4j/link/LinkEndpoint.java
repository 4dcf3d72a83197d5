package org.netstack4j.link;

import java.time.Duration;
import org.netstack4j.buffer.PacketBuffer;

/**
 * A link-layer endpoint: what the stack's NIC sends packets through and receives them from (the
 * seed's {@code stack.LinkEndpoint}). Inbound packets go to the attached {@link NetworkDispatcher};
 * outbound packets come in through {@link #writePackets}.
 *
 * <p>Outbound packets start at their network header, with at least {@link #maxHeaderLength()} bytes
 * of headroom in front for the link header, and carry their EtherType in
 * {@link PacketBuffer#networkProtocol()} (when unset the endpoint guesses IPv4 or IPv6 from the
 * version nibble) and, on a link that {@linkplain LinkCapabilities#resolutionRequired() requires
 * resolution}, their next hop's link address in {@link PacketBuffer#remoteLinkAddress()}.
 *
 * <p>Implementations are thread-safe: packets may be written from several threads at once.
 */
public interface LinkEndpoint extends AutoCloseable {

    /** The largest network-layer packet the link carries, link header excluded. */
    int mtu();

    /** Bytes of link header this endpoint prepends to each outbound packet (14 for Ethernet, 0 for IP). */
    int maxHeaderLength();

    /** The link's capabilities; constant for the endpoint's life. */
    LinkCapabilities capabilities();

    /** This end's link address (48-bit value), or {@link PacketBuffer#NO_LINK_ADDRESS} on a link without addresses. */
    long linkAddress();

    /**
     * Sets the dispatcher inbound packets go to, starting the dispatch loops on the first call.
     * Attaching another dispatcher replaces it; {@code null} detaches, after which inbound packets
     * are dropped (and counted) until a dispatcher is attached again.
     *
     * @throws IllegalStateException if the endpoint is closed and {@code dispatcher} is not null
     */
    void attach(NetworkDispatcher dispatcher);

    /** True while a dispatcher is attached. */
    boolean isAttached();

    /**
     * Frames and sends {@code packets[0..count)}. Never throws for a bad packet, a full device or a
     * closed endpoint: such packets are dropped and counted under a {@link LinkDropReason}. The caller
     * keeps ownership of the buffers and may reuse them when this returns; their bounds are as they
     * were.
     *
     * @return how many packets were handed to the device (a super-packet counts as one)
     */
    int writePackets(PacketBuffer[] packets, int count);

    /** Sends one packet; see {@link #writePackets}. Returns true when it was handed to the device. */
    boolean writePacket(PacketBuffer packet);

    /**
     * Sends {@code packet} exactly as it is, link header included when the link has one, with no
     * framing, segmentation or checksum completion (the seed's {@code WriteRawPacket}).
     *
     * @return true when it was handed to the device; otherwise it was dropped and counted
     */
    boolean writeRawPacket(PacketBuffer packet);

    /** A snapshot of the endpoint's counters. */
    LinkStatistics statistics();

    /**
     * Stops the endpoint: its channels are closed, which wakes the dispatch loops, and writes are
     * dropped (counted as {@link LinkDropReason#CLOSED}). Idempotent; does not wait for the loops
     * (see {@link #awaitTermination()}).
     */
    @Override
    void close();

    /** True once the endpoint closed, deliberately or because a channel failed. */
    boolean isClosed();

    /** Blocks until every dispatch loop has ended (the seed's {@code Wait}). */
    void awaitTermination() throws InterruptedException;

    /** Like {@link #awaitTermination()} with a bound; returns true when every loop has ended. */
    boolean awaitTermination(Duration timeout) throws InterruptedException;
}
