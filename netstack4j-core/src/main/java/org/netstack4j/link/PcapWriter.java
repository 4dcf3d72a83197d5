package org.netstack4j.link;

import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import org.netstack4j.wire.Bytes;

/**
 * Writes the classic libpcap capture format (microsecond timestamps) that tcpdump, Wireshark and
 * tshark read: a 24-byte file header, then per packet a 16-byte record header and the captured
 * bytes, cut to the snap length. Fields are written big-endian; readers recognise the byte order
 * from the magic number.
 *
 * <p>Thread-safe: records from several threads are written whole, one after another. Writing a
 * record allocates nothing (the stream should be buffered).
 */
public final class PcapWriter implements Flushable {
    /** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet frames. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** LINKTYPE_RAW: bare IPv4 or IPv6 packets, the version nibble says which. */
    public static final int LINKTYPE_RAW = 101;
    /** Default snap length, the one tcpdump uses: whole packets. */
    public static final int DEFAULT_SNAP_LENGTH = 262144;

    private static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;

    private final OutputStream out;
    private final int linkType;
    private final int snapLength;
    private final byte[] recordHeader = new byte[16];

    /**
     * Writes the file header to {@code out}; the caller keeps ownership of the stream (and closes it).
     *
     * @param linkType   {@link #LINKTYPE_ETHERNET} or {@link #LINKTYPE_RAW} (or any other LINKTYPE value)
     * @param snapLength most bytes stored per packet (1..262144)
     */
    public PcapWriter(OutputStream out, int linkType, int snapLength) throws IOException {
        if (snapLength <= 0 || snapLength > DEFAULT_SNAP_LENGTH) {
            throw new IllegalArgumentException("snap length " + snapLength + " outside 1.." + DEFAULT_SNAP_LENGTH);
        }
        this.out = out;
        this.linkType = linkType;
        this.snapLength = snapLength;
        byte[] h = new byte[24];
        Bytes.put32(h, 0, MAGIC_MICROSECONDS);
        Bytes.put16(h, 4, 2); // version 2.4
        Bytes.put16(h, 6, 4);
        // thiszone and sigfigs stay 0: timestamps are UTC
        Bytes.put32(h, 16, snapLength);
        Bytes.put32(h, 20, linkType);
        out.write(h);
    }

    /** The LINKTYPE of every record in this file. */
    public int linkType() {
        return linkType;
    }

    /** Most bytes stored per packet. */
    public int snapLength() {
        return snapLength;
    }

    /** Writes one packet of {@code length} bytes at {@code offset}, stamped {@code epochMicros}. */
    public void write(long epochMicros, byte[] data, int offset, int length) throws IOException {
        write(epochMicros, null, 0, 0, data, offset, length);
    }

    /**
     * Writes one packet made of {@code prefixLength} bytes of {@code prefix} (a header built for the
     * capture) followed by {@code length} bytes of {@code data}.
     */
    public synchronized void write(long epochMicros, byte[] prefix, int prefixOffset, int prefixLength,
                                   byte[] data, int offset, int length) throws IOException {
        int original = prefixLength + length;
        int captured = Math.min(original, snapLength);
        byte[] h = recordHeader;
        Bytes.put32(h, 0, (int) Math.floorDiv(epochMicros, 1_000_000L));
        Bytes.put32(h, 4, (int) Math.floorMod(epochMicros, 1_000_000L));
        Bytes.put32(h, 8, captured);
        Bytes.put32(h, 12, original);
        out.write(h, 0, 16);
        int fromPrefix = Math.min(prefixLength, captured);
        if (fromPrefix > 0) {
            out.write(prefix, prefixOffset, fromPrefix);
        }
        int fromData = captured - fromPrefix;
        if (fromData > 0) {
            out.write(data, offset, fromData);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }
}
