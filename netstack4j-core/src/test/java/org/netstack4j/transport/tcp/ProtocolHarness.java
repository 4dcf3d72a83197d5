package org.netstack4j.transport.tcp;

import java.util.ArrayList;
import java.util.List;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.ManualClock;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpOptions;
import org.netstack4j.wire.TcpOptionsWriter;

/**
 * A {@link TcpProtocol} over a fake one-shard host on a manual clock: tests hand it real IPv4 packets built
 * here and read back the packets it sends, parsed. The stack is 10.0.0.1, the peer 10.0.0.2.
 */
final class ProtocolHarness extends OneShardHost {
    static final int LOCAL = 0x0a000001;
    static final int PEER = 0x0a000002;

    final List<TcpHarness.Seg> out = new ArrayList<>();
    final TcpProtocol tcp;

    ProtocolHarness(TcpConfig config) {
        super(LOCAL, new ManualClock(1_000_000_000L));
        tcp = new TcpProtocol(config);
        tcp.attach(this);
    }

    /** The peer sends a segment from {@code port} to {@code toPort}. */
    void send(int port, int toPort, int seq, int ack, int flags, int window, TcpOptions options, int length) {
        int optionsLength = options == null ? 0 : TcpOptionsWriter.length(options);
        int tcpLength = 20 + optionsLength + length;
        PacketBuffer p = new PacketBuffer(64 + 20 + tcpLength, 64);
        p.append(20 + tcpLength);
        byte[] b = p.array();
        int s = p.start();
        Ipv4Header.write(b, s, 0, 20 + tcpLength, 1, 0, 0, 64, 6, PEER, LOCAL);
        TcpHeader.write(b, s + 20, port, toPort, seq, ack, 20 + optionsLength, flags, window, 0);
        if (options != null) {
            TcpOptionsWriter.write(b, s + 40, options);
        }
        for (int i = 0; i < length; i++) {
            b[s + 40 + optionsLength + i] = (byte) (seq + i);
        }
        int pseudo = Checksum.pseudoHeaderIpv4(PEER, LOCAL, 6, tcpLength);
        Bytes.put16(b, s + 36, Checksum.computeSkippingField(b, s + 20, tcpLength, 16, pseudo));
        p.networkOffset(s);
        p.transportOffset(s + 20);
        tcp.deliver(1, 4, p);
        runTasks();
    }

    void runTasks() {
        runTasks(10_000);
    }

    void advanceMillis(long ms) {
        clock.advanceMillis(ms);
        wheel.advanceTo(clock.nanoTime());
        runTasks();
    }

    TcpHarness.Seg last() {
        return out.get(out.size() - 1);
    }

    @Override
    public boolean send(PacketBuffer ipPacket) {
        byte[] b = ipPacket.array();
        int t = ipPacket.start() + 20;
        TcpHeader h = new TcpHeader();
        if (!h.wrap(b, t, ipPacket.end() - t).isOk()) {
            throw new AssertionError("stack sent a malformed segment");
        }
        if (!h.verifyChecksumIpv4(Bytes.i32(b, ipPacket.start() + 12), Bytes.i32(b, ipPacket.start() + 16))) {
            throw new AssertionError("stack sent a bad checksum");
        }
        TcpOptions o = new TcpOptions();
        o.parse(h);
        byte[] payload = new byte[h.payloadLength()];
        System.arraycopy(b, h.payloadOffset(), payload, 0, payload.length);
        out.add(new TcpHarness.Seg(h.sequenceNumber(), h.acknowledgmentNumber(), h.flags(), h.window(), o, payload));
        return true;
    }

}
