package org.netstack4j.network.fragment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.network.fragment.TestPackets.random;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4OptionCursor;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;

class FragmenterTest {
    private final PacketBufferPool fragmentPool = new PacketBufferPool(9216, 64, 64);
    private final PacketBufferPool outputPool = new PacketBufferPool(65_535 + 40 + 64, 64, 4);
    private final Ipv4Fragmenter v4 = new Ipv4Fragmenter(fragmentPool);
    private int nextId = 0x1000;
    private final Ipv6Fragmenter v6 = new Ipv6Fragmenter(fragmentPool, (sh, sl, dh, dl) -> nextId++);
    // A 68-byte MTU cuts a 64 KiB datagram into 1365 fragments, each in its own buffer.
    private final Ipv4Reassembler reassembler4 = new Ipv4Reassembler(
            ReassemblyConfig.ipv4().withMaxFragmentsPerDatagram(8192).withCaps(64 << 20, 64 << 20), outputPool,
            new ReassemblyListener() { }, new SplittableRandom(1));
    private final Ipv6Reassembler reassembler6 = new Ipv6Reassembler(ReassemblyConfig.ipv6(), outputPool,
            new ReassemblyListener() { }, new SplittableRandom(2));

    private static PacketBuffer packet(byte[] bytes) {
        return PacketBuffer.copyOf(bytes, 64);
    }

    private static final byte[] COPIED_AND_NOT = {
        7, 7, 4, 0, 0, 0, 0,          // record route: not copied
        1,                              // no operation
        (byte) 131, 7, 4, 1, 2, 3, 4,   // loose source route: copied
        (byte) 148, 4, 0, 0,            // router alert: copied
        0,                              // end of list
    };

    @Test
    void ipv4RoundTripsThroughTheReassemblerAtManySizesAndMtus() {
        SplittableRandom random = new SplittableRandom(5);
        int[] mtus = {68, 69, 76, 296, 576, 577, 1006, 1280, 1492, 1500, 4352, 9000};
        int rounds = 0;
        for (int mtu : mtus) {
            for (int i = 0; i < 12; i++) {
                byte[] options = i % 3 == 0 ? COPIED_AND_NOT : new byte[0];
                int maxData = 65_535 - 20 - options.length;
                int size = i == 0 ? maxData : 1 + random.nextInt(i < 6 ? 3 * mtu : Math.min(maxData, 40 * mtu));
                byte[] d = TestPackets.ipv4(TestPackets.SRC, rounds++, Ipv4Header.PROTOCOL_UDP, options, random(size, i));
                List<PacketBuffer> fragments = new ArrayList<>();
                FragmentationResult result = v4.fragment(packet(d), mtu, fragments::add);
                if (d.length <= mtu) {
                    assertThat(result).isEqualTo(FragmentationResult.NOT_NEEDED);
                    continue;
                }
                assertThat(result).as("mtu %d size %d", mtu, d.length).isEqualTo(FragmentationResult.FRAGMENTED);
                checkIpv4Fragments(fragments, mtu, options.length > 0);
                Collections.shuffle(fragments, new java.util.Random(i));
                ReassemblyStatus last = null;
                for (PacketBuffer f : fragments) {
                    last = reassembler4.submit(f, 0);
                }
                assertThat(last).isEqualTo(ReassemblyStatus.COMPLETE);
                assertThat(reassembler4.takeReassembled().toByteArray()).isEqualTo(d);
            }
        }
        assertThat(reassembler4.heldBytes()).isZero();
    }

    private static void checkIpv4Fragments(List<PacketBuffer> fragments, int mtu, boolean withOptions) {
        int expectedOffset = 0;
        Ipv4OptionCursor cursor = new Ipv4OptionCursor();
        for (int i = 0; i < fragments.size(); i++) {
            PacketBuffer f = fragments.get(i);
            assertThat(f.networkOffset()).isEqualTo(f.start());
            assertThat(f.length()).isLessThanOrEqualTo(mtu);
            Ipv4Header h = Ipv4Header.parse(f.toByteArray());
            assertThat(h.totalLength()).isEqualTo(f.length());
            assertThat(h.isChecksumValid()).isTrue();
            assertThat(h.fragmentOffset()).isEqualTo(expectedOffset);
            boolean last = i == fragments.size() - 1;
            assertThat(h.moreFragments()).isEqualTo(!last);
            if (!last) {
                assertThat(h.payloadLength() % 8).isZero();
            }
            expectedOffset += h.payloadLength();
            if (withOptions) {
                List<Integer> types = new ArrayList<>();
                cursor.reset(h);
                for (int t = cursor.next(); t >= 0; t = cursor.next()) {
                    types.add(t);
                }
                // The first fragment keeps everything; later ones only the copied options.
                assertThat(types).isEqualTo(i == 0 ? List.of(7, 131, 148) : List.of(131, 148));
            }
        }
    }

