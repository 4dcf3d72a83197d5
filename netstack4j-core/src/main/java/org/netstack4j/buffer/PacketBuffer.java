package org.netstack4j.buffer;

import java.nio.ByteBuffer;

/**
 * One packet in a heap {@code byte[]} with <em>headroom</em> in front, so that each layer on the way
 * out pushes its header with {@link #prepend(int)} instead of copying the payload, and each layer on
 * the way in records where its header starts (link, network, transport, payload offsets).
 *
 * <p>The valid bytes are {@code array()[start() .. end())}. Offsets are absolute indices into the
 * array, or {@link #UNSET}. A buffer has a single owner at a time; ownership passes with the buffer
 * (a channel that accepted a write, a queue, a dispatcher) and the last owner calls
 * {@link #release()}.
 *
 * <p>Heap arrays, not direct buffers: Java-side processing (checksums, header parsing) is as fast or
 * faster on {@code byte[]} through array-view var handles, and the FFM devices read and write heap
 * segments without a copy through critical downcalls. See {@code docs/buffers.md} for the numbers.
 *
 * <p>Offload metadata travels with the packet: a TCP/UDP super-packet to be segmented
 * ({@link #gsoType()}, {@link #gsoSize()}) and a partial checksum to be completed
 * ({@link #checksumStart()}, {@link #checksumOffset()}), mirroring the Linux virtio-net header.
 *
 * <p>Link metadata travels with it too: the network protocol as an EtherType
 * ({@link #networkProtocol()}), the link addresses of the hop ({@link #remoteLinkAddress()},
 * {@link #localLinkAddress()}; 48-bit MAC values, or {@link #NO_LINK_ADDRESS}) used to frame an
 * outbound packet and reported for an inbound one, and whether the device already verified the
 * transport checksum ({@link #checksumVerified()}).
 */
public final class PacketBuffer {
    /** Value of an offset that no layer has recorded yet. */
    public static final int UNSET = -1;

    /** No segmentation offload: the packet is a single segment. */
    public static final int GSO_NONE = 0;
    /** TCP over IPv4 super-packet, to be cut into {@link #gsoSize()}-byte segments. */
    public static final int GSO_TCPV4 = 1;
    /** TCP over IPv6 super-packet. */
    public static final int GSO_TCPV6 = 2;
    /** UDP (USO, one datagram per {@link #gsoSize()} bytes) super-packet. */
    public static final int GSO_UDP_L4 = 3;

    /** Value of {@link #networkProtocol()} when no layer has set it. */
    public static final int NO_PROTOCOL = 0;
    /** Value of a link address that is not known (a MAC address is 48 bits, so never negative). */
    public static final long NO_LINK_ADDRESS = -1L;

    private final byte[] data;
    private final PacketBufferPool pool;
    private int start;
    private int end;
    private int linkOffset = UNSET;
    private int networkOffset = UNSET;
    private int transportOffset = UNSET;
    private int payloadOffset = UNSET;
    private int gsoType = GSO_NONE;
    private int gsoSize;
    private int checksumStart = UNSET;
    private int checksumOffset = UNSET;
    private boolean checksumVerified;
    private int networkProtocol = NO_PROTOCOL;
    private long remoteLinkAddress = NO_LINK_ADDRESS;
    private long localLinkAddress = NO_LINK_ADDRESS;
    private ByteBuffer byteBufferView;
    private boolean released;

    /** An unpooled buffer of {@code capacity} bytes whose data starts after {@code headroom} bytes. */
    public PacketBuffer(int capacity, int headroom) {
        this(new byte[capacity], headroom, null);
    }

    PacketBuffer(byte[] data, int headroom, PacketBufferPool pool) {
        if (headroom < 0 || headroom > data.length) {
            throw new IllegalArgumentException("headroom " + headroom + " outside 0.." + data.length);
        }
        this.data = data;
        this.pool = pool;
        this.start = headroom;
        this.end = headroom;
    }

    /** Wraps {@code length} bytes of {@code packet} from {@code offset} in a new unpooled buffer with the given headroom. */
    public static PacketBuffer copyOf(byte[] packet, int offset, int length, int headroom) {
        PacketBuffer b = new PacketBuffer(headroom + length, headroom);
        System.arraycopy(packet, offset, b.data, headroom, length);
        b.end = headroom + length;
        return b;
    }

    /** Wraps a copy of all of {@code packet} with the given headroom. */
    public static PacketBuffer copyOf(byte[] packet, int headroom) {
        return copyOf(packet, 0, packet.length, headroom);
    }

