package org.netstack4j.transport.udp;

import java.util.concurrent.atomic.LongAdder;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv6QuotedChain;
import org.netstack4j.wire.UdpHeader;

/**
 * Matches an ICMP or ICMPv6 error to the connected endpoint whose datagram it quotes: the quoted datagram's
 * source port is the endpoint's, its destination the endpoint's peer. IPv6 extension headers in the quote
 * are walked ({@link Ipv6QuotedChain}). Like BSD sockets, only a connected endpoint hears about errors.
 */
final class UdpIcmpErrors {
    private final UdpDemux demux;
    private final LongAdder reported = new LongAdder();
    private final LongAdder unmatched = new LongAdder();

    UdpIcmpErrors(UdpDemux demux) {
        this.demux = demux;
    }

    void handle(int ipVersion, int type, int code, PacketBuffer packet, int quotedOffset) {
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
            long upper = Ipv6QuotedChain.upperLayer(b, quotedOffset, end);
            if (upper < 0 || (int) (upper >>> 32) != UdpHeader.PROTOCOL) {
                return;
            }
            udpAt = (int) upper;
            dstHigh = Bytes.i64(b, quotedOffset + 24);
            dstLow = Bytes.i64(b, quotedOffset + 32);
        }
        if (udpAt + 4 > end) {
            return;
        }
        UdpEndpoint e = demux.connectedTo(ipVersion, Bytes.u16(b, udpAt), dstHigh, dstLow, Bytes.u16(b, udpAt + 2));
        if (e == null) {
            unmatched.increment();
            return;
        }
        reported.increment();
        e.icmpError(ipVersion, type, code);
    }

    long reported() {
        return reported.sum();
    }

    long unmatched() {
        return unmatched.sum();
    }
}
