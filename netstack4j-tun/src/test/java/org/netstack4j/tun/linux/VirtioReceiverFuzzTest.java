package org.netstack4j.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;

/**
 * Arbitrary virtio-net headers and packets into the receive path, as a hostile or broken peer of an
 * adopted fd could produce them: every input is either handed over (within the buffer's bounds, with
 * offload metadata that lies inside the packet) or dropped and counted; nothing throws. The seed
 * corpus ({@code VirtioReceiverFuzzTestInputs/receive/}) holds super-packets the kernel really sent.
 *
 * <p>Input: one byte of mode bits (0: packet in the caller's buffer, 1: hand over whole, 2: TAP
 * framing, 3-4: buffer size), then the 10-byte header, then the packet.
 */
class VirtioReceiverFuzzTest {
    private static final int[] BUFFER_SIZES = {128, 1600, 2048, 70_000};

    @Test
    void seedsAreKernelSuperPacketsThatSplitCleanly() throws IOException {
        for (String seed : new String[] {"tcp4-super", "tcp4-super-whole"}) {
            byte[] input;
            try (InputStream in = getClass().getResourceAsStream("VirtioReceiverFuzzTestInputs/receive/" + seed)) {
                assertThat(in).as(seed).isNotNull();
                input = in.readAllBytes();
            }
            ChannelStats stats = run(input);
            assertThat(stats.readDropsMalformed()).as(seed).isZero();
            assertThat(stats.superPacketsRead()).as(seed).isEqualTo(1);
            assertThat(stats.packetsRead()).as(seed).isGreaterThan(0);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void receive(byte[] input) {
        run(input);
    }

    private static ChannelStats run(byte[] input) {
        ChannelStats stats = new ChannelStats();
        if (input.length < 1 + VirtioNetHeader.LENGTH || input.length > 70_000) {
            stats.increment(ChannelStats.READ_DROPS_MALFORMED); // a read shorter than the header is dropped too
            return stats;
        }
        int mode = input[0] & 0xff;
        boolean direct = (mode & 1) != 0;
        boolean whole = (mode & 2) != 0;
        int linkHeader = (mode & 4) != 0 ? 14 : 0;
        int capacity = BUFFER_SIZES[(mode >>> 3) & 3];
        int headroom = 16;
        VirtioReceiver receiver = new VirtioReceiver(stats, linkHeader, whole, TunChannel.MAX_SUPER_PACKET + 16);
        PacketBuffer buffer = new PacketBuffer(Math.max(capacity, input.length + headroom), headroom);
        int packetLength = input.length - 1 - VirtioNetHeader.LENGTH;
        byte[] src;
        int header;
        int dataAt;
        int stored;
        if (direct) {
            // As a read into the buffer puts it: the header in the headroom, the packet at start().
            src = buffer.array();
            header = headroom - VirtioNetHeader.LENGTH;
            System.arraycopy(input, 1, src, header, input.length - 1);
            dataAt = headroom;
            stored = packetLength;
        } else {
            src = receiver.staging();
            header = 0;
            System.arraycopy(input, 1, src, 0, input.length - 1);
            dataAt = VirtioNetHeader.LENGTH;
            stored = packetLength;
            buffer = new PacketBuffer(capacity, Math.min(headroom, capacity));
        }
        int r = receiver.deliver(buffer, src, header, dataAt, stored, packetLength, direct);
        if (r != VirtioReceiver.NO_PACKET) {
            checkDelivered(buffer, r);
        }
        int segments = 0;
        while (receiver.hasPendingSegments()) {
            PacketBuffer segment = new PacketBuffer(64 + ((mode >>> 5) & 7) * 1024, 8);
            int length = receiver.nextSegment(segment);
            assertThat(length).isNotNegative();
            assertThat(segment.end()).isLessThanOrEqualTo(segment.capacity());
            segments++;
            assertThat(segments).isLessThanOrEqualTo(packetLength);
        }
        assertThat(stats.readDropsMalformed() + stats.packetsRead() + stats.readsTruncated())
                .as("every packet is accounted for").isPositive();
        return stats;
    }

    private static void checkDelivered(PacketBuffer b, int reported) {
        assertThat(b.start()).isNotNegative();
        assertThat(b.end()).isBetween(b.start(), b.capacity());
        assertThat(reported).isGreaterThanOrEqualTo(b.length());
        if (b.checksumPartial()) {
            assertThat(b.checksumStart()).isGreaterThanOrEqualTo(b.start());
            assertThat(b.checksumStart() + b.checksumOffset() + 2).isLessThanOrEqualTo(b.end());
        }
        if (b.gsoType() != PacketBuffer.GSO_NONE) {
            assertThat(b.gsoSize()).isPositive();
            assertThat(b.checksumPartial()).isTrue();
        }
        Arrays.hashCode(b.toByteArray());
    }
}
