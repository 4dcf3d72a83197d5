package org.netstack4j.tun.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The {@code struct virtio_net_hdr} that a TUN/TAP opened with {@code IFF_VNET_HDR} puts in front
 * of every packet (virtio 1.x specification, section 5.1.6; {@code <linux/virtio_net.h>}): offload
 * metadata for a segmentation offload super-packet and for a partial checksum.
 *
 * <pre>
 *   u8  flags        NEEDS_CSUM (1): checksum from csum_start, store at csum_start + csum_offset
 *                    DATA_VALID (2): the checksum was already verified
 *   u8  gso_type     NONE 0, TCPV4 1, UDP 3 (UFO), TCPV6 4, UDP_L4 5 (USO); | ECN 0x80
 *   u16 hdr_len      length of the headers in front of the payload that is segmented
 *   u16 gso_size     payload bytes per segment
 *   u16 csum_start   offset from the start of the packet (after this header)
 *   u16 csum_offset  offset of the checksum field from csum_start
 *  [u16 num_buffers] only in the 12-byte (mergeable receive buffers) variant; 0 from TUN
 * </pre>
 *
 * <p>The 16-bit fields are in the host's byte order (legacy virtio on a little-endian host, which
 * is what TUN uses unless told otherwise). This class reads and writes them in a {@code byte[]}.
 */
public final class VirtioNetHeader {
    /** Size of the basic header. */
    public static final int LENGTH = 10;
    /** Size of the header with {@code num_buffers}. */
    public static final int LENGTH_MRG_RXBUF = 12;

    /** {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}. */
    public static final int F_NEEDS_CSUM = 1;
    /** {@code VIRTIO_NET_HDR_F_DATA_VALID}. */
    public static final int F_DATA_VALID = 2;

    /** {@code VIRTIO_NET_HDR_GSO_NONE}. */
    public static final int GSO_NONE = 0;
    /** {@code VIRTIO_NET_HDR_GSO_TCPV4}. */
    public static final int GSO_TCPV4 = 1;
    /** {@code VIRTIO_NET_HDR_GSO_UDP}: IP fragmentation offload (UFO), obsolete. */
    public static final int GSO_UDP = 3;
    /** {@code VIRTIO_NET_HDR_GSO_TCPV6}. */
    public static final int GSO_TCPV6 = 4;
    /** {@code VIRTIO_NET_HDR_GSO_UDP_L4}: UDP segmentation offload (USO). */
    public static final int GSO_UDP_L4 = 5;
    /** {@code VIRTIO_NET_HDR_GSO_ECN}: flag, the TCP super-packet carries CWR. */
    public static final int GSO_ECN = 0x80;

    private static final VarHandle U16 =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());

    private VirtioNetHeader() {
    }

    /** {@code flags} of the header at {@code offset}. */
    public static int flags(byte[] b, int offset) {
        return b[offset] & 0xff;
    }

    /** {@code gso_type} of the header at {@code offset} (including the ECN bit). */
    public static int gsoType(byte[] b, int offset) {
        return b[offset + 1] & 0xff;
    }

    /** {@code hdr_len}. */
    public static int headerLength(byte[] b, int offset) {
        return u16(b, offset + 2);
    }

    /** {@code gso_size}. */
    public static int gsoSize(byte[] b, int offset) {
        return u16(b, offset + 4);
    }

    /** {@code csum_start}. */
    public static int checksumStart(byte[] b, int offset) {
        return u16(b, offset + 6);
    }

    /** {@code csum_offset}. */
    public static int checksumOffset(byte[] b, int offset) {
        return u16(b, offset + 8);
    }

    /**
     * Writes a header of {@code length} bytes ({@link #LENGTH} or {@link #LENGTH_MRG_RXBUF}) at
     * {@code offset}.
     */
    public static void write(byte[] b, int offset, int length, int flags, int gsoType, int headerLength,
                             int gsoSize, int checksumStart, int checksumOffset) {
        b[offset] = (byte) flags;
        b[offset + 1] = (byte) gsoType;
        U16.set(b, offset + 2, (short) headerLength);
        U16.set(b, offset + 4, (short) gsoSize);
        U16.set(b, offset + 6, (short) checksumStart);
        U16.set(b, offset + 8, (short) checksumOffset);
        for (int i = LENGTH; i < length; i++) {
            b[offset + i] = 0;
        }
    }

    /** Writes an all-zero header: a plain packet, no offloads. */
    public static void writeNone(byte[] b, int offset, int length) {
        for (int i = 0; i < length; i++) {
            b[offset + i] = 0;
        }
    }

    private static int u16(byte[] b, int offset) {
        return (short) U16.get(b, offset) & 0xffff;
    }
}
