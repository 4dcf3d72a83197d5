package org.netstack4j.tun.linux;

import java.io.IOException;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.ChannelFullException;
import org.netstack4j.link.PacketChannel;
import org.netstack4j.link.gso.ChecksumOffload;
import org.netstack4j.wire.Bytes;

/**
 * One queue of a Linux TUN/TAP device as a {@link PacketChannel}: one {@code read(2)} per packet
 * into the caller's heap buffer, one {@code write(2)} per packet from it, both without a copy
 * (critical FFM downcalls on a non-blocking fd), and {@code epoll_wait} for readiness with an
 * eventfd that {@link #close()} signals.
 *
 * <p><b>Device headers.</b> With {@code IFF_VNET_HDR} each packet is preceded by a
 * {@link VirtioNetHeader} (and, on an adopted fd without {@code IFF_NO_PI}, by the 4-byte packet
 * information header). A read puts that header into the buffer's headroom, so the packet still
 * starts at {@code start()}; a write builds it in the headroom in front of {@code start()}, so
 * header and packet go out in one {@code write} without {@code writev} or a copy (a packet without
 * enough headroom is copied once into a staging array). The headroom in front of a written packet is
 * therefore scratch space for the channel.
 *
 * <p><b>Offloads.</b> With TSO/USO granted the kernel hands over super-packets of up to 64 KiB. A
 * read needs that much room: into a buffer with less, the packet is read into a per-channel staging
 * array and copied (counted in {@link ChannelStats#readCopies()}). A super-packet is then either
 * handed over whole with its GSO and partial-checksum metadata ({@link TunOptions#deliverSuperPackets()}
 * and enough room), or cut into segments, one per buffer, over as many reads as it takes. Partial
 * checksums ({@code NEEDS_CSUM}) are completed unless the packet is handed over whole. On write,
 * a buffer's {@link PacketBuffer#gsoType()} and partial checksum go into the virtio-net header, so the
 * kernel segments and checksums it (host GSO, {@link #hostGsoMaxSize()}).
 *
 * <p><b>Errors.</b> {@code EAGAIN} on read waits in epoll; on write the device is full:
 * {@link ChannelFullException} from {@link #write}, a short count from {@link #writeBatch}
 * ({@link #awaitWritable} waits for room). {@code EINTR} retries, {@code ENOBUFS} and {@code EIO}
 * (interface down) on write drop the packet and count it, {@code EINVAL}/{@code EMSGSIZE} on write
 * throw {@link PacketRejectedException} (the channel stays usable), a malformed device header on read
 * drops that packet and counts it; anything else becomes an {@link ErrnoException}. One reader at a
 * time; writers may be several (they serialise on a lock).
 */
public final class TunChannel extends FdPacketChannel {
    /** Largest super-packet the kernel hands a TUN (its {@code gso_max_size}) plus slack for link headers. */
    static final int MAX_SUPER_PACKET = 65536 + 64;
    /** The largest IP packet a write can carry for host segmentation (IPv4 total length is 16 bits). */
    private static final int HOST_GSO_MAX = 65535;
    /** {@code TUN_PKT_STRIP}: the kernel truncated the packet to the read buffer. */
    private static final int TUN_PKT_STRIP = 0x1;
    private static final int NO_PACKET = VirtioReceiver.NO_PACKET;

    private final TunMode mode;
    private final int queue;
    private final int infoLength;
    private final int vnetLength;
    private final int frameHeader;
    private final int offloadMask;
    private final boolean superPackets;
    private final boolean deliverWhole;
    private final int linkHeader;
    // Used only by the one reading thread.
    private final VirtioReceiver receiver;
    // Guarded by the write lock.
    private byte[] writeStaging;

    TunChannel(FdCore core, TunMode mode, int queue, boolean packetInfo, int vnetLength, int offloadMask,
               boolean deliverWhole) {
        super(core);
        this.mode = mode;
        this.queue = queue;
        this.infoLength = packetInfo ? 4 : 0;
        this.vnetLength = vnetLength;
        this.frameHeader = infoLength + vnetLength;
        this.offloadMask = offloadMask;
        this.superPackets = vnetLength > 0 && TunOffload.allowsSuperPackets(offloadMask);
        this.deliverWhole = deliverWhole;
        this.linkHeader = mode == TunMode.TAP ? 14 : 0;
        this.receiver = new VirtioReceiver(stats, linkHeader, deliverWhole, MAX_SUPER_PACKET + frameHeader);
    }

