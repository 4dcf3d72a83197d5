package org.netstack4j.tun.windows;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;

/**
 * One Wintun adapter handle, from {@link WintunLibrary#createAdapter} or
 * {@link WintunLibrary#openAdapter}. Closing the handle of a created adapter removes the adapter.
 *
 * <p>Addresses, routes and the MTU are set on the interface with the Windows IP Helper API or
 * {@code netsh}/PowerShell, identified by {@link #luid()} or by the adapter's name (its interface
 * alias). Wintun itself carries IP packets of up to {@value WintunChannel#MAX_IP_PACKET_SIZE} bytes
 * whatever the interface MTU says; the stack's MTU should equal the interface's.
 */
public final class WintunAdapter implements AutoCloseable {
    private final WintunLibrary library;
    private final long handle;
    private final String name;
    private WintunChannel session;
    private boolean closed;

    WintunAdapter(WintunLibrary library, long handle, String name) {
        this.library = library;
        this.handle = handle;
        this.name = name;
    }

    /** The adapter's name (its interface alias in Windows). */
    public String name() {
        return name;
    }

    /** The interface's LUID, the key for IP Helper calls that set addresses, routes and the MTU. */
    public synchronized NetLuid luid() {
        requireOpen();
        return library.adapterLuid(handle);
    }

    /**
     * Starts the adapter's one session and returns it as a packet channel
     * ({@code WintunStartSession}). Closing the channel ends the session and leaves the adapter open.
     *
     * @param ringCapacity bytes in each of the two rings: a power of two from
     *                     {@value WintunChannel#MIN_RING_CAPACITY} to {@value WintunChannel#MAX_RING_CAPACITY}
     * @param maxSpins     how many times a reader that finds the ring empty may poll it again before
     *                     blocking on the read event (0: never spin); see {@link WintunOptions#maxSpins}
     * @throws IllegalArgumentException if the capacity is not such a power of two
     * @throws WintunException          with the error the call reported (e.g. a session is already running)
     */
    public WintunChannel startSession(int ringCapacity, int maxSpins) throws WintunException {
        return start(ringCapacity, maxSpins, false);
    }

    synchronized WintunChannel start(int ringCapacity, int maxSpins, boolean channelOwnsAdapter) throws WintunException {
        requireOpen();
        WintunChannel.checkRingCapacity(ringCapacity);
        if (maxSpins < 0) {
            throw new IllegalArgumentException("maxSpins " + maxSpins + " < 0");
        }
        long sessionHandle;
        long readEvent;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            sessionHandle = (long) library.startSession.invokeExact(state, handle, ringCapacity);
            if (sessionHandle == 0) {
                throw new WintunException("WintunStartSession", library.lastError(state));
            }
            readEvent = (long) library.getReadWaitEvent.invokeExact(sessionHandle);
        } catch (WintunException e) {
            throw e;
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
        WintunChannel channel = new WintunChannel(this, channelOwnsAdapter,
                new WintunSession(library, sessionHandle, readEvent), maxSpins);
        session = channel;
        return channel;
    }

    /** Starts a session with the default spin limit; see {@link #startSession(int, int)}. */
    public WintunChannel startSession(int ringCapacity) throws WintunException {
        return startSession(ringCapacity, WintunOptions.DEFAULT_MAX_SPINS);
    }

    /**
     * Closes the adapter handle ({@code WintunCloseAdapter}) after closing its channel if one is
     * still open, so the session always ends first; idempotent.
     */
    @Override
    public void close() throws IOException {
        WintunChannel open;
        synchronized (this) {
            if (closed) {
                return;
            }
            open = session;
        }
        if (open != null) {
            open.closeSessionOnly();
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            session = null;
            try {
                library.closeAdapter.invokeExact(handle);
            } catch (Throwable t) {
                throw FfmSupport.unexpected(t);
            }
        }
    }

    synchronized void sessionEnded(WintunChannel channel) {
        if (session == channel) {
            session = null;
        }
    }

    /** The raw WINTUN_ADAPTER_HANDLE, for tests that drive a fake library. */
    long handle() {
        return handle;
    }

    WintunLibrary library() {
        return library;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("adapter " + name + " is closed");
        }
    }

    @Override
    public String toString() {
        return "WintunAdapter[" + name + "]";
    }
}
