package org.netstack4j.link;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.netstack4j.buffer.PacketBuffer;

/**
 * An in-memory, bounded, boundary-preserving packet pipe: two {@link PacketChannel} ends, where a
 * packet written to one end is read from the other. For tests, and for joining two stacks in one
 * JVM without a device.
 *
 * <p>Each direction is a ring of {@code capacity} preallocated slots of {@code maxPacketSize} bytes:
 * a write copies the packet into a slot and a read copies it out, so neither allocates and the
 * writer may reuse its buffer at once. Writers never block: a full ring makes {@link End#write}
 * throw {@link ChannelFullException} and {@link End#writeBatch} return a short count, which a link
 * endpoint counts as a drop. A reader blocked on an empty ring parks and is woken by the next write
 * or by {@link End#close()}.
 *
 * <p>Closing one end makes the other end's reads return the packets still queued, then {@code -1}
 * (end of stream), and its writes fail, like a socket pair. Interrupting a reader blocked in
 * {@link End#read} closes its end and throws {@link ClosedByInterruptException}, as NIO channels do.
 */
public final class PacketPipe {
    private final End a;
    private final End b;

    private PacketPipe(int capacity, int maxPacketSize) {
        Ring aToB = new Ring(capacity, maxPacketSize);
        Ring bToA = new Ring(capacity, maxPacketSize);
        a = new End("a", bToA, aToB);
        b = new End("b", aToB, bToA);
        a.peer = b;
        b.peer = a;
    }

    /**
     * A new pipe.
     *
     * @param capacity      packets queued per direction before writes are refused (rounded up to a
     *                      power of two)
     * @param maxPacketSize the largest packet a write accepts
     */
    public static PacketPipe open(int capacity, int maxPacketSize) {
        if (capacity <= 0 || capacity > (1 << 20) || maxPacketSize <= 0) {
            throw new IllegalArgumentException("capacity=" + capacity + " maxPacketSize=" + maxPacketSize);
        }
        return new PacketPipe(capacity, maxPacketSize);
    }

    /** One end; packets written here are read at {@link #b()}. */
    public End a() {
        return a;
    }

    /** The other end; packets written here are read at {@link #a()}. */
    public End b() {
        return b;
    }

    /** Closes both ends. */
    public void close() {
        a.close();
        b.close();
    }

    /** One end of a {@link PacketPipe}. */
    public static final class End implements PacketChannel {
        private static final int SPINS = 64;
        private final String name;
        private final Ring inbound;
        private final Ring outbound;
        private End peer;
        private volatile boolean closed;

        private End(String name, Ring inbound, Ring outbound) {
            this.name = name;
            this.inbound = inbound;
            this.outbound = outbound;
        }

        @Override
        public int read(PacketBuffer buffer) throws IOException {
            Ring ring = inbound;
            for (;;) {
                if (closed) {
                    throw new AsynchronousCloseException();
                }
                int n = ring.poll(buffer);
                if (n >= 0) {
                    return n;
                }
                if (peer.closed) {
                    // Anything the peer wrote before closing was published before its flag.
                    n = ring.poll(buffer);
                    return n >= 0 ? n : -1;
                }
                if (spin(ring)) {
                    continue;
                }
                ring.waiter = Thread.currentThread();
                // Re-check after announcing ourselves: a write or close that raced with the checks
                // above either is visible now or will see the waiter and unpark us.
                if (ring.isEmpty() && !closed && !peer.closed) {
                    LockSupport.park(this);
                }
                ring.waiter = null;
                if (Thread.currentThread().isInterrupted()) {
                    // As NIO's interruptible channels do: the interrupt closes the channel (and stays set),
                    // rather than turning park() into a busy loop.
                    close();
                    throw new ClosedByInterruptException();
                }
            }
        }

        /** Spins briefly for a packet before parking: a streaming writer is usually microseconds away. */
        private boolean spin(Ring ring) {
            for (int i = 0; i < SPINS; i++) {
                if (!ring.isEmpty() || closed || peer.closed) {
                    return true;
                }
                Thread.onSpinWait();
            }
            return false;
        }

        @Override
        public int readBatch(PacketBuffer[] buffers, int[] lengths, int count) throws IOException {
            int n = read(buffers[0]);
            if (n < 0) {
                return -1;
            }
            lengths[0] = n;
            int filled = 1;
            while (filled < count) {
                n = inbound.poll(buffers[filled]);
                if (n < 0) {
                    break;
                }
                lengths[filled++] = n;
            }
            return filled;
        }