    /** The device's name ({@code tun0}). */
    public String deviceName() {
        String d = core.description();
        int space = d.indexOf(' ');
        return space < 0 ? d : d.substring(0, space);
    }

    /** {@link #MAX_SUPER_PACKET} when super-packets are handed over whole, else 0. */
    @Override
    public int maxSuperPacket() {
        return superPackets && deliverWhole ? MAX_SUPER_PACKET : 0;
    }

    /** Index of this queue on its device (0 for a single-queue device). */
    public int queueIndex() {
        return queue;
    }

    /** TUN (IP packets) or TAP (Ethernet frames). */
    public TunMode mode() {
        return mode;
    }

    /** Bytes of virtio-net header per packet: 0 (none), 10 or 12. */
    public int virtioNetHeaderLength() {
        return vnetLength;
    }

    /** Bytes of device header in front of each packet on the fd (packet information plus virtio-net header). */
    public int deviceHeaderLength() {
        return frameHeader;
    }

    /**
     * The largest packet {@link #write} takes with segmentation metadata for the kernel to cut (host
     * GSO), or 0 when the device has no virtio-net header (then super-packets are rejected and the
     * caller must segment).
     */
    public int hostGsoMaxSize() {
        return vnetLength > 0 ? HOST_GSO_MAX : 0;
    }

    /**
     * True with a virtio-net header: written packets may carry GSO and partial-checksum metadata, and
     * the kernel segments and checksums them.
     */
    @Override
    public boolean carriesOffloadMetadata() {
        return vnetLength > 0;
    }

    /**
     * Closes the queue: wakes its reader and any waiting writer at once, and returns when the fds
     * are closed. Closing the last queue of a non-persistent device removes the interface, which
     * takes the kernel some milliseconds; that is paid here, not by the reading loop. Idempotent.
     */
    @Override
    public void close() {
        super.close();
    }

    /** {@link FdCore#beginClose()}, for closing all queues of a device together. */
    boolean beginClose() {
        return core.beginClose();
    }

    /** {@link FdCore#finishClose()}, after a successful {@link #beginClose()}. */
    void finishClose() {
        core.finishClose();
    }

    @Override
    public int readBatch(PacketBuffer[] buffers, int[] lengths, int count) throws IOException {
        if (count <= 0) {
            return 0;
        }
        core.enterOrThrow();
        try {
            lengths[0] = receiveOne(buffers[0], true);
            int n = 1;
            try {
                while (n < count) {
                    int r = receiveOne(buffers[n], false);
                    if (r == NO_PACKET) {
                        break;
                    }
                    lengths[n++] = r;
                }
            } catch (IOException e) {
                // The packets already read are delivered; the failure repeats on the next call.
            }
            return n;
        } finally {
            core.exit();
        }
    }

