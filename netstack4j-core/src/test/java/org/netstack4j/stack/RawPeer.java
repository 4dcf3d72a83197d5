package org.netstack4j.stack;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.time.Clock;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Ipv4Header;

/** A stack (10.0.0.1/24, fd00::1/64) whose peer is the test itself, writing and reading raw packets. */
final class RawPeer implements AutoCloseable {
    final PacketPipe pipe = PacketPipe.open(1024, 2048);
    final Stack stack;
    final Nic nic;
    final PacketEndpoint peer;
    final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Integer> protocols = new LinkedBlockingQueue<>();

    RawPeer(boolean ethernet, Clock clock, Stack.Builder builder) {
        stack = builder.clock(clock).seed(7).build();
        nic = stack.createNic(1, TwoStacks.endpoint(pipe.a(), ethernet, 1500, TwoStacks.MAC_A));
        nic.addAddress("10.0.0.1/24");
        nic.addAddress("fd00::1/64");
        peer = TwoStacks.endpoint(pipe.b(), ethernet, 1500, TwoStacks.MAC_B);
        peer.attach((ep, remote, local, protocol, packet) -> {
            received.add(packet.toByteArray());
            protocols.add(protocol);
            packet.release();
        });
    }

    /** Writes a packet to the stack, waiting (bounded) while the pipe is full so that nothing is lost. */
    void send(byte[] packet) throws InterruptedException {
        PacketBuffer p = PacketBuffer.copyOf(packet, 64);
        p.remoteLinkAddress(TwoStacks.MAC_A.value());
        if (peer.capabilities().resolutionRequired()) {
            p.networkProtocol((packet[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800);
            peer.writePacket(p); // framed by the peer endpoint
            return;
        }
        for (int i = 0; i < 10_000 && pipe.a().queued() > 900; i++) {
            Thread.sleep(1);
        }
        peer.writeRawPacket(p);
    }

    /** The next packet the stack sent that matches, or null within a bound. */
    byte[] await(Predicate<byte[]> match) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            byte[] p = received.poll(100, TimeUnit.MILLISECONDS);
            if (p != null && match.test(p)) {
                return p;
            }
        }
        return null;
    }

    /** Polls the stack's stats until {@code condition} holds (bounded); returns the last snapshot. */
    Stats awaitStats(Predicate<Stats> condition) throws InterruptedException {
        Stats s = stack.stats();
        for (int i = 0; i < 200 && !condition.test(s); i++) {
            Thread.sleep(20);
            s = stack.stats();
        }
        return s;
    }

    static int ip(String dotted) {
        return org.netstack4j.wire.Ipv4Address.parse(dotted).value();
    }

    /** An IPv4 packet with a valid header checksum. */
    static byte[] ipv4(int src, int dst, int protocol, int id, int flags, int fragmentOffset, byte[] payload) {
        byte[] b = new byte[20 + payload.length];
        Ipv4Header.write(b, 0, 0, b.length, id, flags, fragmentOffset, 64, protocol, src, dst);
        System.arraycopy(payload, 0, b, 20, payload.length);
        return b;
    }

    static byte[] echoRequest(int src, int dst, int seq, int dataLength) {
        byte[] icmp = new byte[8 + dataLength];
        for (int i = 0; i < dataLength; i++) {
            icmp[8 + i] = (byte) i;
        }
        Icmpv4Message.writeEcho(icmp, 0, Icmpv4Message.TYPE_ECHO_REQUEST, 0x1234, seq, dataLength);
        return ipv4(src, dst, Ipv4Header.PROTOCOL_ICMP, seq, 0, 0, icmp);
    }

    static boolean isIcmpv4(byte[] p, int type) {
        return p.length >= 28 && (p[0] >> 4) == 4 && p[9] == 1 && (p[20] & 0xff) == type
                && Checksum.compute(p, 20, p.length - 20) == 0;
    }

    @Override
    public void close() throws InterruptedException {
        stack.close();
        peer.close();
        stack.awaitTermination(Duration.ofSeconds(10));
    }
}
