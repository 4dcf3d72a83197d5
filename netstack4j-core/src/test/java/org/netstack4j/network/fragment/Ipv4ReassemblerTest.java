package org.netstack4j.network.fragment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.netstack4j.network.fragment.TestPackets.ipv4;
import static org.netstack4j.network.fragment.TestPackets.ipv4Fragment;
import static org.netstack4j.network.fragment.TestPackets.ipv4RawFragment;
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
import org.netstack4j.wire.Ipv4Header;

class Ipv4ReassemblerTest {
    private static final long S = 1_000_000_000L;

    private final ManualClock clock = new ManualClock(100 * S);
    private final PacketBufferPool pool = new PacketBufferPool(65_535 + 64, 64, 8);
    private final List<String> events = new ArrayList<>();
    private final ReassemblyListener listener = new ReassemblyListener() {
        @Override
        public void reassemblyTimedOut(PacketBuffer firstFragment) {
            Ipv4Header h = new Ipv4Header();
            h.wrap(firstFragment.array(), firstFragment.start(), firstFragment.length());
            events.add("timeout id " + h.identification() + " offset " + h.fragmentOffset());
        }

        @Override
        public void fragmentRejected(PacketBuffer fragment, ReassemblyStatus reason) {
            events.add("rejected " + reason);
        }
    };

    private Ipv4Reassembler reassembler(ReassemblyConfig config) {
        return new Ipv4Reassembler(config, pool, listener, new SplittableRandom(1));
    }

    private final Ipv4Reassembler r = reassembler(ReassemblyConfig.ipv4());

    private ReassemblyStatus submit(PacketBuffer p) {
        return r.submit(p, clock.nanoTime());
    }

    /** Cuts {@code datagram}'s payload into pieces of {@code size} bytes (a multiple of 8). */
    private static List<PacketBuffer> cut(byte[] datagram, int size) {
        int payload = datagram.length - (datagram[0] & 0xf) * 4;
        List<PacketBuffer> out = new ArrayList<>();
        for (int off = 0; off < payload; off += size) {
            int len = Math.min(size, payload - off);
            out.add(ipv4Fragment(datagram, off, len, off + len < payload));
        }
        return out;
    }

    private static void assertDatagram(PacketBuffer out, byte[] expected) {
        assertThat(out.toByteArray()).isEqualTo(expected);
        assertThat(out.networkOffset()).isEqualTo(out.start());
        Ipv4Header h = Ipv4Header.parse(out.toByteArray());
        assertThat(h.isChecksumValid()).isTrue();
        assertThat(h.isFragment()).isFalse();
        assertThat(out.transportOffset()).isEqualTo(out.start() + h.headerLength());
    }

    private ReassemblyStatus submitAll(List<PacketBuffer> fragments) {
        ReassemblyStatus last = null;
        for (PacketBuffer f : fragments) {
            last = submit(f);
        }
        return last;
    }