    @Test
    void ipv4DontFragmentAsksForFragmentationNeededAndLeavesThePacketAlone() {
        byte[] d = TestPackets.ipv4(1, random(3000, 1));
        Bytes.put16(d, 6, Ipv4Header.FLAG_DONT_FRAGMENT);
        Bytes.put16(d, 10, Ipv4Header.checksum(d, 0, 20));
        PacketBuffer p = packet(d);
        List<PacketBuffer> out = new ArrayList<>();
        assertThat(v4.fragment(p, 1500, out::add)).isEqualTo(FragmentationResult.NEEDS_FRAGMENTATION);
        assertThat(out).isEmpty();
        assertThat(p.toByteArray()).isEqualTo(d);
        p.release(); // still the caller's
        assertThat(v4.fragment(packet(d), 3020, out::add)).isEqualTo(FragmentationResult.NOT_NEEDED);
    }

    @Test
    void ipv4RejectsMtusThatCannotCarryAFragment() {
        byte[] d = TestPackets.ipv4(1, random(3000, 1));
        List<PacketBuffer> out = new ArrayList<>();
        assertThat(v4.fragment(packet(d), 67, out::add)).isEqualTo(FragmentationResult.MTU_TOO_SMALL);
        assertThat(v4.fragment(packet(d), 27, out::add)).isEqualTo(FragmentationResult.MTU_TOO_SMALL);
        assertThat(v4.fragment(packet(new byte[] {0x45, 0}), 1500, out::add)).isEqualTo(FragmentationResult.MALFORMED);
        PacketBuffer gso = packet(d);
        gso.gso(PacketBuffer.GSO_UDP_L4, 1000);
        assertThat(v4.fragment(gso, 1500, out::add)).isEqualTo(FragmentationResult.GSO_NOT_SUPPORTED);
        assertThat(out).isEmpty();
    }

    @Test
    void ipv4RefragmentingAFragmentKeepsItsOffsetAndLastFlag() {
        byte[] d = TestPackets.ipv4(77, random(6000, 77));
        // A 3000-byte middle fragment at offset 1480, re-cut for a 1006-byte link.
        PacketBuffer middle = TestPackets.ipv4Fragment(d, 1480, 3000, true);
        List<PacketBuffer> pieces = new ArrayList<>();
        assertThat(v4.fragment(middle, 1006, pieces::add)).isEqualTo(FragmentationResult.FRAGMENTED);
        Ipv4Header last = Ipv4Header.parse(pieces.get(pieces.size() - 1).toByteArray());
        assertThat(last.moreFragments()).isTrue();
        assertThat(Ipv4Header.parse(pieces.get(0).toByteArray()).fragmentOffset()).isEqualTo(1480);
        List<PacketBuffer> all = new ArrayList<>(pieces);
        all.add(TestPackets.ipv4Fragment(d, 0, 1480, true));
        all.add(TestPackets.ipv4Fragment(d, 4480, 1520, false));
        ReassemblyStatus status = null;
        for (PacketBuffer f : all) {
            status = reassembler4.submit(f, 0);
        }
        assertThat(status).isEqualTo(ReassemblyStatus.COMPLETE);
        assertThat(reassembler4.takeReassembled().toByteArray()).isEqualTo(d);
    }

    @Test
    void aPartialTransportChecksumIsCompletedBeforeFragmenting() {
        // UDP over IPv4 with the checksum field holding the pseudo-header sum (NEEDS_CSUM).
        byte[] payload = random(3000, 9);
        byte[] udp = new byte[8 + payload.length];
        Bytes.put16(udp, 0, 1234);
        Bytes.put16(udp, 2, 53);
        Bytes.put16(udp, 4, udp.length);
        System.arraycopy(payload, 0, udp, 8, payload.length);
        byte[] d = TestPackets.ipv4(5, udp);
        int pseudo = Checksum.pseudoHeaderIpv4(TestPackets.SRC, TestPackets.DST, 17, udp.length);
        Bytes.put16(d, 20 + 6, pseudo);
        PacketBuffer p = packet(d);
        p.checksumPartial(p.start() + 20, 6);
        List<PacketBuffer> fragments = new ArrayList<>();
        assertThat(v4.fragment(p, 1500, fragments::add)).isEqualTo(FragmentationResult.FRAGMENTED);
        assertThat(fragments.get(0).checksumPartial()).isFalse();
        ReassemblyStatus status = null;
        for (PacketBuffer f : fragments) {
            status = reassembler4.submit(f, 0);
        }
        assertThat(status).isEqualTo(ReassemblyStatus.COMPLETE);
        byte[] whole = reassembler4.takeReassembled().toByteArray();
        int verify = Checksum.partial(whole, 20, udp.length, pseudo);
        assertThat(verify).isEqualTo(0xffff);
    }

