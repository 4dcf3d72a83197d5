package org.netstack4j.link.gso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.link.TestPackets;

/**
 * {@link GsoSegmenter#segment(PacketBuffer, int, PacketBuffer)}, one segment into a buffer the caller
 * holds (how a TUN read cuts a super-packet into the reader's buffers), yields exactly what the
 * pool-filling variant yields.
 */
class GsoSegmenterIntoBufferTest {
    private static final PacketBufferPool POOL = new PacketBufferPool(16 + 2048, 16, 64);

    @ParameterizedTest
    @EnumSource(GsoSegmenterTest.Shape.class)
    void oneSegmentAtATimeMatchesThePoolVariant(GsoSegmenterTest.Shape shape) {
        boolean v4 = shape == GsoSegmenterTest.Shape.V4 || shape == GsoSegmenterTest.Shape.V4_OPTIONS;
        int flags = TestPackets.TCP_ACK | TestPackets.TCP_PSH | TestPackets.TCP_FIN | TestPackets.TCP_CWR;
        PacketBuffer sp = GsoSegmenterTest.asSuperPacket(GsoSegmenterTest.superPacket(shape, 5000, flags), v4, 1400);
        GsoSegmenter g = new GsoSegmenter();
        assertThat(g.prepare(sp)).isEqualTo(GsoResult.OK);
        int count = g.segmentCount();
        PacketBuffer[] fromPool = new PacketBuffer[count];
        assertThat(g.segment(sp, POOL, fromPool, 0)).isEqualTo(count);
        for (int i = 0; i < count; i++) {
            PacketBuffer mine = new PacketBuffer(2048, 40);
            mine.gso(PacketBuffer.GSO_TCPV4, 99); // stale metadata is cleared
            int length = g.segment(sp, i, mine);
            assertThat(length).isEqualTo(fromPool[i].length()).isEqualTo(mine.length());
            assertThat(mine.start()).isEqualTo(40);
            assertThat(mine.toByteArray()).isEqualTo(fromPool[i].toByteArray());
            assertThat(mine.gsoType()).isEqualTo(PacketBuffer.GSO_NONE);
            assertThat(mine.networkOffset() - mine.start()).isEqualTo(fromPool[i].networkOffset() - fromPool[i].start());
            assertThat(mine.transportOffset() - mine.start())
                    .isEqualTo(fromPool[i].transportOffset() - fromPool[i].start());
            fromPool[i].release();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GsoSegmenterTest.Shape.class, names = "V4")
    void aBufferTooSmallIsLeftAloneAndTheIndexIsChecked(GsoSegmenterTest.Shape shape) {
        PacketBuffer sp = GsoSegmenterTest.asSuperPacket(GsoSegmenterTest.superPacket(shape, 3000, TestPackets.TCP_ACK),
                true, 1400);
        GsoSegmenter g = new GsoSegmenter();
        assertThat(g.prepare(sp)).isEqualTo(GsoResult.OK);
        PacketBuffer small = new PacketBuffer(600, 10);
        assertThat(g.segment(sp, 0, small)).isEqualTo(-1);
        assertThat(small.length()).isZero();
        assertThat(g.segment(sp, 2, new PacketBuffer(2048, 0))).as("the last, short segment").isPositive();
        assertThatThrownBy(() -> g.segment(sp, 3, new PacketBuffer(2048, 0)))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
