package org.netstack4j.transport.udp;

import java.util.concurrent.atomic.LongAdder;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.TransportProtocolHandler;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.UdpHeader;

/**
 * The UDP receive side: validates datagrams (length, checksum: zero accepted over IPv4, rejected over
 * IPv6), finds the endpoint they belong to ({@link UdpDemux}) and hands it the datagram without copying;
 * offers what no endpoint claims to the {@link UdpUnclaimedHandler}, if one is installed; passes ICMP
 * errors about our datagrams on ({@link UdpIcmpErrors}). Register it with the stack for protocol 17.
 */
public final class UdpProtocol implements TransportProtocolHandler {
    private final UdpDemux demux;
    private final UdpIcmpErrors icmpErrors;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder badChecksum = new LongAdder();
    private final LongAdder noPort = new LongAdder();
    private final LongAdder queueFull = new LongAdder();
    private final LongAdder unclaimedTaken = new LongAdder();
    // One view per shard thread: handlers run concurrently on different shards.
    private final ThreadLocal<UdpHeader> views = ThreadLocal.withInitial(UdpHeader::new);
    private volatile TransportHost host;
    private volatile UdpUnclaimedHandler unclaimed;

    /** Creates the protocol over {@code demux}. */
    public UdpProtocol(UdpDemux demux) {
        this.demux = demux;
        this.icmpErrors = new UdpIcmpErrors(demux);
    }

    @Override
    public void attach(TransportHost transportHost) {
        this.host = transportHost;
    }

    /** The stack this protocol was registered with, or null before registration. */
    public TransportHost host() {
        return host;
    }

    /** The demultiplexer of bound endpoints. */
    public UdpDemux demux() {
        return demux;
    }

    /**
     * Installs (or, with null, removes) the handler of datagrams no endpoint claims. While one is installed
     * a wildcard-bound endpoint claims only datagrams to the stack's own addresses, so that on a promiscuous
     * NIC datagrams to other hosts reach the handler.
     */
    public void unclaimedHandler(UdpUnclaimedHandler handler) {
        this.unclaimed = handler;
    }

    @Override
    public boolean deliver(int nicId, int ipVersion, PacketBuffer packet) {
        byte[] b = packet.array();
        int net = packet.networkOffset();
        int at = packet.transportOffset();
        UdpHeader udp = views.get();
        if (udp.wrap(b, at, packet.end() - at) != ParseResult.OK) {
            malformed.increment();
            packet.release();
            return true; // dropped and counted; no ICMP for a malformed datagram
        }
        long srcHigh;
        long srcLow;
        long dstHigh;
        long dstLow;
        // A partial checksum comes from a local sender (the host kernel over a TUN with offloads) that leaves
        // the sum to the device: nothing was on a wire to corrupt it, so like a verified one it is trusted.
        boolean trusted = packet.checksumVerified() || packet.checksumPartial();
        boolean checksumOk;
        if (ipVersion == 4) {
            srcHigh = 0;
            srcLow = Bytes.u32(b, net + 12);
            dstHigh = 0;
            dstLow = Bytes.u32(b, net + 16);
            checksumOk = trusted || udp.verifyChecksumIpv4(Bytes.i32(b, net + 12), Bytes.i32(b, net + 16));
        } else {
            srcHigh = Bytes.i64(b, net + 8);
            srcLow = Bytes.i64(b, net + 16);
            dstHigh = Bytes.i64(b, net + 24);
            dstLow = Bytes.i64(b, net + 32);
            checksumOk = trusted || udp.verifyChecksumIpv6(srcHigh, srcLow, dstHigh, dstLow);
        }
        if (!checksumOk) {
            badChecksum.increment();
            packet.release();
            return true;
        }
        int srcPort = udp.sourcePort();
        int dstPort = udp.destinationPort();
        UdpUnclaimedHandler u = unclaimed;
        // With an unclaimed handler (a promiscuous NIC's forwarder) the wildcard means "our addresses".
        boolean wildcardAccepts = u == null || isLocal(ipVersion, dstHigh, dstLow);
        UdpEndpoint e = demux.lookup(ipVersion, dstPort, dstHigh, dstLow, srcHigh, srcLow, srcPort,
                wildcardAccepts);
        // The endpoint sees the datagram from its IP header to the end of the UDP payload.
        packet.payloadOffset(udp.payloadOffset());
        packet.setBounds(net, udp.payloadOffset() + udp.payloadLength());
        if (e == null) {
            if (u != null && u.unclaimed(nicId, ipVersion, packet, srcHigh, srcLow, srcPort, dstHigh, dstLow,
                    dstPort)) {
                unclaimedTaken.increment();
                return true;
            }
            noPort.increment();
            return false; // the stack answers port unreachable
        }
        if (e.deliver(ipVersion, packet)) {
            delivered.increment();
        } else {
            queueFull.increment();
        }
        return true;
    }

    private boolean isLocal(int ipVersion, long high, long low) {
        TransportHost h = host;
        return h == null || (ipVersion == 4 ? h.isLocalIpv4((int) low) : h.isLocalIpv6(high, low));
    }

    @Override
    public void icmpError(int nicId, int ipVersion, int type, int code, int info, PacketBuffer packet,
                          int quotedOffset) {
        icmpErrors.handle(ipVersion, type, code, packet, quotedOffset);
    }

    /** Datagrams handed to an endpoint. */
    public long delivered() {
        return delivered.sum();
    }

    /** Datagrams dropped for a bad length or truncation. */
    public long malformed() {
        return malformed.sum();
    }

    /** Datagrams dropped for a wrong (or, over IPv6, zero) checksum. */
    public long badChecksum() {
        return badChecksum.sum();
    }

    /** Datagrams nobody took (answered with port unreachable where allowed). */
    public long noPort() {
        return noPort.sum();
    }

    /** Datagrams dropped because the endpoint's receive queue was full. */
    public long queueFull() {
        return queueFull.sum();
    }

    /** Datagrams no endpoint claimed that the unclaimed handler took. */
    public long unclaimedTaken() {
        return unclaimedTaken.sum();
    }

    /** ICMP errors passed on to a connected endpoint. */
    public long errorsReported() {
        return icmpErrors.reported();
    }

    /** ICMP errors that quoted one of our datagrams but matched no connected endpoint. */
    public long errorsUnmatched() {
        return icmpErrors.unmatched();
    }
}
