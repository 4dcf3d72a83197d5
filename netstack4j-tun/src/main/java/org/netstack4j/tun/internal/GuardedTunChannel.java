package org.netstack4j.tun.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.ChannelFullException;
import org.netstack4j.tun.TunDeviceChannel;

/**
 * What the tunnel channels that copy each packet through native memory (utun, Wintun) share: a
 * {@link CallGuard} around every native call so close can free the handles only once nobody uses them,
 * serialised writes with the full-queue contract ({@link ChannelFullException} from {@link #write}, a short
 * count from {@link #writeBatch}), the wait of a second closer for the first, and single-writer counters.
 * How a packet is read, sent and the handles are closed stays with the subclass.
 *
 * <p>Internal to netstack4j's device channels; not a supported API.
 */
public abstract class GuardedTunChannel implements TunDeviceChannel {
    /** Counts the threads inside read, write and their native calls. */
    protected final CallGuard guard = new CallGuard();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Object writeLock = new Object();

    /** A channel that is open. */
    protected GuardedTunChannel() {}

    /**
     * Puts one packet on the device; the caller holds the write lock and the guard.
     *
     * @return false when the device cannot take it now; true when sent, or dropped and counted
     */
    protected abstract boolean send(PacketBuffer packet) throws IOException;

    /** The message of the {@link ChannelFullException} {@link #write} throws. */
    protected abstract String fullMessage();

    /** Enters the guard. */
    protected final void enter() throws ClosedChannelException {
        if (!guard.enter()) {
            throw new ClosedChannelException();
        }
    }

    /** {@link #readBatch} takes at least one buffer. */
    protected static void checkBatchCount(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count " + count + " < 1");
        }
    }

    @Override
    public final void write(PacketBuffer packet) throws IOException {
        enter();
        try {
            boolean sent;
            synchronized (writeLock) {
                sent = send(packet);
            }
            if (!sent) {
                throw new ChannelFullException(fullMessage());
            }
        } finally {
            guard.exit();
        }
    }

    @Override
    public final int writeBatch(PacketBuffer[] packets, int count) throws IOException {
        enter();
        try {
            synchronized (writeLock) {
                for (int i = 0; i < count; i++) {
                    try {
                        if (!send(packets[i])) {
                            return i; // the device's queue is full: the rest is not sent
                        }
                    } catch (IOException e) {
                        if (i == 0) {
                            throw e;
                        }
                        return i;
                    }
                }
                return count;
            }
        } finally {
            guard.exit();
        }
    }

    @Override
    public boolean isOpen() {
        return !guard.isClosed();
    }

    /**
     * Marks the channel closed. True for the first caller, who must then wake its reader, wait for
     * {@link CallGuard#awaitEmpty()}, free the handles and call {@link #closeFinished()}; a later caller
     * waits until that is done and gets false.
     */
    protected final boolean beginClose() {
        if (guard.close()) {
            return true;
        }
        boolean interrupted = false;
        while (true) {
            try {
                closed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The first closer is done (whether or not freeing the handles failed). */
    protected final void closeFinished() {
        closed.countDown();
    }

    /** Single-writer counter update: the reader's counters, and the writers' under the write lock. */
    protected static void add(AtomicLong counter, long delta) {
        counter.setRelease(counter.getPlain() + delta);
    }
}
