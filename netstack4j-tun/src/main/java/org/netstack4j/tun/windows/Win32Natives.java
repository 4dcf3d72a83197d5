package org.netstack4j.tun.windows;

import java.lang.foreign.Linker;

/**
 * The few Windows system calls the Wintun channel needs besides wintun.dll itself: waiting on and
 * signalling the session's read event, and the name under which the thread's last error is
 * captured after each downcall.
 *
 * <p>They sit behind this interface so the channel's code paths run unchanged on a machine without
 * kernel32 (the tests use a fake wintun library that exports its own event functions and reports
 * errors through {@code errno}). {@link #kernel32()} is the real implementation.
 *
 * <p>Handles are passed as raw addresses ({@code long}) so that the per-packet path allocates nothing.
 */
public interface Win32Natives {
    /** {@code WaitForSingleObject} result: the object was signalled. */
    int WAIT_OBJECT_0 = 0;
    /** {@code WaitForSingleObject} result: the timeout elapsed. */
    int WAIT_TIMEOUT = 0x102;
    /** {@code WaitForSingleObject} result: the call failed. */
    int WAIT_FAILED = 0xFFFFFFFF;
    /** Timeout value meaning "wait forever". */
    int INFINITE = 0xFFFFFFFF;

    /**
     * {@code WaitForSingleObject(handle, millis)}: blocks until the event is signalled or the
     * timeout elapses.
     *
     * @return {@link #WAIT_OBJECT_0}, {@link #WAIT_TIMEOUT} or {@link #WAIT_FAILED}
     */
    int waitForSingleObject(long handle, int millis);

    /** {@code SetEvent(handle)}; returns false when the call failed. */
    boolean setEvent(long handle);

    /**
     * The {@link Linker.Option#captureCallState(String...)} name under which the thread's last
     * error is read right after a wintun downcall: {@code "GetLastError"} on Windows.
     */
    String lastErrorStateName();

    /** The real calls from kernel32.dll; only available on Windows. */
    static Win32Natives kernel32() {
        return Kernel32Natives.INSTANCE.get();
    }
}