    /**
     * Reads one packet (or hands out the next segment of a super-packet).
     *
     * @param block wait for a packet; when false return {@link #NO_PACKET} if none is ready
     */
    @Override
    int receiveOne(PacketBuffer buffer, boolean block) throws IOException {
        for (;;) {
            if (receiver.hasPendingSegments()) {
                return receiver.nextSegment(buffer);
            }
            int start = buffer.start();
            int frameAt = frameHeader <= start ? start - frameHeader : start;
            int room = buffer.capacity() - frameAt;
            boolean direct = !superPackets || room >= MAX_SUPER_PACKET + frameHeader;
            byte[] target;
            int at;
            int length;
            if (direct) {
                target = buffer.array();
                at = frameAt;
                length = room;
            } else {
                target = receiver.staging();
                at = 0;
                length = target.length;
            }
            long n = Libc.read(readState, core.fd(), readSlices.at(target, at), length);
            if (n < 0) {
                int errno = Libc.errno(readState);
                if (errno == Errno.EAGAIN) {
                    if (!awaitPacket(block)) {
                        return NO_PACKET;
                    }
                    continue;
                }
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw readFailure(errno);
            }
            int total = (int) n;
            if (total < frameHeader) {
                stats.increment(ChannelStats.READ_DROPS_MALFORMED);
                continue;
            }
            int dataAt = at + frameHeader;
            int packetLength = total - frameHeader;
            int stored = Math.min(packetLength, length - frameHeader);
            if (infoLength > 0 && (Bytes.u16(target, at) & TUN_PKT_STRIP) != 0) {
                stats.increment(ChannelStats.READS_TRUNCATED);
            }
            int result = vnetLength == 0
                    ? deliverPlain(buffer, dataAt, stored, packetLength)
                    : receiver.deliver(buffer, target, at + infoLength, dataAt, stored, packetLength, direct);
            if (result == VirtioReceiver.NO_PACKET) {
                continue; // dropped as malformed, or a super-packet is now being split
            }
            return result;
        }
    }

    private int deliverPlain(PacketBuffer buffer, int dataAt, int stored, int packetLength) {
        buffer.setBounds(dataAt, dataAt + stored);
        if (stored < packetLength) {
            stats.increment(ChannelStats.READS_TRUNCATED);
        }
        stats.increment(ChannelStats.PACKETS_READ);
        stats.add(ChannelStats.BYTES_READ, stored);
        return packetLength;
    }

    private IOException readFailure(int errno) {
        if (errno == Errno.EBADFD) {
            return new ErrnoException("read " + core + " (queue detached or device gone)", errno);
        }
        return new ErrnoException("read " + core, errno);
    }

    @Override
    String fullMessage() {
        return "write to " + core + ": device queue full";
    }

    @Override
    public int writeBatch(PacketBuffer[] packets, int count) throws IOException {
        return writeLocked(packets, count, true);
    }

    /**
     * Writes one packet; holds the write lock.
     *
     * @return true when it was sent or dropped (and counted), false when the device was full
     */
    @Override
    boolean sendOne(PacketBuffer packet) throws IOException {
        int start = packet.start();
        int length = packet.length();
        byte[] src = packet.array();
        boolean gso = packet.gsoType() != PacketBuffer.GSO_NONE;
        if (vnetLength == 0) {
            if (gso) {
                stats.increment(ChannelStats.WRITES_REJECTED);
                throw new PacketRejectedException("write " + core + ": super-packet without a virtio-net header",
                        Errno.EMSGSIZE);
            }
            if (packet.checksumPartial() && !ChecksumOffload.completePartialChecksum(packet)) {
                stats.increment(ChannelStats.WRITES_REJECTED);
                throw new PacketRejectedException("write " + core + ": partial checksum outside the packet",
                        Errno.EINVAL);
            }
        }
        byte[] out;
        int at;
        if (frameHeader == 0) {
            out = src;
            at = start;
        } else if (start >= frameHeader) {
            out = src;
            at = start - frameHeader;
            fillDeviceHeader(packet, out, at);
        } else {
            out = writeStaging();
            at = 0;
            System.arraycopy(src, start, out, frameHeader, length);
            fillDeviceHeader(packet, out, 0);
            stats.increment(ChannelStats.WRITE_COPIES);
        }
        long total = (long) frameHeader + length;
        for (;;) {
            long n = Libc.write(writeState, core.fd(), writeSlices.at(out, at), total);
            if (n >= 0) {
                stats.increment(ChannelStats.PACKETS_WRITTEN);
                stats.add(ChannelStats.BYTES_WRITTEN, length);
                if (gso) {
                    stats.increment(ChannelStats.SUPER_PACKETS_WRITTEN);
                }
                return true;
            }
            int errno = Libc.errno(writeState);
            switch (errno) {
                case Errno.EINTR -> {
                    continue;
                }
                case Errno.EAGAIN -> {
                    stats.increment(ChannelStats.WRITES_FULL);
                    return false;
                }
                case Errno.ENOBUFS, Errno.ENOMEM -> {
                    stats.increment(ChannelStats.WRITE_DROPS_NO_BUFFERS);
                    return true;
                }
                case Errno.EIO, Errno.ENETDOWN -> {
                    stats.increment(ChannelStats.WRITE_DROPS_LINK_DOWN);
                    return true;
                }
                case Errno.EINVAL, Errno.EMSGSIZE, Errno.EFAULT -> {
                    stats.increment(ChannelStats.WRITES_REJECTED);
                    throw new PacketRejectedException("write " + length + " bytes to " + core, errno);
                }
                default -> throw new ErrnoException("write " + core, errno);
            }
        }
    }