    @Test
    void ipv6RoundTripsThroughTheReassemblerAtManySizesAndMtus() {
        SplittableRandom random = new SplittableRandom(6);
        int[] mtus = {1280, 1281, 1287, 1400, 1500, 4000, 9000};
        int hbh = Ipv6Header.NEXT_HEADER_HOP_BY_HOP;
        int dst = Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS;
        int[][][] chains = {
            {{}, {}},
            {{hbh}, {8}},
            {{hbh, dst}, {8, 24}},          // destination options after: fragmentable
        };
        for (int mtu : mtus) {
            for (int i = 0; i < 15; i++) {
                int[][] c = chains[i % chains.length];
                int extensionBytes = java.util.Arrays.stream(c[1]).sum();
                int size = i == 0 ? 65_535 - extensionBytes : 1 + random.nextInt(Math.min(65_535 - extensionBytes, 30 * mtu));
                byte[] p = TestPackets.ipv6(c[0], c[1], Ipv6Header.NEXT_HEADER_UDP, random(size, i));
                List<PacketBuffer> fragments = new ArrayList<>();
                int id = nextId;
                FragmentationResult result = v6.fragment(packet(p), mtu, fragments::add);
                if (p.length <= mtu) {
                    assertThat(result).isEqualTo(FragmentationResult.NOT_NEEDED);
                    continue;
                }
                assertThat(result).isEqualTo(FragmentationResult.FRAGMENTED);
                int unfragmentable = c[0].length > 0 ? 48 : 40;
                checkIpv6Fragments(fragments, mtu, unfragmentable, id);
                Collections.shuffle(fragments, new java.util.Random(i));
                ReassemblyStatus last = null;
                for (PacketBuffer f : fragments) {
                    last = reassembler6.submit(f, 0);
                }
                assertThat(last).isEqualTo(ReassemblyStatus.COMPLETE);
                assertThat(reassembler6.takeReassembled().toByteArray()).isEqualTo(p);
            }
        }
    }

    private static void checkIpv6Fragments(List<PacketBuffer> fragments, int mtu, int unfragmentable, int id) {
        int expectedOffset = 0;
        Ipv6Header header = new Ipv6Header();
        Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
        for (int i = 0; i < fragments.size(); i++) {
            PacketBuffer f = fragments.get(i);
            assertThat(f.length()).isLessThanOrEqualTo(mtu);
            byte[] b = f.toByteArray();
            assertThat(header.wrap(b, 0, b.length).isOk()).isTrue();
            assertThat(header.payloadLength()).isEqualTo(b.length - 40);
            assertThat(chain.walk(header).isOk()).isTrue();
            assertThat(chain.isFragment()).isTrue();
            assertThat(chain.fragmentHeaderOffset()).isEqualTo(unfragmentable);
            assertThat(chain.fragmentIdentification()).isEqualTo(id);
            assertThat(chain.fragmentOffset()).isEqualTo(expectedOffset);
            boolean last = i == fragments.size() - 1;
            assertThat(chain.moreFragments()).isEqualTo(!last);
            int data = b.length - unfragmentable - 8;
            if (!last) {
                assertThat(data % 8).isZero();
            }
            expectedOffset += data;
        }
    }

    @Test
    void ipv6EnforcesTheMinimumMtuAndRefusesFragments() {
        byte[] p = TestPackets.ipv6(new int[0], new int[0], 17, random(3000, 1));
        List<PacketBuffer> out = new ArrayList<>();
        assertThat(v6.fragment(packet(p), 1279, out::add)).isEqualTo(FragmentationResult.MTU_TOO_SMALL);
        PacketBuffer alreadyFragment = TestPackets.ipv6Fragment(p, 40, 6, 0, 2000, true, 1);
        assertThat(v6.fragment(alreadyFragment, 1280, out::add)).isEqualTo(FragmentationResult.MALFORMED);
        assertThat(v6.fragment(packet(p), 3040, out::add)).isEqualTo(FragmentationResult.NOT_NEEDED);
        assertThat(out).isEmpty();
        PacketBuffer original = packet(p);
        assertThat(v6.fragment(original, 1280, out::add)).isEqualTo(FragmentationResult.FRAGMENTED);
        assertThatThrownBy(original::release).as("consumed").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void ipv6FirstFragmentMustHoldTheHeaderChain() {
        // 1200 bytes of destination options in the fragmentable part cannot fit a 1280-byte first fragment
        // after the per-fragment part and fragment header (1280 - 40 - 8 = 1232, rounded to 1232).
        int dst = Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS;
        byte[] fits = TestPackets.ipv6(new int[] {dst}, new int[] {1232}, 17, random(3000, 2));
        byte[] tooLong = TestPackets.ipv6(new int[] {dst}, new int[] {1240}, 17, random(3000, 2));
        List<PacketBuffer> out = new ArrayList<>();
        assertThat(v6.fragment(packet(fits), 1280, out::add)).isEqualTo(FragmentationResult.FRAGMENTED);
        assertThat(v6.fragment(packet(tooLong), 1280, out::add)).isEqualTo(FragmentationResult.MTU_TOO_SMALL);
    }
}
