package org.netstack4j.tun.windows;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.ChannelFullException;
import org.netstack4j.tun.internal.GuardedTunChannel;

/**
 * A Wintun session as a {@link org.netstack4j.link.PacketChannel}: one read is one IP packet taken
 * from the receive ring, one write one packet put into the send ring.
 *
 * <p><b>Receiving.</b> The reader drains the ring: each packet is checked in place (an empty packet
 * or one whose version nibble is neither 4 nor 6 is released and counted, never copied), copied into
 * the caller's buffer and released at once, so ring space comes back in order. When the ring is
 * empty the reader polls it a little (an {@linkplain AdaptiveSpin adaptive} bound) and then blocks
 * on the session's read event. {@link #readBatch} blocks only for the first packet. A packet larger
 * than the buffer's room is truncated and reported with its real length. Reads return {@code -1}
 * once the adapter is going away ({@code ERROR_HANDLE_EOF}). Reads are for one thread at a time; it
 * should be a platform thread, since the blocking wait pins a virtual thread's carrier.
 *
 * <p><b>Sending.</b> A write allocates the packet's room in the send ring and copies the packet
 * straight into it; writes from several threads are serialised. When the ring is full the packet is
 * not sent: {@link #write} throws {@link ChannelFullException} and {@link #writeBatch} returns a
 * short count, for the caller to count a drop as for a NIC whose queue is full (the channel counts
 * them too, {@link Stats#txRingFull()}). A packet of 0 or more than {@value #MAX_IP_PACKET_SIZE}
 * bytes is dropped and counted. No offloads: a packet must carry complete checksums and be a single
 * segment.
 *
 * <p><b>Closing</b> (from any thread) follows the order Wintun's handles need: mark closed, signal
 * the read event so a blocked reader wakes, wait until no thread is inside a session call, end the
 * session, then close the adapter if this channel opened it.
 */
public final class WintunChannel extends GuardedTunChannel {
    /** Smallest ring capacity Wintun accepts (128 KiB). */
    public static final int MIN_RING_CAPACITY = 0x20000;
    /** Largest ring capacity Wintun accepts (64 MiB). */
    public static final int MAX_RING_CAPACITY = 0x4000000;
    /** Largest packet Wintun carries. */
    public static final int MAX_IP_PACKET_SIZE = 0xFFFF;

    private static final long NONE = 0;
    private static final long END = -1;

    private final WintunAdapter adapter;
    private final boolean ownsAdapter;
    private final WintunSession session;
    private final Win32Natives natives;
    private final AdaptiveSpin spin;

    // Native scratch, freed with the channel: the reader's and the (serialised) writers' own.
    private final Arena arena = Arena.ofShared();
    private final MemorySegment rxState;
    private final MemorySegment rxSize;
    private final long rxSizeAddress;
    private final MemorySegment txState;
    private int pendingSize;

    private final AtomicLong rxPackets = new AtomicLong();
    private final AtomicLong rxBytes = new AtomicLong();
    private final AtomicLong rxTruncated = new AtomicLong();
    private final AtomicLong rxDroppedNotIp = new AtomicLong();
    private final AtomicLong rxWaits = new AtomicLong();
    private final AtomicLong txPackets = new AtomicLong();
    private final AtomicLong txBytes = new AtomicLong();
    private final AtomicLong txRingFull = new AtomicLong();
    private final AtomicLong txDroppedBadLength = new AtomicLong();

    WintunChannel(WintunAdapter adapter, boolean ownsAdapter, WintunSession session, int maxSpins) {
        this.adapter = adapter;
        this.ownsAdapter = ownsAdapter;
        this.session = session;
        this.natives = adapter.library().natives;
        this.spin = new AdaptiveSpin(maxSpins);
        this.rxState = arena.allocate(Linker.Option.captureStateLayout());
        this.rxSize = arena.allocate(JAVA_INT);
        this.rxSizeAddress = rxSize.address();
        this.txState = arena.allocate(Linker.Option.captureStateLayout());
    }

