package org.netstack4j.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.link.PacketEndpointTest.MAC_A;
import static org.netstack4j.link.PacketEndpointTest.MAC_B;
import static org.netstack4j.link.PacketEndpointTest.ethernet;
import static org.netstack4j.link.PacketEndpointTest.udp4;

import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.netstack4j.link.LinkPair.Transport;

/**
 * Malformed, truncated and oversized input on every transport: each is a counted drop under the right
 * reason, and the dispatch loop keeps running (a valid packet sent after them arrives, on the same
 * channel, so in order).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileInputTest {

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ipModeDropsEmptyShortUnknownAndOversizedPacketsAndKeepsReading(Transport t) throws Exception {
        try (LinkPair l = LinkPair.open(t, 1)) {
            PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder().channel(l.endpointSide[0]).mtu(1500).build());
            RecordingDispatcher d = new RecordingDispatcher();
            e.attach(d);
            l.sendFromPeer(0, new byte[0]);                  // zero-length
            l.sendFromPeer(0, new byte[] {0x45});            // 1 byte, says IPv4
            l.sendFromPeer(0, new byte[] {0x60, 0, 0});      // 3 bytes, says IPv6
            l.sendFromPeer(0, withNibble(0));
            l.sendFromPeer(0, withNibble(5));
            l.sendFromPeer(0, withNibble(15));
            l.sendFromPeer(0, new byte[1501]);               // one byte over the MTU
            l.sendFromPeer(0, udp4(60_000));                 // far over it
            l.sendFromPeer(0, udp4(7));
            assertThat(d.next().bytes()).isEqualTo(udp4(7));
            LinkStatistics s = e.statistics();
            assertThat(s.drops(LinkDropReason.MALFORMED)).isEqualTo(3);
            assertThat(s.drops(LinkDropReason.UNKNOWN_PROTOCOL)).isEqualTo(3);
            assertThat(s.drops(LinkDropReason.OVERSIZED)).isEqualTo(2);
            assertThat(s.packetsIn()).isEqualTo(1);
            assertThat(e.isClosed()).isFalse();
            e.close();
            e.awaitTermination();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ethernetModeDropsTruncatedLengthFramedTaggedAndOversizedFramesAndKeepsReading(Transport t) throws Exception {
        try (LinkPair l = LinkPair.open(t, 1)) {
            PacketEndpoint e = PacketEndpoint.create(PacketEndpointOptions.builder().channel(l.endpointSide[0])
                    .ethernetHeader(true).address(MAC_A).build());
            RecordingDispatcher d = new RecordingDispatcher();
            e.attach(d);
            byte[] good = ethernet(MAC_A, MAC_B, 0x0800, udp4(3));
            l.sendFromPeer(0, new byte[0]);
            l.sendFromPeer(0, new byte[1]);
            l.sendFromPeer(0, java.util.Arrays.copyOf(good, 13));               // header cut short
            l.sendFromPeer(0, ethernet(MAC_A, MAC_B, 0x05dc, new byte[46]));    // 802.3 length, not a type
            l.sendFromPeer(0, ethernet(MAC_A, MAC_B, 0x0800, new byte[1501]));  // payload over the MTU
            byte[] tagged = ethernet(MAC_A, MAC_B, 0x8100, new byte[] {0, 5, 0x08, 0, 0x45, 0, 0, 20});
            l.sendFromPeer(0, tagged);                                              // 802.1Q: no VLANs here
            l.sendFromPeer(0, java.util.Arrays.copyOf(tagged, 16));                 // cut inside the tag
            l.sendFromPeer(0, java.util.Arrays.copyOf(good, 14));               // header only: delivered, empty
            l.sendFromPeer(0, good);
            assertThat(d.next().bytes()).isEmpty();
            assertThat(d.next().bytes()).isEqualTo(udp4(3));
            LinkStatistics s = e.statistics();
            assertThat(s.drops(LinkDropReason.MALFORMED)).isEqualTo(4);
            assertThat(s.drops(LinkDropReason.UNKNOWN_PROTOCOL)).isEqualTo(2);
            assertThat(s.drops(LinkDropReason.OVERSIZED)).isEqualTo(1);
            e.close();
            e.awaitTermination();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void randomBytesAreAllAccountedForAndNeverStopTheLoop(Transport t) throws Exception {
        for (boolean ethernet : new boolean[] {false, true}) {
            try (LinkPair l = LinkPair.open(t, 1, 4096, 70_000)) {
                PacketEndpointOptions.Builder b = PacketEndpointOptions.builder().channel(l.endpointSide[0]).mtu(1500);
                if (ethernet) {
                    b.ethernetHeader(true).address(MAC_A);
                }
                PacketEndpoint e = PacketEndpoint.create(b.build());
                RecordingDispatcher d = new RecordingDispatcher();
                e.attach(d);
                long seed = new Random().nextLong();
                Random r = new Random(seed);
                int n = 2000;
                for (int i = 0; i < n; i++) {
                    int len = r.nextInt(10) == 0 ? r.nextInt(3000) : r.nextInt(64);
                    byte[] junk = new byte[len];
                    r.nextBytes(junk);
                    l.sendFromPeer(0, junk);
                    if (t == Transport.UDP && i % 64 == 63) {
                        PacketEndpointTest.awaitAccounted(e, i + 1); // UDP has no backpressure: keep the socket buffer from overflowing
                    }
                }
                byte[] marker = ethernet ? ethernet(MAC_A, MAC_B, 0x0800, udp4(1)) : udp4(1);
                byte[] expected = udp4(1);
                l.sendFromPeer(0, marker);
                PacketEndpointTest.awaitAccounted(e, n + 1);
                LinkStatistics s = e.statistics();
                assertThat(s.packetsIn() + s.totalDrops()).as("seed %d", seed).isEqualTo(n + 1);
                RecordingDispatcher.Delivery last = null;
                for (RecordingDispatcher.Delivery x : d.deliveries) {
                    last = x;
                }
                assertThat(last).isNotNull();
                assertThat(last.bytes()).as("seed %d", seed).isEqualTo(expected);
                assertThat(e.isClosed()).isFalse();
                e.close();
                e.awaitTermination();
            }
        }
    }

    private static byte[] withNibble(int version) {
        byte[] p = udp4(20);
        p[0] = (byte) ((version << 4) | 5);
        return p;
    }
}
