package org.netstack4j.socket;

import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.TransportShard;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.IpProtocol;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.UdpHeader;

/**
 * The UDP send path of one stack: builds the whole IP and UDP packet on the sending thread, straight into a
 * pooled buffer of the shard that owns the flow (the payload is copied once, the checksum summed on the
 * way), and hands it to that shard through its {@link ShardOutbox}. On the shard's own thread the packet is
 * sent at once. A sender waits only while the outbox is full, at most {@link #HANDOFF_TIMEOUT_NANOS}. The
 * stack routes the packet and fragments it when it is larger than the MTU.
 */
final class UdpOutput {
    /** Longest wait for room in a full outbox. */
    static final long HANDOFF_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long HANDOFF_PARK_NANOS = 20_000;
    private static final int TTL = 64;

    private final TransportHost host;
    private final ShardOutbox[] outboxes;
    private final AtomicInteger ipv4Identification = new AtomicInteger();
    private final LongAdder handOffWaits = new LongAdder();

    UdpOutput(TransportHost host, int outboxCapacity) {
        this.host = host;
        this.outboxes = new ShardOutbox[host.shardCount()];
        for (int i = 0; i < outboxes.length; i++) {
            outboxes[i] = new ShardOutbox(host.shard(i), outboxCapacity);
        }
    }

    TransportHost host() {
        return host;
    }

    /** Times a sender found its shard's outbox full and waited. */
    long handOffWaits() {
        return handOffWaits.sum();
    }

    /** Packets the shards' output dropped after the hand-off (counted by reason in the stack too). */
    long droppedAfterHandOff() {
        long n = 0;
        for (ShardOutbox o : outboxes) {
            n += o.refusedByStack();
        }
        return n;
    }

    /** The shard that owns the flow between the two ends (IPv4 addresses in the low 32 bits). */
    TransportShard shardOf(int version, long sh, long sl, int sport, long dh, long dl, int dport) {
        return version == 4 ? host.shardOfIpv4Flow(IpProtocol.UDP, (int) sl, sport, (int) dl, dport)
                : host.shardOfIpv6Flow(IpProtocol.UDP, sh, sl, sport, dh, dl, dport);
    }

    /**
     * Sends {@code data[offset, offset+length)} as one datagram from {@code sh/sl:sport} to {@code dh/dl:dport}.
     *
     * @throws SocketException when the stack is closed or the hand-off stayed full
     */
    void send(int version, long sh, long sl, int sport, long dh, long dl, int dport, byte[] data, int offset,
              int length) throws SocketException {
        if (!host.isOpen()) {
            throw new SocketException("datagram not sent: the stack is closed");
        }
        TransportShard shard = shardOf(version, sh, sl, sport, dh, dl, dport);
        int ipLength = version == 4 ? Ipv4Header.MIN_LENGTH : Ipv6Header.LENGTH;
        int udpLength = UdpHeader.LENGTH + length;
        PacketBuffer p = shard.acquire(ipLength + udpLength);
        byte[] b = p.array();
        int at = p.start();
        int u = at + ipLength;
        UdpHeader.write(b, u, sport, dport, udpLength);
        System.arraycopy(data, offset, b, u + UdpHeader.LENGTH, length);
        int pseudo;
        if (version == 4) {
            Ipv4Header.write(b, at, 0, ipLength + udpLength, ipv4Identification.incrementAndGet() & 0xffff, 0, 0,
                    TTL, IpProtocol.UDP, (int) sl, (int) dl);
            pseudo = Checksum.pseudoHeaderIpv4((int) sl, (int) dl, IpProtocol.UDP, udpLength);
        } else {
            Ipv6Header.write(b, at, 0, 0, udpLength, IpProtocol.UDP, TTL, sh, sl, dh, dl);
            pseudo = Checksum.pseudoHeaderIpv6(sh, sl, dh, dl, IpProtocol.UDP, udpLength);
        }
        int sum = Checksum.computeSkippingField(b, u, udpLength, 6, pseudo);
        Bytes.put16(b, u + 6, sum == 0 ? 0xffff : sum);
        p.networkOffset(at);
        p.transportOffset(u);
        if (shard.inShard()) {
            shard.send(p); // a drop is counted by the stack
            return;
        }
        handOff(outboxes[shard.index()], p);
    }

    private void handOff(ShardOutbox box, PacketBuffer p) throws SocketException {
        if (box.offer(p)) {
            return;
        }
        handOffWaits.increment();
        long deadline = System.nanoTime() + HANDOFF_TIMEOUT_NANOS;
        while (!box.offer(p)) {
            if (!host.isOpen() || System.nanoTime() - deadline > 0) {
                p.release();
                throw new SocketException("datagram not sent: " + (host.isOpen()
                        ? "the shard's send queue stayed full" : "the stack is closed"));
            }
            LockSupport.parkNanos(HANDOFF_PARK_NANOS);
            if (Thread.interrupted()) {
                p.release();
                Thread.currentThread().interrupt();
                throw new SocketException("interrupted while sending");
            }
        }
    }
}