    /** Builds the packet information and virtio-net headers in front of the packet. */
    private void fillDeviceHeader(PacketBuffer packet, byte[] out, int at) {
        if (infoLength > 0) {
            int protocol = 0;
            if (mode == TunMode.TUN && packet.length() > 0) {
                int version = (packet.array()[packet.start()] & 0xff) >>> 4;
                protocol = version == 6 ? 0x86dd : 0x0800;
            }
            Bytes.put16(out, at, 0);
            Bytes.put16(out, at + 2, protocol);
        }
        if (vnetLength == 0) {
            return;
        }
        int h = at + infoLength;
        int start = packet.start();
        int flags = 0;
        int checksumStart = 0;
        int checksumOffset = 0;
        if (packet.checksumPartial()) {
            flags = VirtioNetHeader.F_NEEDS_CSUM;
            checksumStart = packet.checksumStart() - start;
            checksumOffset = packet.checksumOffset();
        }
        int gsoType = switch (packet.gsoType()) {
            case PacketBuffer.GSO_TCPV4 -> VirtioNetHeader.GSO_TCPV4;
            case PacketBuffer.GSO_TCPV6 -> VirtioNetHeader.GSO_TCPV6;
            case PacketBuffer.GSO_UDP_L4 -> VirtioNetHeader.GSO_UDP_L4;
            default -> VirtioNetHeader.GSO_NONE;
        };
        int headerLength = 0;
        int gsoSize = 0;
        if (gsoType != VirtioNetHeader.GSO_NONE) {
            gsoSize = packet.gsoSize();
            headerLength = headersLength(packet, gsoType == VirtioNetHeader.GSO_UDP_L4);
        }
        VirtioNetHeader.write(out, h, vnetLength, flags, gsoType, headerLength, gsoSize, checksumStart,
                checksumOffset);
    }

    /**
     * Bytes from the packet start to the end of its transport header (the virtio {@code hdr_len},
     * a hint to the kernel), from the recorded offsets or by reading the headers; 0 when unknown.
     */
    private int headersLength(PacketBuffer packet, boolean udp) {
        byte[] b = packet.array();
        int start = packet.start();
        int end = packet.end();
        int transport = packet.transportOffset();
        if (transport == PacketBuffer.UNSET) {
            transport = packet.checksumPartial() ? packet.checksumStart() : PacketBuffer.UNSET;
        }
        if (transport == PacketBuffer.UNSET) {
            int net = start + linkHeader;
            if (net >= end) {
                return 0;
            }
            int version = (b[net] & 0xff) >>> 4;
            transport = version == 4 ? net + (b[net] & 0x0f) * 4 : version == 6 ? net + 40 : PacketBuffer.UNSET;
            if (transport == PacketBuffer.UNSET) {
                return 0;
            }
        }
        if (udp) {
            return Math.min(transport + 8, end) - start;
        }
        if (transport + 13 > end) {
            return 0;
        }
        return Math.min(transport + ((b[transport + 12] & 0xff) >>> 4) * 4, end) - start;
    }

    private byte[] writeStaging() {
        byte[] s = writeStaging;
        if (s == null) {
            s = new byte[HOST_GSO_MAX + 64 + frameHeader];
            writeStaging = s;
        }
        return s;
    }

    int offloadMask() {
        return offloadMask;
    }

    @Override
    public String toString() {
        return "TunChannel[" + core + ", vnet=" + vnetLength + ", offloads=" + TunOffload.fromMask(offloadMask) + "]";
    }
}
