package org.netstack4j.transport.udp;

import java.util.concurrent.atomic.LongAdder;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.transport.TransportProtocolHandler;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.UdpHeader;

/**
 * The UDP receive side: validates datagrams (length, checksum: zero accepted over IPv4, rejected over
 * IPv6), finds the bound endpoint, applies its connected-peer filter and hands it the payload; routes ICMP
 * errors about our datagrams to the connected endpoint that sent them. Register it with the stack for
 * protocol 17.
 */
public final class UdpProtocol implements TransportProtocolHandler {
    private final UdpDemux demux;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder badChecksum = new LongAdder();
    private final LongAdder noPort = new LongAdder();
    private final LongAdder queueFull = new LongAdder();
    private final LongAdder errorsReported = new LongAdder();
    // One view per shard thread: handlers run concurrently on different shards.
    private final ThreadLocal<UdpHeader> views = ThreadLocal.withInitial(UdpHeader::new);

    /** Creates the protocol over {@code demux}. */
    public UdpProtocol(UdpDemux demux) {
        this.demux = demux;
    }

    /** The demultiplexer of bound endpoints. */
    public UdpDemux demux() {
        return demux;
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
        boolean checksumOk;
        if (ipVersion == 4) {
            srcHigh = 0;
            srcLow = Bytes.u32(b, net + 12);
            dstHigh = 0;
            dstLow = Bytes.u32(b, net + 16);
            checksumOk = udp.verifyChecksumIpv4(Bytes.i32(b, net + 12), Bytes.i32(b, net + 16));
        } else {
            srcHigh = Bytes.i64(b, net + 8);
            srcLow = Bytes.i64(b, net + 16);
            dstHigh = Bytes.i64(b, net + 24);
            dstLow = Bytes.i64(b, net + 32);
            checksumOk = udp.verifyChecksumIpv6(srcHigh, srcLow, dstHigh, dstLow);
        }
        if (!checksumOk) {
            badChecksum.increment();
            packet.release();
            return true;
        }
        int srcPort = udp.sourcePort();
        UdpEndpoint e = demux.lookup(ipVersion, udp.destinationPort());
        if (e == null || !e.acceptsDestination(dstHigh, dstLow) || (e.isConnected() && !e.peerIs(srcHigh, srcLow, srcPort))) {
            noPort.increment();
            return false; // the stack answers port unreachable
        }
        if (e.receive(srcHigh, srcLow, srcPort, b, udp.payloadOffset(), udp.payloadLength())) {
            delivered.increment();
        } else {
            queueFull.increment();
        }
        packet.release();
        return true;
    }

    @Override
    public void icmpError(int nicId, int ipVersion, int type, int code, int info, PacketBuffer packet,
                          int quotedOffset) {
        byte[] b = packet.array();
        int end = packet.end();
        int udpAt;
        long dstHigh;
        long dstLow;
        if (ipVersion == 4) {
            if (quotedOffset + 20 > end) {
                return;
            }
            udpAt = quotedOffset + (b[quotedOffset] & 0x0f) * 4;
            dstHigh = 0;
            dstLow = Bytes.u32(b, quotedOffset + 16);
        } else {
            // Only a UDP header right after the fixed header is recognised for now.
            if (quotedOffset + 40 > end || (b[quotedOffset + 6] & 0xff) != UdpHeader.PROTOCOL) {
                return;
            }
            udpAt = quotedOffset + 40;
            dstHigh = Bytes.i64(b, quotedOffset + 24);
            dstLow = Bytes.i64(b, quotedOffset + 32);
        }
        if (udpAt + 4 > end) {
            return;
        }
        UdpEndpoint e = demux.lookup(ipVersion, Bytes.u16(b, udpAt));
        // Like BSD sockets: only a connected endpoint hears about errors, and only about its peer.
        if (e != null && e.isConnected() && e.peerIs(dstHigh, dstLow, Bytes.u16(b, udpAt + 2))) {
            errorsReported.increment();
            e.icmpError(ipVersion, type, code);
        }
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

    /** Datagrams for which no endpoint was bound (answered with port unreachable where allowed). */
    public long noPort() {
        return noPort.sum();
    }

    /** Datagrams dropped because the endpoint's receive queue was full. */
    public long queueFull() {
        return queueFull.sum();
    }

    /** ICMP errors passed on to a connected endpoint. */
    public long errorsReported() {
        return errorsReported.sum();
    }
}
