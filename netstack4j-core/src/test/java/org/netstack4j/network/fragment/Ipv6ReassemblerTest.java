package org.netstack4j.network.fragment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.network.fragment.TestPackets.ipv6;
import static org.netstack4j.network.fragment.TestPackets.ipv6Fragment;
import static org.netstack4j.network.fragment.TestPackets.random;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.time.ManualClock;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Ipv6FragmentHeader;
import org.netstack4j.wire.Ipv6Header;

class Ipv6ReassemblerTest {
    private static final long S = 1_000_000_000L;
    private static final int UDP = Ipv6Header.NEXT_HEADER_UDP;
    private static final int HOP_BY_HOP = Ipv6Header.NEXT_HEADER_HOP_BY_HOP;
    private static final int DESTINATION = Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS;

    private final ManualClock clock = new ManualClock(7 * S);
    private final PacketBufferPool pool = new PacketBufferPool(40 + 65_535 + 64, 64, 8);
    private final List<String> events = new ArrayList<>();
    private final Ipv6Reassembler r = new Ipv6Reassembler(ReassemblyConfig.ipv6(), pool, new ReassemblyListener() {
        @Override
        public void reassemblyTimedOut(PacketBuffer firstFragment) {
            events.add("timeout " + firstFragment.length());
        }

        @Override
        public void fragmentRejected(PacketBuffer fragment, ReassemblyStatus reason) {
            events.add("rejected " + reason);
        }
    }, new SplittableRandom(2));

    private ReassemblyStatus submit(PacketBuffer p) {
        return r.submit(p, clock.nanoTime());
    }

    /** Fragments {@code packet} (unfragmentable part of {@code unfragmentable} bytes) into pieces of {@code size}. */
    private static List<PacketBuffer> cut(byte[] packet, int unfragmentable, int namingField, int size, int id) {
        int fragmentable = packet.length - unfragmentable;
        List<PacketBuffer> out = new ArrayList<>();
        for (int off = 0; off < fragmentable; off += size) {
            int len = Math.min(size, fragmentable - off);
            out.add(ipv6Fragment(packet, unfragmentable, namingField, off, len, off + len < fragmentable, id));
        }
        return out;
    }

    private static void assertPacket(PacketBuffer out, byte[] expected, int transportOffset) {
        assertThat(out.toByteArray()).isEqualTo(expected);
        assertThat(out.networkOffset()).isEqualTo(out.start());
        assertThat(out.transportOffset()).isEqualTo(transportOffset < 0 ? PacketBuffer.UNSET : out.start() + transportOffset);
    }

    @Test
    void withoutExtensionHeadersTheFragmentHeaderIsRemovedAndTheFixedHeaderFixed() {
        byte[] p = ipv6(new int[0], new int[0], UDP, random(5000, 1));
        List<PacketBuffer> fragments = cut(p, 40, 6, 1232, 0xdeadbeef);
        Collections.reverse(fragments);
        ReassemblyStatus last = null;
        for (PacketBuffer f : fragments) {
            last = submit(f);
        }
        assertThat(last).isEqualTo(ReassemblyStatus.COMPLETE);
        assertPacket(r.takeReassembled(), p, 40);
        assertThat(r.heldBytes()).isZero();
    }

    @Test
    void perFragmentExtensionHeadersComeFromTheFirstFragment() {
        // Hop-by-hop (8) and destination options (16) before the fragment header; destination options
        // (8) inside the fragmentable part.
        byte[] p = ipv6(new int[] {HOP_BY_HOP, DESTINATION, DESTINATION}, new int[] {8, 16, 8}, UDP, random(3000, 2));
        int unfragmentable = 40 + 8 + 16;
        int namingField = 40 + 8; // the first destination options header names what follows it
        List<PacketBuffer> fragments = cut(p, unfragmentable, namingField, 1000, 7);
        Collections.shuffle(fragments, new java.util.Random(4));
        ReassemblyStatus last = null;
        for (PacketBuffer f : fragments) {
            last = submit(f);
        }
        assertThat(last).isEqualTo(ReassemblyStatus.COMPLETE);
        // The fragmentable part starts with an extension header: no transport offset.
        assertPacket(r.takeReassembled(), p, -1);
    }

    @Test
    void theFirstExtensionHeaderCanNameTheFragmentHeader() {
        byte[] p = ipv6(new int[] {HOP_BY_HOP}, new int[] {8}, UDP, random(2000, 3));
        List<PacketBuffer> fragments = cut(p, 48, 40, 1000, 9);
        for (PacketBuffer f : fragments) {
            submit(f);
        }
        assertPacket(r.takeReassembled(), p, 48);
    }

    @Test
    void anAtomicFragmentIsNotReassembled() {
        byte[] p = ipv6(new int[0], new int[0], UDP, random(100, 4));
        PacketBuffer atomic = ipv6Fragment(p, 40, 6, 0, 100, false, 1);
        assertThat(submit(atomic)).isEqualTo(ReassemblyStatus.NOT_FRAGMENTED);
        assertThat(r.takeReassembled()).isSameAs(atomic);
        PacketBuffer plain = PacketBuffer.copyOf(p, 16);
        assertThat(submit(plain)).isEqualTo(ReassemblyStatus.NOT_FRAGMENTED);
        assertThat(r.pendingDatagrams()).isZero();
    }

