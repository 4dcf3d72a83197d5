package org.netstack4j.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads classic libpcap capture files (the format {@code tcpdump -w} writes; not pcapng): either byte
 * order, microsecond ({@code 0xa1b2c3d4}) or nanosecond ({@code 0xa1b23c4d}) timestamps, link types
 * {@link #LINKTYPE_ETHERNET} and {@link #LINKTYPE_RAW}.
 *
 * <p>A test utility: a file that is not a well-formed pcap of a supported link type is an
 * {@link IOException} naming the defect and its byte offset, never a silently shortened frame list.
 */
public final class PcapReader {
    /** LINKTYPE_ETHERNET: frames start with an Ethernet II header. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** LINKTYPE_RAW: frames are bare IPv4 or IPv6 packets, told apart by the version nibble. */
    public static final int LINKTYPE_RAW = 101;

    static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    static final int FILE_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;

    private PcapReader() {
    }

    /**
     * One captured frame.
     *
     * @param number 1-based position in the file (what tshark calls {@code frame.number})
     * @param linkType the file's link type, which says how {@code data} starts
     * @param timestampSeconds seconds since the epoch
     * @param timestampNanos fraction of the second in nanoseconds (microsecond files are scaled)
     * @param originalLength length of the frame on the wire; larger than {@code data.length} when the
     *                       snap length cut it
     * @param data the captured bytes (the record's incl_len of them)
     */
    public record Frame(int number, int linkType, long timestampSeconds, int timestampNanos, int originalLength,
                        byte[] data) {

        /** The number of bytes captured (the record's incl_len). */
        public int capturedLength() {
            return data.length;
        }

        /** True when the capture holds fewer bytes than the frame had on the wire. */
        public boolean truncated() {
            return data.length < originalLength;
        }

        /** The capture timestamp. */
        public Instant timestamp() {
            return Instant.ofEpochSecond(timestampSeconds, timestampNanos);
        }
    }

    /**
     * A whole capture file: its global header fields and its frames in file order.
     *
     * @param byteOrder the byte order the file was written in (told by its magic number)
     * @param nanosecondTimestamps true for the nanosecond magic, false for the microsecond one
     * @param versionMajor format major version (2)
     * @param versionMinor format minor version (4)
     * @param snapLength the largest number of bytes captured per frame
     * @param linkType {@link #LINKTYPE_ETHERNET} or {@link #LINKTYPE_RAW}
     * @param frames the frames, in file order
     */
    public record Capture(
            ByteOrder byteOrder,
            boolean nanosecondTimestamps,
            int versionMajor,
            int versionMinor,
            long snapLength,
            int linkType,
            List<Frame> frames) {
    }

    /** Reads the capture file at {@code path}. */
    public static Capture read(Path path) throws IOException {
        try {
            return read(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    /** Parses a whole capture file held in memory. */
    public static Capture read(byte[] file) throws IOException {
        if (file.length < FILE_HEADER_LENGTH) {
            throw new IOException("file of " + file.length + " bytes is shorter than the 24-byte pcap header");
        }
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int magic = in.getInt(0);
        ByteOrder order;
        boolean nanos;
        if (magic == MAGIC_MICROSECONDS || magic == MAGIC_NANOSECONDS) {
            order = ByteOrder.LITTLE_ENDIAN;
            nanos = magic == MAGIC_NANOSECONDS;
        } else if (Integer.reverseBytes(magic) == MAGIC_MICROSECONDS
                || Integer.reverseBytes(magic) == MAGIC_NANOSECONDS) {
            order = ByteOrder.BIG_ENDIAN;
            nanos = Integer.reverseBytes(magic) == MAGIC_NANOSECONDS;
        } else {
            throw new IOException(String.format(
                    "bad magic 0x%08x (not a classic pcap file; pcapng is not supported)", Integer.reverseBytes(magic)));
        }
        in.order(order);
        int versionMajor = Short.toUnsignedInt(in.getShort(4));
        int versionMinor = Short.toUnsignedInt(in.getShort(6));
        if (versionMajor != 2) {
            throw new IOException("unsupported pcap version " + versionMajor + "." + versionMinor);
        }
        long snapLength = Integer.toUnsignedLong(in.getInt(16));
        // The link-type word also carries FCS information in its upper bits (draft-ietf-opsawg-pcap).
        int linkTypeWord = in.getInt(20);
        int linkType = linkTypeWord & 0xffff;
        if (linkType != LINKTYPE_ETHERNET && linkType != LINKTYPE_RAW) {
            throw new IOException("unsupported link type " + linkType + " (expected ETHERNET=1 or RAW=101)");
        }
        if ((linkTypeWord >>> 16) != 0) {
            throw new IOException(String.format("link type word 0x%08x declares FCS bytes; not supported", linkTypeWord));
        }

        List<Frame> frames = new ArrayList<>();
        int offset = FILE_HEADER_LENGTH;
        while (offset < file.length) {
            int number = frames.size() + 1;
            if (file.length - offset < RECORD_HEADER_LENGTH) {
                throw new IOException("frame " + number + ": record header truncated at offset " + offset);
            }
            long seconds = Integer.toUnsignedLong(in.getInt(offset));
            long fraction = Integer.toUnsignedLong(in.getInt(offset + 4));
            long capturedLength = Integer.toUnsignedLong(in.getInt(offset + 8));
            long originalLength = Integer.toUnsignedLong(in.getInt(offset + 12));
            if (fraction >= (nanos ? 1_000_000_000L : 1_000_000L)) {
                throw new IOException("frame " + number + ": sub-second timestamp " + fraction + " out of range");
            }
            if (capturedLength > originalLength) {
                throw new IOException("frame " + number + ": captured length " + capturedLength
                        + " exceeds original length " + originalLength);
            }
            // Some writers leave the snap length 0; only a declared one is a bound.
            if (snapLength != 0 && capturedLength > snapLength) {
                throw new IOException("frame " + number + ": captured length " + capturedLength
                        + " exceeds the snap length " + snapLength);
            }
            int dataStart = offset + RECORD_HEADER_LENGTH;
            if (capturedLength > file.length - dataStart) {
                throw new IOException("frame " + number + ": " + capturedLength + " bytes announced at offset "
                        + dataStart + " but only " + (file.length - dataStart) + " remain");
            }
            byte[] data = new byte[(int) capturedLength];
            System.arraycopy(file, dataStart, data, 0, data.length);
            int nanosOfSecond = (int) (nanos ? fraction : fraction * 1000);
            frames.add(new Frame(number, linkType, seconds, nanosOfSecond, (int) Math.min(originalLength, Integer.MAX_VALUE), data));
            offset = dataStart + data.length;
        }
        return new Capture(order, nanos, versionMajor, versionMinor, snapLength, linkType, List.copyOf(frames));
    }
}
