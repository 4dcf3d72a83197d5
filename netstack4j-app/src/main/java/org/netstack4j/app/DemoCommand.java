package org.netstack4j.app;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.LinkEndpoint;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.link.SnifferEndpoint;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.ParseResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A self-contained example that needs no privileges: two link endpoints joined by an in-memory
 * packet pipe. Host A sends ICMP echo requests built with the wire writers; host B parses each with
 * the wire views and answers with an echo reply carrying the same payload; A checks the replies.
 * Optionally both directions are captured to a pcap that Wireshark/tshark opens.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Two link endpoints over an in-memory pipe exchange ICMP echo (no privileges needed).")
final class DemoCommand implements Callable<Integer> {
    private static final Ipv4Address A = Ipv4Address.parse("198.18.0.1");
    private static final Ipv4Address B = Ipv4Address.parse("198.18.0.2");

    @Option(names = "--count", defaultValue = "4", description = "Echo requests to send (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--size", defaultValue = "56", description = "Payload bytes per request (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--pcap", description = "Write host A's packets, both directions, to this pcap file.")
    Path pcap;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 10_000 || size < 0 || size > 1400) {
            System.err.println("demo: --count must be 1..10000 and --size 0..1400");
            return 2;
        }
        PacketPipe pipe = PacketPipe.open(64, 2048);
        PacketEndpoint a = PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.a()).build());
        PacketEndpoint b = PacketEndpoint.create(PacketEndpointOptions.builder().channel(pipe.b()).build());
        OutputStream capture = pcap == null ? null : Files.newOutputStream(pcap);
        LinkEndpoint hostA = capture == null ? a : new SnifferEndpoint(a, capture);
        BlockingQueue<byte[]> replies = new ArrayBlockingQueue<>(count);
        try {
            b.attach((ep, remote, local, protocol, packet) -> answerEcho(ep, packet));
            hostA.attach((ep, remote, local, protocol, packet) -> {
                replies.offer(packet.toByteArray());
                packet.release();
            });
            System.out.printf("PING %s from %s over an in-memory pipe: %d data bytes%n", B, A, size);
            int received = 0;
            for (int seq = 1; seq <= count; seq++) {
                long sent = System.nanoTime();
                hostA.writePacket(echoRequest(seq));
                byte[] reply = replies.poll(2, TimeUnit.SECONDS);
                if (reply == null) {
                    System.out.printf("seq=%d: no reply%n", seq);
                    continue;
                }
                Ipv4Header ip = new Ipv4Header();
                Icmpv4Message icmp = new Icmpv4Message();
                if (ip.wrap(reply, 0, reply.length) == ParseResult.OK
                        && icmp.wrap(reply, ip.payloadOffset(), ip.payloadLength()) == ParseResult.OK
                        && icmp.type() == Icmpv4Message.TYPE_ECHO_REPLY && icmp.checksumValid()) {
                    received++;
                    System.out.printf("%d bytes from %s: icmp_seq=%d ttl=%d time=%.3f ms%n", icmp.payloadLength(),
                            ip.source(), icmp.sequenceNumber(), ip.ttl(), (System.nanoTime() - sent) / 1e6);
                }
            }
            System.out.printf("%d packets transmitted, %d received; link A: %s%n", count, received, hostA.statistics());
            if (pcap != null) {
                System.out.println("capture written to " + pcap + " (open it with tshark -r " + pcap + ")");
            }
            return received == count ? 0 : 1;
        } finally {
            hostA.close();
            b.close();
            hostA.awaitTermination();
            b.awaitTermination();
            if (capture != null) {
                capture.close();
            }
        }
    }

    private PacketBuffer echoRequest(int seq) {
        PacketBuffer p = new PacketBuffer(Ipv4Header.MIN_LENGTH + Icmpv4Message.HEADER_LENGTH + size + 64, 64);
        int icmpLength = Icmpv4Message.HEADER_LENGTH + size;
        int at = p.append(Ipv4Header.MIN_LENGTH + icmpLength);
        byte[] data = p.array();
        byte[] text = "netstack4j demo ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            data[at + Ipv4Header.MIN_LENGTH + Icmpv4Message.HEADER_LENGTH + i] = text[i % text.length];
        }
        Icmpv4Message.writeEcho(data, at + Ipv4Header.MIN_LENGTH, Icmpv4Message.TYPE_ECHO_REQUEST, 0x4e34, seq, size);
        Ipv4Header.write(data, at, 0, Ipv4Header.MIN_LENGTH + icmpLength, seq, Ipv4Header.FLAG_DONT_FRAGMENT, 0, 64,
                Ipv4Header.PROTOCOL_ICMP, A.value(), B.value());
        return p;
    }

    /** Host B: turns a valid echo request into its reply in place and sends it back. */
    private static void answerEcho(LinkEndpoint endpoint, PacketBuffer packet) {
        try {
            byte[] d = packet.array();
            Ipv4Header ip = new Ipv4Header();
            Icmpv4Message icmp = new Icmpv4Message();
            if (ip.wrap(d, packet.start(), packet.length()) != ParseResult.OK || !ip.isChecksumValid()
                    || icmp.wrap(d, ip.payloadOffset(), ip.payloadLength()) != ParseResult.OK
                    || icmp.type() != Icmpv4Message.TYPE_ECHO_REQUEST || !icmp.checksumValid()) {
                return;
            }
            int id = icmp.identifier();
            int seq = icmp.sequenceNumber();
            int dataLength = icmp.payloadLength();
            Icmpv4Message.writeEcho(d, ip.payloadOffset(), Icmpv4Message.TYPE_ECHO_REPLY, id, seq, dataLength);
            Ipv4Header.write(d, packet.start(), 0, ip.totalLength(), seq, Ipv4Header.FLAG_DONT_FRAGMENT, 0, 64,
                    Ipv4Header.PROTOCOL_ICMP, B.value(), A.value());
            endpoint.writePacket(packet);
        } finally {
            packet.release();
        }
    }
}