    @Test
    void theKeyIsSourceDestinationAndIdentification() {
        byte[] p = ipv6(new int[0], new int[0], UDP, random(2000, 5));
        List<PacketBuffer> a = cut(p, 40, 6, 1000, 1);
        List<PacketBuffer> b = cut(p, 40, 6, 1000, 2);
        assertThat(submit(a.get(0))).isEqualTo(ReassemblyStatus.HELD);
        assertThat(submit(b.get(1))).isEqualTo(ReassemblyStatus.HELD);
        assertThat(r.pendingDatagrams()).isEqualTo(2);
        assertThat(submit(a.get(1))).isEqualTo(ReassemblyStatus.COMPLETE);
        assertPacket(r.takeReassembled(), p, 40);
    }

    @Test
    void overlappingFragmentsDiscardThePacket() {
        byte[] p = ipv6(new int[0], new int[0], UDP, random(3000, 6));
        submit(ipv6Fragment(p, 40, 6, 0, 1504, true, 3));
        assertThat(submit(ipv6Fragment(p, 40, 6, 1496, 1504, false, 3))).isEqualTo(ReassemblyStatus.OVERLAP);
        assertThat(r.pendingDatagrams()).isZero();
        submit(ipv6Fragment(p, 40, 6, 0, 1504, true, 3));
        assertThat(submit(ipv6Fragment(p, 40, 6, 0, 1504, true, 3))).isEqualTo(ReassemblyStatus.DUPLICATE);
        assertThat(submit(ipv6Fragment(p, 40, 6, 1504, 1496, false, 3))).isEqualTo(ReassemblyStatus.COMPLETE);
        assertPacket(r.takeReassembled(), p, 40);
    }

    @Test
    void aPayloadOfExactly65535BytesReassemblesAndOneMoreIsRejected() {
        byte[] p = ipv6(new int[0], new int[0], UDP, random(65_535, 7));
        List<PacketBuffer> fragments = cut(p, 40, 6, 8 * 1000, 11);
        ReassemblyStatus last = null;
        for (PacketBuffer f : fragments) {
            last = submit(f);
        }
        assertThat(last).isEqualTo(ReassemblyStatus.COMPLETE);
        PacketBuffer out = r.takeReassembled();
        assertPacket(out, p, 40);
        assertThat(Bytes.u16(out.array(), out.start() + 4)).isEqualTo(65_535);

        // With an 8-byte hop-by-hop header in the unfragmentable part, the fragmentable part may end at
        // 65527; a fragment ending at 65528 is rejected.
        byte[] q = ipv6(new int[] {HOP_BY_HOP}, new int[] {8}, UDP, random(65_528, 8));
        PacketBuffer tooFar = ipv6Fragment(q, 48, 40, 65_520, 8, false, 12);
        assertThat(submit(tooFar)).isEqualTo(ReassemblyStatus.TOO_BIG);
        assertThat(events).containsExactly("rejected TOO_BIG");
        assertThat(submit(ipv6Fragment(q, 48, 40, 65_520, 7, false, 12))).isEqualTo(ReassemblyStatus.HELD);
    }

    @Test
    void aNonLastFragmentMustBeAMultipleOfEight() {
        byte[] p = ipv6(new int[0], new int[0], UDP, random(3000, 9));
        assertThat(submit(ipv6Fragment(p, 40, 6, 0, 1001, true, 5))).isEqualTo(ReassemblyStatus.BAD_LENGTH);
        assertThat(events).containsExactly("rejected BAD_LENGTH");
    }

    @Test
    void packetsTimeOutAfterSixtySecondsAndReportTheFirstFragment() {
        byte[] p = ipv6(new int[0], new int[0], UDP, random(3000, 10));
        submit(ipv6Fragment(p, 40, 6, 0, 1000, true, 6));
        submit(ipv6Fragment(p, 40, 6, 1000, 1000, true, 7));
        clock.advanceNanos(60 * S - 1);
        assertThat(r.expire(clock.nanoTime())).isZero();
        clock.advanceNanos(1);
        assertThat(r.expire(clock.nanoTime())).isEqualTo(2);
        assertThat(events).containsExactly("timeout " + (40 + Ipv6FragmentHeader.LENGTH + 1000));
    }

    @Test
    void malformedPacketsAreCountedAndReleased() {
        PacketBuffer junk = PacketBuffer.copyOf(new byte[] {0x60, 0, 0, 0, 0, 100}, 16);
        assertThat(submit(junk)).isEqualTo(ReassemblyStatus.MALFORMED);
        // A fragment header cut off by the end of the payload.
        byte[] p = ipv6(new int[0], new int[0], Ipv6Header.NEXT_HEADER_FRAGMENT, new byte[4]);
        assertThat(submit(PacketBuffer.copyOf(p, 16))).isEqualTo(ReassemblyStatus.MALFORMED);
        assertThat(r.counters().malformed()).isEqualTo(2);
        assertThat(r.counters().fragmentsDropped()).isEqualTo(2);
    }

    @Test
    void randomSizesAndOrdersReassemble() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 100; round++) {
            int size = 8 * (1 + random.nextInt(200));
            byte[] p = ipv6(new int[] {DESTINATION}, new int[] {8}, UDP,
                    random(size + 1 + random.nextInt(Math.min(9000, 249 * size)), round));
            List<PacketBuffer> fragments = cut(p, 48, 40, size, round);
            Collections.shuffle(fragments, new java.util.Random(round));
            ReassemblyStatus last = null;
            for (PacketBuffer f : fragments) {
                last = submit(f);
            }
            assertThat(last).isEqualTo(ReassemblyStatus.COMPLETE);
            assertPacket(r.takeReassembled(), p, 48);
        }
        assertThat(r.heldBytes()).isZero();
    }
}