        @Override
        public void write(PacketBuffer packet) throws IOException {
            checkWritable(packet);
            if (!outbound.offer(packet)) {
                throw new ChannelFullException("pipe end " + name + ": ring of " + outbound.capacity() + " full");
            }
        }

        @Override
        public int writeBatch(PacketBuffer[] packets, int count) throws IOException {
            for (int i = 0; i < count; i++) {
                PacketBuffer p = packets[i];
                try {
                    checkWritable(p);
                } catch (IOException e) {
                    if (i == 0) {
                        throw e;
                    }
                    return i;
                }
                if (!outbound.offer(p)) {
                    return i;
                }
            }
            return count;
        }

        private void checkWritable(PacketBuffer packet) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (peer.closed) {
                throw new IOException("pipe end " + name + ": peer closed");
            }
            if (packet.length() > outbound.maxPacketSize()) {
                throw new IOException("pipe end " + name + ": packet of " + packet.length()
                        + " bytes exceeds the pipe's maximum of " + outbound.maxPacketSize());
            }
        }

        /** True while a reader is parked in {@link #read} at this end waiting for a packet. */
        public boolean hasBlockedReader() {
            return inbound.waiter != null;
        }

        /** Packets waiting to be read at this end. */
        public int queued() {
            return inbound.size();
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            inbound.wake();
            outbound.wake(); // the peer's reader sees end of stream once the ring is drained
        }

        @Override
        public String toString() {
            return "PacketPipe.End[" + name + (closed ? ", closed]" : "]");
        }
    }

    /**
     * A bounded multi-producer, single-consumer ring of fixed-size byte slots. Per-slot sequence
     * numbers publish a slot once its bytes are copied (the scheme of Vyukov's bounded queue), so
     * producers never lock and never allocate.
     */
    private static final class Ring {
        private final byte[][] slots;
        private final int[] lengths;
        private final AtomicLongArray seq;
        private final AtomicLong tail = new AtomicLong();
        private final AtomicLong head = new AtomicLong();
        private final int mask;
        private final int maxPacketSize;
        volatile Thread waiter;
        private static final java.lang.invoke.VarHandle WAITER;

        static {
            try {
                WAITER = java.lang.invoke.MethodHandles.lookup().findVarHandle(Ring.class, "waiter", Thread.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        Ring(int capacity, int maxPacketSize) {
            int size = capacity == 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1;
            this.mask = size - 1;
            this.maxPacketSize = maxPacketSize;
            this.slots = new byte[size][maxPacketSize];
            this.lengths = new int[size];
            this.seq = new AtomicLongArray(size);
            for (int i = 0; i < size; i++) {
                seq.set(i, i);
            }
        }

        int capacity() {
            return mask + 1;
        }

        int maxPacketSize() {
            return maxPacketSize;
        }

        boolean offer(PacketBuffer packet) {
            long pos = tail.get();
            for (;;) {
                int i = (int) pos & mask;
                long diff = seq.get(i) - pos;
                if (diff == 0) {
                    if (tail.compareAndSet(pos, pos + 1)) {
                        int len = packet.length();
                        System.arraycopy(packet.array(), packet.start(), slots[i], 0, len);
                        lengths[i] = len;
                        seq.set(i, pos + 1);
                        wake();
                        return true;
                    }
                    pos = tail.get();
                } else if (diff < 0) {
                    return false;
                } else {
                    pos = tail.get();
                }
            }
        }

        /** Copies the oldest packet into {@code buffer}; returns its length, or -1 when none is ready. */
        int poll(PacketBuffer buffer) {
            long pos = head.get();
            int i = (int) pos & mask;
            if (seq.get(i) != pos + 1) {
                return -1;
            }
            int len = lengths[i];
            int at = buffer.start();
            int stored = Math.min(len, buffer.capacity() - at);
            System.arraycopy(slots[i], 0, buffer.array(), at, stored);
            buffer.setBounds(at, at + stored);
            seq.set(i, pos + mask + 1);
            head.set(pos + 1);
            return len;
        }

        boolean isEmpty() {
            long pos = head.get();
            return seq.get((int) pos & mask) != pos + 1;
        }

        int size() {
            return (int) Math.max(0, tail.get() - head.get());
        }

        /**
         * Unparks a parked reader. Only the writer that takes the waiter out of the field unparks it,
         * so a burst of writes to a sleeping reader costs one wake-up, not one per packet.
         */
        void wake() {
            if (waiter != null) {
                Thread w = (Thread) WAITER.getAndSet(this, null);
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }
}
