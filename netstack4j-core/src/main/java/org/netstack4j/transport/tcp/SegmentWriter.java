package org.netstack4j.transport.tcp;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.TransportShard;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpOptions;
import org.netstack4j.wire.TcpOptionsWriter;

/**
 * The shard's way out: builds IPv4 or IPv6 + TCP + options + payload into one pooled buffer (the payload is
 * copied from the send buffer exactly once), sets the checksum or marks it partial when the link completes
 * it, marks super-segments for GSO, and hands the packet to the shard. One per shard.
 */
final class SegmentWriter implements SegmentSink {
    private static final int CHECKSUM_FIELD = 16;
    private final TransportShard shard;
    private int ipv4Id;

    SegmentWriter(TransportShard shard) {
        this.shard = shard;
    }

    @Override
    public boolean emit(TcpConnection c, int seq, int ack, int flags, int window, TcpOptions options,
                        SendBuffer data, long dataOffset, int length, int gsoSize) {
        TransportHost.Path path = c.path;
        return write(c.ipVersion, c.localHigh, c.localLow, c.localPort, c.remoteHigh, c.remoteLow, c.remotePort,
                seq, ack, flags, window, options, data, dataOffset, length, gsoSize,
                path != null && path.txChecksumOffload());
    }

    /** Writes and sends one segment; used for connections and for resets to segments with no connection. */
    boolean write(int version, long srcHigh, long srcLow, int srcPort, long dstHigh, long dstLow, int dstPort,
                  int seq, int ack, int flags, int window, TcpOptions options, SendBuffer data, long dataOffset,
                  int length, int gsoSize, boolean checksumOffload) {
        int ipHeader = version == 4 ? 20 : 40;
        int optionsLength = options == null ? 0 : TcpOptionsWriter.length(options);
        int tcpLength = TcpHeader.MIN_LENGTH + optionsLength + length;
        PacketBuffer p = shard.acquire(ipHeader + tcpLength);
        byte[] b = p.array();
        int s = p.start();
        int t = s + ipHeader;
        int pseudo;
        if (version == 4) {
            ipv4Id = (ipv4Id + 1) & 0xffff;
            Ipv4Header.write(b, s, 0, ipHeader + tcpLength, ipv4Id, Ipv4Header.FLAG_DONT_FRAGMENT, 0, 64,
                    TcpHeader.PROTOCOL, (int) srcLow, (int) dstLow);
            pseudo = Checksum.pseudoHeaderIpv4((int) srcLow, (int) dstLow, TcpHeader.PROTOCOL, tcpLength);
        } else {
            Ipv6Header.write(b, s, 0, 0, tcpLength, TcpHeader.PROTOCOL, 64, srcHigh, srcLow, dstHigh, dstLow);
            pseudo = Checksum.pseudoHeaderIpv6(srcHigh, srcLow, dstHigh, dstLow, TcpHeader.PROTOCOL, tcpLength);
        }
        TcpHeader.write(b, t, srcPort, dstPort, seq, ack, TcpHeader.MIN_LENGTH + optionsLength, flags, window, 0);
        if (optionsLength > 0) {
            TcpOptionsWriter.write(b, t + TcpHeader.MIN_LENGTH, options);
        }
        if (length > 0) {
            data.copy(dataOffset, b, t + TcpHeader.MIN_LENGTH + optionsLength, length);
        }
        if (checksumOffload) {
            Bytes.put16(b, t + CHECKSUM_FIELD, pseudo);
            p.checksumPartial(t, CHECKSUM_FIELD);
        } else {
            Bytes.put16(b, t + CHECKSUM_FIELD, Checksum.computeSkippingField(b, t, tcpLength, CHECKSUM_FIELD, pseudo));
        }
        if (gsoSize > 0 && length > gsoSize) {
            p.gso(version == 4 ? PacketBuffer.GSO_TCPV4 : PacketBuffer.GSO_TCPV6, gsoSize);
        }
        p.networkOffset(s);
        p.transportOffset(t);
        return shard.send(p);
    }
}