    /**
     * Loads wintun.dll as the options say, creates (or opens) the adapter and starts its session.
     * The returned channel owns the adapter: closing it also closes the adapter (removing a created
     * one). Needs an elevated process on Windows.
     *
     * @throws java.io.FileNotFoundException when wintun.dll is not found
     * @throws WintunException               when a wintun call fails
     */
    public static WintunChannel open(WintunOptions options) throws IOException {
        Win32Natives natives = options.natives() != null ? options.natives() : Win32Natives.kernel32();
        WintunLibrary library = WintunLibrary.load(WintunLibrary.locate(options.libraryPath()), natives);
        WintunAdapter adapter = options.openExisting()
                ? library.openAdapter(options.adapterName())
                : library.createAdapter(options.adapterName(), options.tunnelType(), options.requestedGuid());
        try {
            return adapter.start(options.ringCapacity(), options.maxSpins(), true);
        } catch (IOException | RuntimeException e) {
            adapter.close();
            throw e;
        }
    }

    static void checkRingCapacity(int capacity) {
        if (capacity < MIN_RING_CAPACITY || capacity > MAX_RING_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity " + capacity + " is not a power of two in "
                    + MIN_RING_CAPACITY + ".." + MAX_RING_CAPACITY);
        }
    }

    /** The raw session, for tests that hold packets in the ring. */
    WintunSession session() {
        return session;
    }

    /** The adapter this session runs on. */
    public WintunAdapter adapter() {
        return adapter;
    }

    @Override
    public String interfaceName() {
        return adapter.name();
    }

    @Override
    public int read(PacketBuffer buffer) throws IOException {
        enter();
        try {
            long packet = awaitPacket();
            return packet == END ? -1 : take(packet, buffer);
        } finally {
            guard.exit();
        }
    }

    @Override
    public int readBatch(PacketBuffer[] buffers, int[] lengths, int count) throws IOException {
        checkBatchCount(count);
        enter();
        try {
            long packet = awaitPacket();
            if (packet == END) {
                return -1;
            }
            lengths[0] = take(packet, buffers[0]);
            int n = 1;
            while (n < count) {
                try {
                    packet = tryReceive(true);
                } catch (WintunException e) {
                    break; // keep what was read; the failure persists and the next read reports it
                }
                if (packet == NONE || packet == END) {
                    break; // an end of stream is reported by the next read
                }
                lengths[n] = take(packet, buffers[n]);
                n++;
            }
            return n;
        } finally {
            guard.exit();
        }
    }

    /** The next packet's address, blocking while the ring is empty; {@link #END} at end of stream. */
    private long awaitPacket() throws IOException {
        for (;;) {
            long packet = tryReceive(true);
            if (packet != NONE) {
                return packet;
            }
            int budget = spin.budget();
            for (int i = 0; i < budget && !guard.isClosed(); i++) {
                Thread.onSpinWait();
                packet = tryReceive(false);
                if (packet != NONE) {
                    return packet;
                }
            }
            if (budget > 0) {
                spin.missed();
            }
            if (guard.isClosed()) {
                throw new ClosedChannelException();
            }
            long before = System.nanoTime();
            int r = natives.waitForSingleObject(session.readEvent, Win32Natives.INFINITE);
            if (r == Win32Natives.WAIT_FAILED) {
                throw new IOException("WaitForSingleObject on the Wintun read event failed");
            }
            spin.waited(System.nanoTime() - before);
            add(rxWaits, 1);
            // close() signals the event to get here; a packet that arrived meanwhile is not read.
            if (guard.isClosed()) {
                throw new ClosedChannelException();
            }
        }
    }

    /**
     * One non-blocking receive: the address of the next IP packet (its size in
     * {@link #pendingSize}), {@link #NONE} when the ring is empty, {@link #END} at end of stream.
     * Unless {@code learnWhyEmpty}, a NULL from wintun is simply {@link #NONE} (the spin loop's
     * cheap poll; the next checked call sees an end of stream or a corrupt ring).
     */
    private long tryReceive(boolean learnWhyEmpty) throws WintunException {
        for (;;) {
            long packet = session.receiveUnchecked(rxSizeAddress);
            if (packet == 0) {
                if (!learnWhyEmpty) {
                    return NONE;
                }
                // Empty, ending or corrupt: ask again capturing why (once per drained ring, not per packet).
                packet = session.receive(rxState, rxSize);
            }
            if (packet == 0) {
                int error = session.lastError(rxState);
                if (error == Win32Errors.ERROR_NO_MORE_ITEMS) {
                    return NONE;
                }
                if (error == Win32Errors.ERROR_HANDLE_EOF) {
                    return END;
                }
                throw new WintunException("WintunReceivePacket", error);
            }
            int size = rxSize.get(JAVA_INT, 0);
            int version = size == 0 ? 0 : (FfmSupport.EVERYTHING.get(JAVA_BYTE, packet) & 0xF0) >>> 4;
            if (version == 4 || version == 6) {
                pendingSize = size;
                return packet;
            }
            // Wintun is layer 3 only: anything else is garbage, dropped before it costs a copy.
            session.release(packet);
            add(rxDroppedNotIp, 1);
        }
    }

    /** Copies the pending packet into {@code buffer} and releases it in the ring. */
    private int take(long packet, PacketBuffer buffer) {
        int size = pendingSize;
        int start = buffer.start();
        int stored = Math.min(size, buffer.capacity() - start);
        MemorySegment.copy(FfmSupport.EVERYTHING, JAVA_BYTE, packet, buffer.array(), start, stored);
        session.release(packet);
        buffer.setBounds(start, start + stored);
        buffer.networkOffset(start);
        add(rxPackets, 1);
        add(rxBytes, size);
        if (stored < size) {
            add(rxTruncated, 1);
        }
        return size;
    }

    @Override
    protected String fullMessage() {
        return "the Wintun send ring of " + adapter.name() + " is full";
    }

    /**
     * Puts one packet into the send ring; false when the ring is full. A packet of a length Wintun
     * cannot carry counts as handled (dropped and counted). Caller holds the write lock and the guard.
     */
    @Override
    protected boolean send(PacketBuffer packet) throws WintunException {
        int length = packet.length();
        if (length <= 0 || length > MAX_IP_PACKET_SIZE) {
            txDroppedBadLength.incrementAndGet();
            return true;
        }
        long slot = session.allocateUnchecked(length);
        if (slot == 0) {
            // Full or ending: ask again capturing why (once per refused batch, not per packet).
            slot = session.allocate(txState, length);
        }
        if (slot == 0) {
            int error = session.lastError(txState);
            if (error == Win32Errors.ERROR_BUFFER_OVERFLOW) {
                add(txRingFull, 1);
                return false;
            }
            throw new WintunException("WintunAllocateSendPacket", error);
        }
        MemorySegment.copy(packet.array(), packet.start(), FfmSupport.EVERYTHING, JAVA_BYTE, slot, length);
        session.send(slot);
        add(txPackets, 1);
        add(txBytes, length);
        return true;
    }

    /**
     * Ends the session and, when this channel opened the adapter ({@link #open}), closes the
     * adapter; a blocked reader gets {@link ClosedChannelException}. Idempotent; a second caller
     * waits until the first has finished.
     */
    @Override
    public void close() throws IOException {
        closeSessionOnly();
        if (ownsAdapter) {
            adapter.close();
        }
    }

    /** The session half of {@link #close()}; also called by the adapter closing under a live session. */
    void closeSessionOnly() {
        if (!beginClose()) {
            return;
        }
        try {
            // Wake a reader blocked on the event; it sees the flag and leaves.
            natives.setEvent(session.readEvent);
            guard.awaitEmpty();
            session.end();
            arena.close();
        } finally {
            adapter.sessionEnded(this);
            closeFinished();
        }
    }

    /** Counters since the session started. */
    public Stats stats() {
        return new Stats(rxPackets.get(), rxBytes.get(), rxTruncated.get(), rxDroppedNotIp.get(), rxWaits.get(),
                txPackets.get(), txBytes.get(), txRingFull.get(), txDroppedBadLength.get());
    }

    @Override
    public String toString() {
        return "WintunChannel[" + adapter.name() + (isOpen() ? "" : ", closed") + "]";
    }

    /**
     * A snapshot of the channel's counters.
     *
     * @param rxPackets          packets read
     * @param rxBytes            their bytes (real lengths, also of truncated ones)
     * @param rxTruncated        packets larger than the reader's buffer
     * @param rxDroppedNotIp     ring entries dropped for being empty or not IPv4/IPv6
     * @param rxWaits            times the reader blocked on the read event
     * @param txPackets          packets put into the send ring
     * @param txBytes            their bytes
     * @param txRingFull         packets not sent because the send ring was full
     * @param txDroppedBadLength packets dropped for a length of 0 or above {@value #MAX_IP_PACKET_SIZE}
     */
    public record Stats(long rxPackets, long rxBytes, long rxTruncated, long rxDroppedNotIp, long rxWaits,
            long txPackets, long txBytes, long txRingFull, long txDroppedBadLength) {}
}