    /** The backing array; valid bytes are {@code [start(), end())}. */
    public byte[] array() {
        return data;
    }

    /** Index of the first valid byte. */
    public int start() {
        return start;
    }

    /** Index one past the last valid byte. */
    public int end() {
        return end;
    }

    /** Number of valid bytes. */
    public int length() {
        return end - start;
    }

    /** Bytes free in front of {@link #start()}. */
    public int headroom() {
        return start;
    }

    /** Bytes free after {@link #end()}. */
    public int tailroom() {
        return data.length - end;
    }

    /** Total size of the backing array. */
    public int capacity() {
        return data.length;
    }

    /**
     * Grows the packet at the front by {@code n} bytes (for a header) and returns the new
     * {@link #start()}, where the caller writes the header.
     *
     * @throws IllegalStateException if the headroom is smaller than {@code n}
     */
    public int prepend(int n) {
        if (n < 0 || n > start) {
            throw new IllegalStateException("prepend " + n + " bytes with headroom " + start);
        }
        start -= n;
        return start;
    }

    /**
     * Grows the packet at the back by {@code n} bytes and returns the index where they begin (the old
     * {@link #end()}).
     *
     * @throws IllegalStateException if the tailroom is smaller than {@code n}
     */
    public int append(int n) {
        if (n < 0 || n > data.length - end) {
            throw new IllegalStateException("append " + n + " bytes with tailroom " + (data.length - end));
        }
        int at = end;
        end += n;
        return at;
    }

    /** Drops {@code n} bytes from the front (a consumed header). */
    public void trimFront(int n) {
        if (n < 0 || n > end - start) {
            throw new IllegalStateException("trimFront " + n + " of " + (end - start) + " bytes");
        }
        start += n;
    }

    /** Keeps only the first {@code length} valid bytes (e.g. to drop link-layer padding). */
    public void truncate(int length) {
        if (length < 0 || length > end - start) {
            throw new IllegalStateException("truncate to " + length + " of " + (end - start) + " bytes");
        }
        end = start + length;
    }

    /**
     * Sets the valid region to {@code [start, end)} directly; used by channels that read into the
     * array and by code that re-frames a packet.
     */
    public void setBounds(int start, int end) {
        if (start < 0 || start > end || end > data.length) {
            throw new IllegalArgumentException("bounds [" + start + ", " + end + ") outside capacity " + data.length);
        }
        this.start = start;
        this.end = end;
    }

    /** Empties the buffer and clears all offsets and offload metadata, leaving {@code headroom} in front. */
    public PacketBuffer reset(int headroom) {
        setBounds(headroom, headroom);
        linkOffset = UNSET;
        networkOffset = UNSET;
        transportOffset = UNSET;
        payloadOffset = UNSET;
        networkProtocol = NO_PROTOCOL;
        remoteLinkAddress = NO_LINK_ADDRESS;
        localLinkAddress = NO_LINK_ADDRESS;
        clearOffload();
        return this;
    }

    /** Clears segmentation and checksum offload metadata (including {@link #checksumVerified()}). */
    public void clearOffload() {
        gsoType = GSO_NONE;
        gsoSize = 0;
        checksumStart = UNSET;
        checksumOffset = UNSET;
        checksumVerified = false;
    }

    /** Copies {@code length} bytes from {@code src} to the end of this packet. */
    public void appendBytes(byte[] src, int offset, int length) {
        int at = append(length);
        System.arraycopy(src, offset, data, at, length);
    }

    /** A copy of the valid bytes (for tests and slow paths). */
    public byte[] toByteArray() {
        byte[] out = new byte[end - start];
        System.arraycopy(data, start, out, 0, out.length);
        return out;
    }

    /**
     * A heap {@link ByteBuffer} over the whole backing array, created once per buffer (for NIO
     * channels); set its position and limit before each use.
     */
    public ByteBuffer byteBuffer() {
        ByteBuffer b = byteBufferView;
        if (b == null) {
            b = ByteBuffer.wrap(data);
            byteBufferView = b;
        }
        return b;
    }

    /** Absolute index of the link-layer header, or {@link #UNSET}. */
    public int linkOffset() {
        return linkOffset;
    }

    /** Records where the link-layer header starts. */
    public void linkOffset(int offset) {
        this.linkOffset = offset;
    }

    /** Absolute index of the network-layer (IP/ARP) header, or {@link #UNSET}. */
    public int networkOffset() {
        return networkOffset;
    }

    /** Records where the network-layer header starts. */
    public void networkOffset(int offset) {
        this.networkOffset = offset;
    }

