package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.link.gso.GsoResult;
import org.netstack4j.link.gso.GsoSegmenter;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.MacAddress;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.TcpHeader;

/**
 * Arbitrary bytes into the link layer's packet paths: inbound framing, outbound writes (with GSO and
 * partial-checksum metadata taken from the input), the GSO segmenter and the flow hash. No input may
 * throw; every packet is delivered, sent or counted as a drop; every segment parses again. Seed
 * corpora live in {@code LinkFuzzTestInputs/<target>/}: a control byte (see each target) followed by
 * a packet.
 */
class LinkFuzzTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final PacketPipe IP_PIPE = PacketPipe.open(4, 128);
    private static final PacketPipe ETH_PIPE = PacketPipe.open(4, 128);
    private static final PacketEndpoint IP = PacketEndpoint.create(
            PacketEndpointOptions.builder().channel(IP_PIPE.a()).mtu(1500).build());
    private static final PacketEndpoint ETH = PacketEndpoint.create(
            PacketEndpointOptions.builder().channel(ETH_PIPE.a()).mtu(1500).ethernetHeader(true).address(MAC).build());
    private static final PacketEndpoint OUT = PacketEndpoint.create(PacketEndpointOptions.builder()
            .channel(new LinkAllocationTest.DiscardChannel()).channel(new LinkAllocationTest.DiscardChannel())
            .softwareGso(true).txChecksumOffload(true).build());
    private static final PacketBufferPool POOL = new PacketBufferPool(70_000, 16, 8);

    static {
        NetworkDispatcher check = (ep, remote, local, proto, p) -> {
            assertThat(p.networkOffset()).isEqualTo(p.start());
            assertThat(p.networkProtocol()).isEqualTo(proto);
            if (ep == IP) {
                int version = (p.array()[p.start()] & 0xff) >>> 4;
                assertThat(proto).isEqualTo(version == 4 ? 0x0800 : 0x86dd);
                assertThat(p.length()).isGreaterThanOrEqualTo(version == 4 ? 20 : 40);
            } else {
                assertThat(p.linkOffset()).isEqualTo(p.start() - 14);
                assertThat(proto).isGreaterThanOrEqualTo(0x0600);
            }
            p.release();
        };
        IP.attach(check);
        ETH.attach(check);
    }

    private final GsoSegmenter segmenter = new GsoSegmenter();
    private final FlowHash flowHash = new FlowHash(99);

    @AfterAll
    static void close() {
        IP.close();
        ETH.close();
        OUT.close();
    }

    /** Control byte: bit 0 picks Ethernet mode. The rest is what the channel read. */
    @FuzzTest(maxDuration = "2m")
    void inbound(byte[] input) {
        if (input.length == 0) {
            return;
        }
        PacketEndpoint e = (input[0] & 1) != 0 ? ETH : IP;
        int length = input.length - 1;
        PacketBuffer buf = new PacketBuffer(PacketEndpoint.RX_HEADROOM + Math.max(length, 1), PacketEndpoint.RX_HEADROOM);
        buf.appendBytes(input, 1, length);
        LinkStatistics before = e.statistics();
        e.receive(0, buf, length);
        LinkStatistics after = e.statistics();
        long accounted = after.packetsIn() + after.totalDrops() - before.packetsIn() - before.totalDrops();
        assertThat(accounted).isEqualTo(1);
    }

    /**
     * Control byte: bits 0-1 the GSO type, bit 2 a partial-checksum mark at the offsets of the next two
     * bytes, bits 3-4 the IP version guess; then two bytes of GSO size; then the packet.
     */
    @FuzzTest(maxDuration = "2m")
    void outbound(byte[] input) {
        if (input.length < 5) {
            return;
        }
        int control = input[0] & 0xff;
        PacketBuffer p = PacketBuffer.copyOf(Arrays.copyOfRange(input, 3, input.length), 16);
        p.gso(control & 3, (input[1] & 0xff) << 8 | (input[2] & 0xff));
        if ((control & 4) != 0 && p.length() > 2) {
            p.checksumPartial(p.start() + (input[3] & 0xff) % p.length(), input[4] & 0x3f);
        }
        LinkStatistics before = OUT.statistics();
        int sent = OUT.writePackets(new PacketBuffer[] {p}, 1);
        LinkStatistics after = OUT.statistics();
        assertThat(sent).isBetween(0, 1);
        if (sent == 0) {
            assertThat(after.totalDrops()).isGreaterThan(before.totalDrops());
        } else {
            assertThat(after.packetsOut()).isGreaterThan(before.packetsOut());
        }
    }

    /** Control byte: bit 0 picks TCP over IPv6; then two bytes of MSS; then the super-packet. */
    @FuzzTest(maxDuration = "2m")
    void superPacket(byte[] input) {
        if (input.length < 3) {
            return;
        }
        boolean v6 = (input[0] & 1) != 0;
        int mss = (input[1] & 0xff) << 8 | (input[2] & 0xff);
        byte[] packet = Arrays.copyOfRange(input, 3, input.length);
        PacketBuffer sp = PacketBuffer.copyOf(packet, 0);
        sp.gso(v6 ? PacketBuffer.GSO_TCPV6 : PacketBuffer.GSO_TCPV4, mss);
        GsoResult r = segmenter.prepare(sp);
        if (r != GsoResult.OK) {
            return;
        }
        int n = segmenter.segmentCount();
        if (n > 4096) {
            return; // a one-byte MSS over a large payload: correct but slow to check
        }
        PacketBuffer[] out = new PacketBuffer[n];
        assertThat(segmenter.segment(sp, POOL, out, 0)).isEqualTo(n);
        Ipv4Header ip4 = new Ipv4Header();
        Ipv6Header ip6 = new Ipv6Header();
        Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
        TcpHeader tcp = new TcpHeader();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (PacketBuffer s : out) {
            byte[] b = s.array();
            int tcpAt;
            int tcpLen;
            boolean ok;
            if (!v6) {
                assertThat(ip4.wrap(b, s.start(), s.length())).isEqualTo(ParseResult.OK);
                assertThat(ip4.isChecksumValid()).isTrue();
                tcpAt = ip4.payloadOffset();
                tcpLen = ip4.payloadLength();
                assertThat(tcp.wrap(b, tcpAt, tcpLen)).isEqualTo(ParseResult.OK);
                ok = tcp.verifyChecksumIpv4(ip4.sourceAddress(), ip4.destinationAddress());
            } else {
                assertThat(ip6.wrap(b, s.start(), s.length())).isEqualTo(ParseResult.OK);
                assertThat(chain.walk(ip6)).isEqualTo(ParseResult.OK);
                tcpAt = chain.upperLayerOffset();
                tcpLen = chain.upperLayerLength();
                assertThat(tcp.wrap(b, tcpAt, tcpLen)).isEqualTo(ParseResult.OK);
                ok = tcp.verifyChecksum(Checksum.pseudoHeaderIpv6(ip6.sourceAddressHigh(), ip6.sourceAddressLow(),
                        ip6.destinationAddressHigh(), ip6.destinationAddressLow(), 6, tcpLen));
            }
            assertThat(ok).isTrue();
            assertThat(tcp.payloadLength()).isLessThanOrEqualTo(mss);
            data.write(b, tcp.payloadOffset(), tcp.payloadLength());
            s.release();
        }
        // The payload comes back whole and in order.
        TcpHeader original = new TcpHeader();
        int origAt;
        int origLen;
        if (!v6) {
            Ipv4Header h = new Ipv4Header();
            h.wrap(packet, 0, packet.length);
            origAt = h.payloadOffset();
            origLen = h.payloadLength();
        } else {
            Ipv6Header h = new Ipv6Header();
            h.wrap(packet, 0, packet.length);
            chain.walk(h);
            origAt = chain.upperLayerOffset();
            origLen = chain.upperLayerLength();
        }
        original.wrap(packet, origAt, origLen);
        assertThat(data.toByteArray()).isEqualTo(Arrays.copyOfRange(packet, original.payloadOffset(),
                original.payloadOffset() + original.payloadLength()));
    }

    /** The whole input is a packet from its network header. */
    @FuzzTest(maxDuration = "1m")
    void flowHash(byte[] input) {
        int h = flowHash.hash(input, 0, input.length);
        assertThat(flowHash.hash(input, 0, input.length)).isEqualTo(h);
    }

    @Test
    void seedCorporaArePresentAndAccepted() throws IOException {
        for (String target : List.of("inbound", "outbound", "superPacket", "flowHash")) {
            List<byte[]> seeds = seeds(target);
            assertThat(seeds).as(target).hasSizeGreaterThanOrEqualTo(3);
        }
        for (byte[] s : seeds("superPacket")) {
            boolean v6 = (s[0] & 1) != 0;
            PacketBuffer sp = PacketBuffer.copyOf(Arrays.copyOfRange(s, 3, s.length), 0);
            sp.gso(v6 ? PacketBuffer.GSO_TCPV6 : PacketBuffer.GSO_TCPV4, (s[1] & 0xff) << 8 | (s[2] & 0xff));
            assertThat(segmenter.prepare(sp)).as("seeds are well-formed super-packets").isEqualTo(GsoResult.OK);
            superPacket(s);
        }
    }

    private List<byte[]> seeds(String target) throws IOException {
        URL dir = getClass().getResource(getClass().getSimpleName() + "Inputs/" + target);
        if (dir == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            List<byte[]> seeds = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    seeds.add(in.readAllBytes());
                }
            }
            return seeds;
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