    @Test
    void inOrderFragmentsReassembleToTheOriginal() {
        byte[] d = ipv4(7, random(4000, 1));
        List<PacketBuffer> fragments = cut(d, 1480);
        assertThat(submit(fragments.get(0))).isEqualTo(ReassemblyStatus.HELD);
        assertThat(submit(fragments.get(1))).isEqualTo(ReassemblyStatus.HELD);
        assertThat(r.pendingDatagrams()).isEqualTo(1);
        assertThat(r.heldBytes()).isEqualTo(fragments.get(0).capacity() + fragments.get(1).capacity());
        assertThat(submit(fragments.get(2))).isEqualTo(ReassemblyStatus.COMPLETE);
        assertDatagram(r.takeReassembled(), d);
        assertThat(r.takeReassembled()).isNull();
        assertThat(r.pendingDatagrams()).isZero();
        assertThat(r.heldBytes()).isZero();
        assertThat(r.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(r.counters().datagramsReassembled()).isEqualTo(1);
        assertThat(r.counters().fragmentsReceived()).isEqualTo(3);
        for (PacketBuffer f : fragments) {
            assertThatThrownBy(f::release).as("fragments are released").isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anyArrivalOrderReassembles() {
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            int size = 8 * (1 + random.nextInt(100));
            // At most 250 fragments: under the default limit of 256 per datagram.
            byte[] d = ipv4(round, random(size + 1 + random.nextInt(Math.min(6000, 249 * size)), round));
            List<PacketBuffer> fragments = cut(d, size);
            Collections.shuffle(fragments, new java.util.Random(round));
            assertThat(submitAll(fragments)).as("round %d size %d length %d: %s", round, size, d.length, r.counters())
                    .isEqualTo(ReassemblyStatus.COMPLETE);
            assertDatagram(r.takeReassembled(), d);
            assertThat(r.pendingDatagrams()).isZero();
        }
    }

    @Test
    void interleavedDatagramsAreKeptApartByKey() {
        byte[] a = ipv4(1, random(3000, 1));
        byte[] b = ipv4(2, random(3000, 2)); // same addresses and protocol, other id
        byte[] c = ipv4(TestPackets.SRC + 1, 1, Ipv4Header.PROTOCOL_UDP, new byte[0], random(3000, 3)); // other source
        byte[] e = ipv4(TestPackets.SRC, 1, Ipv4Header.PROTOCOL_TCP, new byte[0], random(3000, 4)); // other protocol
        List<byte[]> datagrams = List.of(a, b, c, e);
        for (int i = 0; i < 3; i++) {
            for (byte[] d : datagrams) {
                List<PacketBuffer> fs = cut(d, 1000);
                ReassemblyStatus status = submit(fs.get(i));
                if (i < 2) {
                    assertThat(status).isEqualTo(ReassemblyStatus.HELD);
                } else {
                    assertThat(status).isEqualTo(ReassemblyStatus.COMPLETE);
                    assertDatagram(r.takeReassembled(), d);
                }
            }
            if (i == 1) {
                assertThat(r.pendingDatagrams()).isEqualTo(4);
            }
        }
        assertThat(r.counters().datagramsReassembled()).isEqualTo(4);
    }

    @Test
    void anExactDuplicateIsHarmless() {
        byte[] d = ipv4(9, random(3000, 9));
        List<PacketBuffer> fragments = cut(d, 1000);
        submit(fragments.get(1));
        assertThat(submit(ipv4Fragment(d, 1000, 1000, true))).isEqualTo(ReassemblyStatus.DUPLICATE);
        submit(fragments.get(2));
        assertThat(submit(ipv4Fragment(d, 2000, 1000, false))).as("duplicate last").isEqualTo(ReassemblyStatus.DUPLICATE);
        assertThat(submit(fragments.get(0))).isEqualTo(ReassemblyStatus.COMPLETE);
        assertDatagram(r.takeReassembled(), d);
        assertThat(r.counters().duplicates()).isEqualTo(2);
    }

    @Test
    void theSameRangeWithOtherBytesIsAnOverlap() {
        byte[] d = ipv4(9, random(3000, 9));
        byte[] forged = d.clone();
        forged[20 + 1500] ^= 1;
        submit(ipv4Fragment(d, 1000, 1000, true));
        assertThat(submit(ipv4Fragment(forged, 1000, 1000, true))).isEqualTo(ReassemblyStatus.OVERLAP);
        assertThat(r.pendingDatagrams()).isZero();
        assertThat(r.heldBytes()).isZero();
    }

    @Test
    void aLastFragmentWithAnotherFlagIsNotADuplicate() {
        byte[] d = ipv4(9, random(2000, 9));
        submit(ipv4Fragment(d, 1000, 1000, false));
        assertThat(submit(ipv4Fragment(d, 1000, 1000, true))).isEqualTo(ReassemblyStatus.OVERLAP);
        assertThat(r.pendingDatagrams()).isZero();
    }

    @Test
    void overlapsAtTheFirstMiddleAndLastFragmentDiscardTheDatagram() {
        byte[] d = ipv4(5, random(3000, 5));
        int[][] cases = {
            // held {offset, length, more}, then overlapping {offset, length, more}
            {0, 1000, 1, 992, 16, 1},      // overlaps the end of the first fragment
            {1000, 1000, 1, 1400, 200, 1}, // inside a middle fragment
            {1000, 1000, 1, 800, 1600, 1}, // covers a middle fragment
            {2000, 1000, 0, 1992, 1008, 0}, // overlaps the start of the last fragment
            {2000, 1000, 0, 0, 2008, 1},   // reaches into the last fragment
        };
        for (int[] c : cases) {
            assertThat(submit(ipv4Fragment(d, c[0], c[1], c[2] == 1))).isEqualTo(ReassemblyStatus.HELD);
            assertThat(submit(ipv4Fragment(d, c[3], c[4], c[5] == 1))).as("case %d+%d", c[3], c[4])
                    .isEqualTo(ReassemblyStatus.OVERLAP);
            assertThat(r.pendingDatagrams()).isZero();
        }
        assertThat(r.counters().overlaps()).isEqualTo(cases.length);
        // After the discard the datagram can start over and complete.
        assertThat(submitAll(cut(d, 1000))).isEqualTo(ReassemblyStatus.COMPLETE);
        assertDatagram(r.takeReassembled(), d);
    }

    @Test
    void overlapsBetweenNeighboursOnBothSidesAreCaught() {
        byte[] d = ipv4(5, random(3000, 5));
        submit(ipv4Fragment(d, 0, 1000, true));
        submit(ipv4Fragment(d, 2000, 1000, false));
        // Fits between them except for eight bytes on the right.
        assertThat(submit(ipv4Fragment(d, 1000, 1008, true))).isEqualTo(ReassemblyStatus.OVERLAP);
        submit(ipv4Fragment(d, 0, 1000, true));
        submit(ipv4Fragment(d, 2000, 1000, false));
        assertThat(submit(ipv4Fragment(d, 1000, 1000, true))).isEqualTo(ReassemblyStatus.COMPLETE);
        assertDatagram(r.takeReassembled(), d);
    }

    @Test
    void contradictingEndsAreInconsistent() {
        byte[] d = ipv4(6, random(3000, 6));
        submit(ipv4Fragment(d, 2000, 1000, false));
        assertThat(submit(ipv4Fragment(d, 1000, 800, false))).as("second, shorter end").isEqualTo(ReassemblyStatus.INCONSISTENT);
        submit(ipv4Fragment(d, 2000, 1000, false));
        assertThat(submit(ipv4RawFragment(6, 3000, 8, true))).as("data past the end").isEqualTo(ReassemblyStatus.INCONSISTENT);
        submit(ipv4Fragment(d, 1000, 1000, true));
        assertThat(submit(ipv4Fragment(d, 8, 800, false))).as("end before held data").isEqualTo(ReassemblyStatus.INCONSISTENT);
        assertThat(r.pendingDatagrams()).isZero();
        assertThat(r.counters().inconsistent()).isEqualTo(3);
    }

    @Test
    void exactly65535BytesReassembleAndOneMoreIsTooBig() {
        // 20-byte header + 65515 bytes of data = 65535.
        byte[] d = ipv4(11, random(65_515, 11));
        assertThat(d.length).isEqualTo(65_535);
        ReassemblyStatus last = submitAll(cut(d, 8 * 1000));
        assertThat(last).isEqualTo(ReassemblyStatus.COMPLETE);
        PacketBuffer out = r.takeReassembled();
        assertDatagram(out, d);
        assertThat(Bytes.u16(out.array(), out.start() + 2)).isEqualTo(65_535);

        // A last fragment ending one byte later: offset 65512 with 4 bytes ends at 65516.
        assertThat(submit(ipv4RawFragment(12, 65_512, 4, false))).isEqualTo(ReassemblyStatus.TOO_BIG);
        assertThat(events).containsExactly("rejected TOO_BIG");
        assertThat(submit(ipv4RawFragment(12, 65_512, 3, false))).isEqualTo(ReassemblyStatus.HELD);
        assertThat(r.counters().tooBig()).isEqualTo(1);
    }

    @Test
    void aFirstFragmentWithALongerHeaderCannotPushTheDatagramPast65535() {
        // Later fragments carry a 20-byte header; the first one has 40 bytes of options.
        byte[] options = new byte[40];
        java.util.Arrays.fill(options, 0, 39, (byte) 1); // NOPs, then end of list
        int fits = 65_535 - 60;
        byte[] d = ipv4(TestPackets.SRC, 13, Ipv4Header.PROTOCOL_UDP, options, random(fits, 13));
        assertThat(d.length).isEqualTo(65_535);
        byte[] plainHeader = ipv4(13, new byte[0]);
        List<PacketBuffer> fragments = new ArrayList<>();
        fragments.add(ipv4Fragment(d, 0, 8000, true));
        for (int off = 8000; off < fits; off += 8000) {
            fragments.add(ipv4Fragment(d, plainHeader, off, Math.min(8000, fits - off), off + 8000 < fits));
        }
        assertThat(submitAll(fragments)).isEqualTo(ReassemblyStatus.COMPLETE);
        assertDatagram(r.takeReassembled(), d);
        // Same, but one more byte of data: every fragment passes on its own header, the total does not.
        int tooMany = fits + 1;
        byte[] big = ipv4(TestPackets.SRC, 14, Ipv4Header.PROTOCOL_UDP, options, random(tooMany, 14));
        byte[] bigPlainHeader = ipv4(14, new byte[0]);
        List<PacketBuffer> bigFragments = new ArrayList<>();
        bigFragments.add(ipv4Fragment(big, 0, 8000, true));
        for (int off = 8000; off < tooMany; off += 8000) {
            bigFragments.add(ipv4Fragment(big, bigPlainHeader, off, Math.min(8000, tooMany - off), off + 8000 < tooMany));
        }
        assertThat(submitAll(bigFragments)).as("%s", r.counters()).isEqualTo(ReassemblyStatus.TOO_BIG);
        assertThat(r.takeReassembled()).isNull();
        assertThat(r.heldBytes()).isZero();
    }

    @Test
    void badLengthsAndEmptyFragmentsAreDropped() {
        assertThat(submit(ipv4RawFragment(20, 0, 13, true))).isEqualTo(ReassemblyStatus.BAD_LENGTH);
        assertThat(submit(ipv4RawFragment(20, 8, 0, true))).isEqualTo(ReassemblyStatus.EMPTY);
        assertThat(events).containsExactly("rejected BAD_LENGTH");
        // A zero-length last fragment just marks the end.
        byte[] d = ipv4(21, random(16, 21));
        submit(ipv4Fragment(d, 0, 16, true));
        assertThat(submit(ipv4Fragment(d, 16, 0, false))).isEqualTo(ReassemblyStatus.COMPLETE);
        assertDatagram(r.takeReassembled(), d);
    }

    @Test
    void nonFragmentsPassThroughAndGarbageIsMalformed() {
        byte[] whole = ipv4(30, random(100, 30));
        PacketBuffer p = PacketBuffer.copyOf(whole, 16);
        assertThat(submit(p)).isEqualTo(ReassemblyStatus.NOT_FRAGMENTED);
        assertThat(r.takeReassembled()).isSameAs(p);
        PacketBuffer junk = PacketBuffer.copyOf(new byte[] {0x45, 0, 0, 99}, 16);
        assertThat(submit(junk)).isEqualTo(ReassemblyStatus.MALFORMED);
        assertThatThrownBy(junk::release).isInstanceOf(IllegalStateException.class);
        // The network offset, when set, says where the header is (here after a 14-byte link header).
        byte[] d = ipv4(31, random(2000, 31));
        for (PacketBuffer f : cut(d, 1000)) {
            byte[] framed = new byte[14 + f.length()];
            System.arraycopy(f.toByteArray(), 0, framed, 14, f.length());
            PacketBuffer withLink = PacketBuffer.copyOf(framed, 16);
            withLink.networkOffset(withLink.start() + 14);
            submit(withLink);
        }
        assertDatagram(r.takeReassembled(), d);
        assertThat(r.counters().malformed()).isEqualTo(1);
        assertThat(r.counters().notFragmented()).isEqualTo(1);
    }

    @Test
    void theReassembledHeaderIsTheFirstFragmentsWithOptions() {
        // Record route (not copied) then a copied option (security-like type 130, length 4) and padding.
        byte[] options = {7, 7, 4, 0, 0, 0, 0, (byte) 130, 4, 0, 0, 0};
        byte[] d = ipv4(TestPackets.SRC, 40, Ipv4Header.PROTOCOL_UDP, options, random(3000, 40));
        Bytes.put16(d, 6, Ipv4Header.FLAG_DONT_FRAGMENT);
        Bytes.put16(d, 10, Ipv4Header.checksum(d, 0, 32));
        byte[] laterHeader = ipv4(TestPackets.SRC, 40, Ipv4Header.PROTOCOL_UDP,
                new byte[] {(byte) 130, 4, 0, 0}, new byte[0]);
        submit(ipv4Fragment(d, laterHeader, 2000, 1000, false));
        submit(ipv4Fragment(d, 0, 1000, true));
        assertThat(submit(ipv4Fragment(d, laterHeader, 1000, 1000, true))).isEqualTo(ReassemblyStatus.COMPLETE);
        PacketBuffer out = r.takeReassembled();
        assertDatagram(out, d);
        assertThat(Ipv4Header.parse(out.toByteArray()).dontFragment()).isTrue();
    }

    @Test
    void ecnCodepointsMergeAsRfc3168Asks() {
        // CE on one fragment, ECT(0) on the others: the datagram is CE.
        byte[] d = ipv4(50, random(2000, 50));
        PacketBuffer first = ipv4Fragment(d, 0, 1000, true);
        PacketBuffer second = ipv4Fragment(d, 1000, 1000, false);
        setEcn(first, 2);
        setEcn(second, 3);
        submit(first);
        assertThat(submit(second)).isEqualTo(ReassemblyStatus.COMPLETE);
        assertThat(Ipv4Header.parse(r.takeReassembled().toByteArray()).ecn()).isEqualTo(3);
        // Not-ECT mixed with ECT: dropped.
        first = ipv4Fragment(d, 0, 1000, true);
        second = ipv4Fragment(d, 1000, 1000, false);
        setEcn(second, 1);
        submit(first);
        assertThat(submit(second)).isEqualTo(ReassemblyStatus.INCONSISTENT);
        assertThat(r.heldBytes()).isZero();
        assertThat(Ipv4Reassembler.mergedEcn(1 << 2)).isEqualTo(2);
        assertThat(Ipv4Reassembler.mergedEcn(1 << 1 | 1 << 2)).isIn(1, 2);
    }

    private static void setEcn(PacketBuffer p, int ecn) {
        byte[] b = p.array();
        int h = p.start();
        b[h + 1] = (byte) ((b[h + 1] & 0xfc) | ecn);
        Bytes.put16(b, h + 10, Ipv4Header.checksum(b, h, 20));
    }

    @Test
    void timeoutAfterThirtySecondsReportsOnlyTrainsWithTheirFirstFragment() {
        byte[] withFirst = ipv4(60, random(3000, 60));
        byte[] withoutFirst = ipv4(61, random(3000, 61));
        submit(ipv4Fragment(withFirst, 0, 1000, true));
        clock.advanceNanos(S);
        submit(ipv4Fragment(withoutFirst, 1000, 1000, true));
        assertThat(r.nextDeadline()).isEqualTo(clock.nanoTime() - S + 30 * S);
        clock.advanceNanos(29 * S - 1);
        assertThat(r.expire(clock.nanoTime())).isZero();
        clock.advanceNanos(1);
        assertThat(r.expire(clock.nanoTime())).isEqualTo(1);
        assertThat(events).containsExactly("timeout id 60 offset 0");
        assertThat(r.nextDeadline()).isEqualTo(clock.nanoTime() + S);
        clock.advanceNanos(S);
        // submit expires too: the late fragment starts a new datagram.
        assertThat(submit(ipv4Fragment(withoutFirst, 0, 1000, true))).isEqualTo(ReassemblyStatus.HELD);
        assertThat(events).hasSize(1);
        assertThat(r.counters().timeouts()).isEqualTo(2);
        assertThat(r.pendingDatagrams()).isEqualTo(1);
        ReassemblyConfig fast = ReassemblyConfig.ipv4().withTimeout(5 * S);
        Ipv4Reassembler quick = reassembler(fast);
        quick.submit(ipv4Fragment(withFirst, 0, 1000, true), clock.nanoTime());
        assertThat(quick.nextDeadline()).isEqualTo(clock.nanoTime() + 5 * S);
    }

    /**
     * Thousands of incomplete datagrams from many sources never hold more than the cap, and a complete
     * datagram still gets through afterwards.
     */
    @Test
    void thousandsOfIncompleteTrainsStayUnderTheMemoryCap() {
        long cap = 256 * 1024;
        Ipv4Reassembler capped = reassembler(ReassemblyConfig.ipv4().withCaps(cap, 64 * 1024));
        long maxHeld = 0;
        for (int i = 0; i < 5_000; i++) {
            int source = 0x0a00_0000 + (i % 500);
            byte[] d = ipv4(source, i & 0xffff, Ipv4Header.PROTOCOL_UDP, new byte[0], random(1480 * 2, i));
            capped.submit(ipv4Fragment(d, 0, 1480, true), clock.nanoTime());
            maxHeld = Math.max(maxHeld, capped.heldBytes());
            assertThat(capped.heldBytes()).isLessThanOrEqualTo(cap);
        }
        assertThat(maxHeld).isGreaterThan(cap / 2);
        assertThat(capped.counters().evictedForMemoryCap()).isPositive();
        byte[] d = ipv4(70, random(4000, 70));
        ReassemblyStatus last = null;
        for (PacketBuffer f : cut(d, 1480)) {
            last = capped.submit(f, clock.nanoTime());
        }
        assertThat(last).isEqualTo(ReassemblyStatus.COMPLETE);
        assertDatagram(capped.takeReassembled(), d);
    }

    @Test
    void oneFloodingSourceIsHeldToItsCapAndCannotEvictOthers() {
        Ipv4Reassembler capped = reassembler(ReassemblyConfig.ipv4().withCaps(1 << 20, 64 * 1024));
        byte[] victim = ipv4(TestPackets.SRC, 1, Ipv4Header.PROTOCOL_UDP, new byte[0], random(3000, 1));
        List<PacketBuffer> victimFragments = cut(victim, 1480);
        capped.submit(victimFragments.get(0), clock.nanoTime());
        int flooder = 0x0b00_0001;
        for (int i = 0; i < 2_000; i++) {
            byte[] d = ipv4(flooder, i, Ipv4Header.PROTOCOL_UDP, new byte[0], random(2960, i));
            capped.submit(ipv4Fragment(d, 0, 1480, true), clock.nanoTime());
            assertThat(capped.heldBytes()).isLessThanOrEqualTo(64 * 1024 + victimFragments.get(0).capacity());
        }
        assertThat(capped.counters().evictedForSourceCap()).isGreaterThan(1_900);
        capped.submit(victimFragments.get(1), clock.nanoTime());
        assertThat(capped.submit(victimFragments.get(2), clock.nanoTime())).isEqualTo(ReassemblyStatus.COMPLETE);
        assertDatagram(capped.takeReassembled(), victim);
    }

    @Test
    void aFragmentLargerThanTheCapsIsRefused() {
        Ipv4Reassembler tiny = reassembler(ReassemblyConfig.ipv4().withCaps(1000, 1000));
        byte[] d = ipv4(80, random(3000, 80));
        assertThat(tiny.submit(ipv4Fragment(d, 0, 1480, true), clock.nanoTime())).isEqualTo(ReassemblyStatus.SOURCE_CAP);
        Ipv4Reassembler tinyGlobal = reassembler(ReassemblyConfig.ipv4().withCaps(1000, 100_000));
        assertThat(tinyGlobal.submit(ipv4Fragment(d, 0, 1480, true), clock.nanoTime())).isEqualTo(ReassemblyStatus.MEMORY_CAP);
        assertThat(tiny.pendingDatagrams()).isZero();
        assertThat(tinyGlobal.heldBytes()).isZero();
    }

    @Test
    void theDatagramLimitEvictsTheOldest() {
        Ipv4Reassembler limited = reassembler(ReassemblyConfig.ipv4().withMaxDatagrams(3));
        for (int id = 0; id < 5; id++) {
            limited.submit(ipv4Fragment(ipv4(id, random(2000, id)), 0, 1000, true), clock.nanoTime());
        }
        assertThat(limited.pendingDatagrams()).isEqualTo(3);
        assertThat(limited.counters().evictedForDatagramLimit()).isEqualTo(2);
        // The newest ones survive: id 4 completes.
        byte[] d = ipv4(4, random(2000, 4));
        assertThat(limited.submit(ipv4Fragment(d, 1000, 1000, false), clock.nanoTime())).isEqualTo(ReassemblyStatus.COMPLETE);
        assertDatagram(limited.takeReassembled(), d);
    }

    @Test
    void tooManyFragmentsDiscardTheDatagram() {
        Ipv4Reassembler limited = reassembler(ReassemblyConfig.ipv4().withMaxFragmentsPerDatagram(4));
        byte[] d = ipv4(90, random(80, 90));
        ReassemblyStatus last = null;
        for (PacketBuffer f : cut(d, 16)) {
            last = limited.submit(f, clock.nanoTime());
        }
        assertThat(last).isEqualTo(ReassemblyStatus.TOO_MANY_FRAGMENTS);
        assertThat(limited.pendingDatagrams()).isZero();
        assertThat(limited.counters().fragmentsDropped()).isEqualTo(5);
    }

    @Test
    void clearReleasesEverything() {
        List<PacketBuffer> held = new ArrayList<>();
        for (int id = 0; id < 10; id++) {
            PacketBuffer f = ipv4Fragment(ipv4(id, random(2000, id)), 0, 1000, true);
            held.add(f);
            submit(f);
        }
        r.clear();
        assertThat(r.pendingDatagrams()).isZero();
        assertThat(r.heldBytes()).isZero();
        for (PacketBuffer f : held) {
            assertThatThrownBy(f::release).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void rejectsAnOutputPoolTooSmallForTheLargestDatagram() {
        assertThatThrownBy(() -> new Ipv4Reassembler(ReassemblyConfig.ipv4(), new PacketBufferPool(2048, 64, 4),
                listener, new SplittableRandom(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
