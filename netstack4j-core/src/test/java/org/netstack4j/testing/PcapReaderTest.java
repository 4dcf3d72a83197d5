package org.netstack4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PcapReaderTest {
    private static final byte[] ETHERNET_FRAME = hex("ffffffffffff024e53344a0a0806"
            + "0001080006040001024e53344a0ac6120001000000000000c6120002");
    private static final byte[] IPV4_PACKET = hex("4500001c12344000400100000a0000010a000002"
            + "0800f7ff00000000");

    /** Builds a pcap file by hand, field by field, in the given byte order. */
    private static final class PcapBuilder {
        private final ByteOrder order;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        PcapBuilder(ByteOrder order, int magic, int versionMajor, int snapLength, int linkType) {
            this.order = order;
            ByteBuffer header = ByteBuffer.allocate(24).order(order);
            header.putInt(magic).putShort((short) versionMajor).putShort((short) 4)
                    .putInt(0).putInt(0).putInt(snapLength).putInt(linkType);
            out.writeBytes(header.array());
        }

        PcapBuilder record(long seconds, long fraction, int capturedLength, int originalLength, byte[] data) {
            ByteBuffer header = ByteBuffer.allocate(16).order(order);
            header.putInt((int) seconds).putInt((int) fraction).putInt(capturedLength).putInt(originalLength);
            out.writeBytes(header.array());
            out.writeBytes(data);
            return this;
        }

        PcapBuilder frame(long seconds, long fraction, byte[] data) {
            return record(seconds, fraction, data.length, data.length, data);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Test
    void readsLittleEndianMicrosecondEthernet() throws IOException {
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 65535, 1)
                .frame(1_700_000_000L, 123_456, ETHERNET_FRAME)
                .frame(1_700_000_001L, 999_999, IPV4_PACKET)
                .bytes();

        PcapReader.Capture capture = PcapReader.read(file);

        assertThat(capture.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(capture.nanosecondTimestamps()).isFalse();
        assertThat(capture.versionMajor()).isEqualTo(2);
        assertThat(capture.versionMinor()).isEqualTo(4);
        assertThat(capture.snapLength()).isEqualTo(65535);
        assertThat(capture.linkType()).isEqualTo(PcapReader.LINKTYPE_ETHERNET);
        assertThat(capture.frames()).hasSize(2);
        PcapReader.Frame first = capture.frames().get(0);
        assertThat(first.number()).isEqualTo(1);
        assertThat(first.linkType()).isEqualTo(1);
        assertThat(first.timestampSeconds()).isEqualTo(1_700_000_000L);
        assertThat(first.timestampNanos()).isEqualTo(123_456_000);
        assertThat(first.timestamp()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_000));
        assertThat(first.data()).isEqualTo(ETHERNET_FRAME);
        assertThat(first.capturedLength()).isEqualTo(ETHERNET_FRAME.length);
        assertThat(first.originalLength()).isEqualTo(ETHERNET_FRAME.length);
        assertThat(first.truncated()).isFalse();
        PcapReader.Frame second = capture.frames().get(1);
        assertThat(second.number()).isEqualTo(2);
        assertThat(second.timestampNanos()).isEqualTo(999_999_000);
        assertThat(second.data()).isEqualTo(IPV4_PACKET);
    }

    @Test
    void readsBigEndianNanosecondRaw() throws IOException {
        byte[] file = new PcapBuilder(ByteOrder.BIG_ENDIAN, 0xa1b23c4d, 2, 262144, 101)
                .frame(0x8000_0001L, 999_999_999, IPV4_PACKET)
                .bytes();

        PcapReader.Capture capture = PcapReader.read(file);

        assertThat(capture.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(capture.nanosecondTimestamps()).isTrue();
        assertThat(capture.linkType()).isEqualTo(PcapReader.LINKTYPE_RAW);
        PcapReader.Frame frame = capture.frames().get(0);
        assertThat(frame.linkType()).isEqualTo(PcapReader.LINKTYPE_RAW);
        // Seconds are unsigned 32-bit: past 2038 they must not turn negative.
        assertThat(frame.timestampSeconds()).isEqualTo(0x8000_0001L);
        assertThat(frame.timestampNanos()).isEqualTo(999_999_999);
        assertThat(frame.data()).isEqualTo(IPV4_PACKET);
    }

    @Test
    void readsLittleEndianNanosecondAndBigEndianMicrosecond() throws IOException {
        byte[] le = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b23c4d, 2, 0, 101).frame(5, 7, IPV4_PACKET).bytes();
        byte[] be = new PcapBuilder(ByteOrder.BIG_ENDIAN, 0xa1b2c3d4, 2, 0, 1).frame(5, 7, ETHERNET_FRAME).bytes();

        assertThat(PcapReader.read(le).frames().get(0).timestampNanos()).isEqualTo(7);
        assertThat(PcapReader.read(le).byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(PcapReader.read(be).frames().get(0).timestampNanos()).isEqualTo(7_000);
        assertThat(PcapReader.read(be).byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(PcapReader.read(be).frames().get(0).data()).isEqualTo(ETHERNET_FRAME);
    }

    @Test
    void keepsTheOriginalLengthOfSnappedFrames() throws IOException {
        byte[] head = Arrays.copyOf(ETHERNET_FRAME, 14);
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 14, 1)
                .record(1, 0, 14, ETHERNET_FRAME.length, head)
                .bytes();

        PcapReader.Frame frame = PcapReader.read(file).frames().get(0);

        assertThat(frame.capturedLength()).isEqualTo(14);
        assertThat(frame.originalLength()).isEqualTo(ETHERNET_FRAME.length);
        assertThat(frame.truncated()).isTrue();
        assertThat(frame.data()).isEqualTo(head);
    }

    @Test
    void headerOnlyFileHasNoFrames() throws IOException {
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 65535, 1).bytes();

        assertThat(PcapReader.read(file).frames()).isEmpty();
    }

    @Test
    void rejectsShortFileHeader() {
        byte[] file = Arrays.copyOf(new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 65535, 1).bytes(), 23);

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class).hasMessageContaining("24-byte");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x0a0d0d0a, 0xd4c3b2a0, 0})
    void rejectsUnknownMagic(int magic) {
        byte[] file = new PcapBuilder(ByteOrder.BIG_ENDIAN, magic, 2, 65535, 1).bytes();

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class).hasMessageContaining("bad magic");
    }

    @Test
    void rejectsOtherVersions() {
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 1, 65535, 1).bytes();

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class).hasMessageContaining("version 1.4");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 113, 228, 276})
    void rejectsUnsupportedLinkTypes(int linkType) {
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 65535, linkType).bytes();

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("unsupported link type " + linkType);
    }

    @Test
    void rejectsLinkTypeWordWithFcsBits() {
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 65535, 0x1000_0001).bytes();

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class).hasMessageContaining("FCS");
    }

    @Test
    void rejectsTruncatedRecordHeader() {
        byte[] whole = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 65535, 1)
                .frame(1, 0, ETHERNET_FRAME).frame(2, 0, ETHERNET_FRAME).bytes();
        byte[] file = Arrays.copyOf(whole, 24 + 16 + ETHERNET_FRAME.length + 15);

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("frame 2").hasMessageContaining("record header truncated");
    }

    @Test
    void rejectsTruncatedFrameData() {
        byte[] whole = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 65535, 1)
                .frame(1, 0, ETHERNET_FRAME).bytes();
        byte[] file = Arrays.copyOf(whole, whole.length - 1);

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("frame 1").hasMessageContaining("only " + (ETHERNET_FRAME.length - 1) + " remain");
    }

    @Test
    void rejectsCapturedLengthAboveOriginalLength() {
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 65535, 1)
                .record(1, 0, ETHERNET_FRAME.length, ETHERNET_FRAME.length - 1, ETHERNET_FRAME).bytes();

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("exceeds original length");
    }

    @Test
    void rejectsCapturedLengthAboveSnapLength() {
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 20, 1)
                .frame(1, 0, ETHERNET_FRAME).bytes();

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("snap length 20");
    }

    @Test
    void rejectsAHugeCapturedLengthWithoutAllocatingIt() {
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 2, 0, 1)
                .record(1, 0, 0x7fff_fff0, 0x7fff_fff0, new byte[0]).bytes();

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("only 0 remain");
    }

    @ParameterizedTest
    @ValueSource(ints = {0xa1b2c3d4, 0xa1b23c4d})
    void rejectsSubSecondTimestampOutOfRange(int magic) {
        long limit = magic == 0xa1b23c4d ? 1_000_000_000L : 1_000_000L;
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, magic, 2, 65535, 1)
                .frame(1, limit, ETHERNET_FRAME).bytes();

        assertThatThrownBy(() -> PcapReader.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("sub-second timestamp " + limit);
    }

    @Test
    void readsACommittedKernelCapture() {
        PcapReader.Capture capture = Captures.read("tcp-ipv4.pcap");

        // tcpdump wrote it with --time-stamp-precision=nano on a little-endian machine.
        assertThat(capture.nanosecondTimestamps()).isTrue();
        assertThat(capture.linkType()).isEqualTo(PcapReader.LINKTYPE_ETHERNET);
        assertThat(capture.frames()).hasSize(16);
        PcapReader.Frame syn = capture.frames().get(0);
        // Ethernet + IPv4 + TCP with 20 bytes of options: 14 + 20 + 40.
        assertThat(syn.capturedLength()).isEqualTo(74);
        assertThat(syn.originalLength()).isEqualTo(74);
        assertThat(syn.data()[12]).isEqualTo((byte) 0x08);
        assertThat(syn.data()[13]).isEqualTo((byte) 0x00);
        for (int i = 1; i < capture.frames().size(); i++) {
            assertThat(capture.frames().get(i).timestamp()).isAfterOrEqualTo(capture.frames().get(i - 1).timestamp());
        }
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s, 2 * i, 2 * i + 2, 16);
        }
        return b;
    }
}