    /** Absolute index of the transport header, or {@link #UNSET}. */
    public int transportOffset() {
        return transportOffset;
    }

    /** Records where the transport header starts. */
    public void transportOffset(int offset) {
        this.transportOffset = offset;
    }

    /** Absolute index of the transport payload, or {@link #UNSET}. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Records where the transport payload starts. */
    public void payloadOffset(int offset) {
        this.payloadOffset = offset;
    }

    /** One of the {@code GSO_*} constants. */
    public int gsoType() {
        return gsoType;
    }

    /** Payload bytes per segment when {@link #gsoType()} is not {@link #GSO_NONE}. */
    public int gsoSize() {
        return gsoSize;
    }

    /** Marks this packet as a super-packet of {@code type} to be cut into {@code size}-byte payloads. */
    public void gso(int type, int size) {
        this.gsoType = type;
        this.gsoSize = size;
    }

    /** True when the transport checksum is partial and must be completed ({@code NEEDS_CSUM}). */
    public boolean checksumPartial() {
        return checksumStart != UNSET;
    }

    /** Absolute index from which the partial checksum is computed, or {@link #UNSET}. */
    public int checksumStart() {
        return checksumStart;
    }

    /** Offset of the checksum field from {@link #checksumStart()}, or {@link #UNSET}. */
    public int checksumOffset() {
        return checksumOffset;
    }

    /** Clears the partial-checksum mark (after the checksum was completed). */
    public void clearChecksumPartial() {
        this.checksumStart = UNSET;
        this.checksumOffset = UNSET;
    }

    /** Marks the transport checksum as partial: sum from {@code start}, store at {@code start + offset}. */
    public void checksumPartial(int start, int offset) {
        this.checksumStart = start;
        this.checksumOffset = offset;
    }

    /**
     * True when the device (or the link endpoint on its behalf, with receive checksum offload)
     * vouches that the transport checksum of this inbound packet is correct, so the stack may skip
     * verifying it (Linux's {@code CHECKSUM_UNNECESSARY}, virtio-net's {@code DATA_VALID}).
     */
    public boolean checksumVerified() {
        return checksumVerified;
    }

    /** Records whether the transport checksum is already known to be correct. */
    public void checksumVerified(boolean verified) {
        this.checksumVerified = verified;
    }

    /**
     * The network protocol as an EtherType ({@code 0x0800} IPv4, {@code 0x86dd} IPv6,
     * {@code 0x0806} ARP), or {@link #NO_PROTOCOL}.
     */
    public int networkProtocol() {
        return networkProtocol;
    }

    /** Records the network protocol as an EtherType. */
    public void networkProtocol(int etherType) {
        this.networkProtocol = etherType;
    }

    /**
     * The link address of the other end of this hop: for an inbound frame its source, for an
     * outbound one its destination (the route's remote link address). {@link #NO_LINK_ADDRESS}
     * when unknown or when the link has no addresses.
     */
    public long remoteLinkAddress() {
        return remoteLinkAddress;
    }

    /** Records the remote link address (low 48 bits) or {@link #NO_LINK_ADDRESS}. */
    public void remoteLinkAddress(long address) {
        this.remoteLinkAddress = address;
    }

    /**
     * The link address of this end of the hop: for an inbound frame its destination, for an
     * outbound one its source (the route's local link address; when unknown the endpoint uses its
     * own address). {@link #NO_LINK_ADDRESS} when unknown.
     */
    public long localLinkAddress() {
        return localLinkAddress;
    }

    /** Records the local link address (low 48 bits) or {@link #NO_LINK_ADDRESS}. */
    public void localLinkAddress(long address) {
        this.localLinkAddress = address;
    }

    /** The pool this buffer returns to, or {@code null} when unpooled. */
    public PacketBufferPool pool() {
        return pool;
    }

    /**
     * Returns the buffer to its pool (no-op for an unpooled buffer). The caller must not touch it
     * afterwards.
     *
     * @throws IllegalStateException on a second release of the same acquisition
     */
    public void release() {
        if (released) {
            throw new IllegalStateException("PacketBuffer released twice");
        }
        released = true;
        if (pool != null) {
            pool.recycle(this);
        }
    }

    void markAcquired() {
        released = false;
    }

    @Override
    public String toString() {
        return "PacketBuffer[start=" + start + ", end=" + end + ", capacity=" + data.length
                + ", net=" + networkOffset + ", transport=" + transportOffset + ", gso=" + gsoType + "/" + gsoSize + "]";
    }
}
