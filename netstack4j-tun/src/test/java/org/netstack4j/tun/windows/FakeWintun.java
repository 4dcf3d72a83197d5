package org.netstack4j.tun.windows;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test build's fake wintun library (src/test/c/fake_wintun.c): its {@link Win32Natives}
 * (events exported by the fake, last error through errno) and its test controls.
 */
// Binding native code is this class's job; the module runs with native access enabled.
@SuppressWarnings("restricted")
final class FakeWintun implements Win32Natives {
    /** Where the build puts the library; {@code -Dnetstack4j.test.fakeWintun=...} overrides it. */
    static final Path LIBRARY = Path.of(System.getProperty("netstack4j.test.fakeWintun", "target/libfakewintun.so"));

    private static FakeWintun instance;

    final WintunLibrary library;
    private final MethodHandle wait;
    private final MethodHandle setEvent;
    private final MethodHandle terminate;
    private final MethodHandle setSendPaused;
    private final MethodHandle waitProcessed;
    private final MethodHandle receiveDrops;
    private final MethodHandle sessionCapacity;
    private final MethodHandle waiters;
    private final MethodHandle setWakeDelay;
    private final MethodHandle corruptNextPacket;
    private final MethodHandle requestedGuid;
    private final MethodHandle tunnelType;
    private final MethodHandle peerSend;
    private final MethodHandle peerReceive;
    private final MethodHandle callLog;
    private final MethodHandle clearCallLog;

    private FakeWintun() {
        if (!Files.isRegularFile(LIBRARY)) {
            throw new IllegalStateException(LIBRARY.toAbsolutePath()
                    + " is missing: the test build compiles it from src/test/c/fake_wintun.c with gcc");
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        wait = linker.downcallHandle(lib.findOrThrow("FakeWaitForSingleObject"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        setEvent = linker.downcallHandle(lib.findOrThrow("FakeSetEvent"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        terminate = linker.downcallHandle(lib.findOrThrow("FakeWintunTerminate"), FunctionDescriptor.ofVoid(JAVA_LONG));
        setSendPaused = linker.downcallHandle(lib.findOrThrow("FakeWintunSetSendPaused"), FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT));
        waitProcessed = linker.downcallHandle(lib.findOrThrow("FakeWintunWaitProcessed"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
        receiveDrops = linker.downcallHandle(lib.findOrThrow("FakeWintunReceiveDrops"), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
        sessionCapacity = linker.downcallHandle(lib.findOrThrow("FakeWintunSessionCapacity"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        corruptNextPacket = linker.downcallHandle(lib.findOrThrow("FakeWintunCorruptNextPacket"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        setWakeDelay = linker.downcallHandle(lib.findOrThrow("FakeWintunSetWakeDelay"), FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT));
        waiters = linker.downcallHandle(lib.findOrThrow("FakeWintunWaiters"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        requestedGuid = linker.downcallHandle(lib.findOrThrow("FakeWintunRequestedGuid"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        tunnelType = linker.downcallHandle(lib.findOrThrow("FakeWintunTunnelType"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT));
        peerSend = linker.downcallHandle(lib.findOrThrow("FakeWintunPeerSend"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT));
        peerReceive = linker.downcallHandle(lib.findOrThrow("FakeWintunPeerReceive"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT));
        callLog = linker.downcallHandle(lib.findOrThrow("FakeWintunCallLog"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        clearCallLog = linker.downcallHandle(lib.findOrThrow("FakeWintunClearCallLog"), FunctionDescriptor.ofVoid());
        library = WintunLibrary.load(LIBRARY, this);
    }

    /** The one instance: the fake's global state (adapter registry, logger) is per process anyway. */
    static synchronized FakeWintun get() {
        if (instance == null) {
            instance = new FakeWintun();
        }
        return instance;
    }

    @Override
    public int waitForSingleObject(long handle, int millis) {
        try {
            return (int) wait.invokeExact(handle, millis);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Override
    public boolean setEvent(long handle) {
        try {
            return (int) setEvent.invokeExact(handle) != 0;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Override
    public String lastErrorStateName() {
        return "errno";
    }

    /** Makes the adapter go away under its session: receive and allocate then fail with ERROR_HANDLE_EOF. */
    void terminate(WintunAdapter adapter) throws Throwable {
        terminate.invokeExact(adapter.handle());
    }

    void setSendPaused(WintunAdapter adapter, boolean paused) throws Throwable {
        setSendPaused.invokeExact(adapter.handle(), paused ? 1 : 0);
    }

    /** Waits (bounded) until the fake driver has taken {@code count} packets from the peer, stored or dropped. */
    boolean awaitProcessed(WintunAdapter adapter, long count) throws Throwable {
        return (int) waitProcessed.invokeExact(adapter.handle(), count, 10_000) != 0;
    }

    long receiveDrops(WintunAdapter adapter) throws Throwable {
        return (long) receiveDrops.invokeExact(adapter.handle());
    }

    /** Gives the next unread packet an impossible size, as a corrupted ring would. */
    boolean corruptNextPacket(WintunAdapter adapter) throws Throwable {
        return (int) corruptNextPacket.invokeExact(adapter.handle()) != 0;
    }

    /** A reader woken from the read event lingers {@code millis} inside the wait before returning. */
    void setWakeDelay(WintunAdapter adapter, int millis) throws Throwable {
        setWakeDelay.invokeExact(adapter.handle(), millis);
    }

    /** Waits (bounded) until a reader is blocked on the session's read event. */
    void awaitBlockedReader(WintunAdapter adapter) throws Throwable {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((int) waiters.invokeExact(adapter.handle()) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no reader blocked on the read event within 10 s");
            }
            Thread.sleep(1);
        }
    }

    int sessionCapacity(WintunAdapter adapter) throws Throwable {
        return (int) sessionCapacity.invokeExact(adapter.handle());
    }

    /** The 16 GUID bytes exactly as WintunCreateAdapter received them, or null when none was passed. */
    byte[] requestedGuid(WintunAdapter adapter) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(16);
            int present = (int) requestedGuid.invokeExact(adapter.handle(), out);
            return present == 0 ? null : out.toArray(JAVA_BYTE);
        }
    }

    String tunnelType(WintunAdapter adapter) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(512);
            int n = (int) tunnelType.invokeExact(adapter.handle(), out, 512);
            return out.getString(0, StandardCharsets.UTF_8);
        }
    }

    /** The operating system side sends {@code packet} into the adapter. */
    void peerSend(WintunAdapter adapter, byte[] packet) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(Math.max(1, packet.length));
            MemorySegment.copy(packet, 0, data, JAVA_BYTE, 0, packet.length);
            if ((int) peerSend.invokeExact(adapter.handle(), data, packet.length) != 0) {
                throw new AssertionError("peer send failed");
            }
        }
    }

    /** The next packet the client sent, or null when none arrives within {@code timeoutMillis}. */
    byte[] peerReceive(WintunAdapter adapter, int timeoutMillis) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(65_536);
            int n = (int) peerReceive.invokeExact(adapter.handle(), data, 65_536, timeoutMillis);
            if (n == -2) {
                return null;
            }
            if (n < 0) {
                throw new AssertionError("peer receive failed");
            }
            return data.asSlice(0, n).toArray(JAVA_BYTE);
        }
    }

    /** The fake's log of lifecycle calls (CreateAdapter, StartSession, SetEvent, EndSession, CloseAdapter). */
    String callLog() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(8192);
            int n = (int) callLog.invokeExact(out, 8192);
            return out.getString(0, StandardCharsets.UTF_8);
        }
    }

    void clearCallLog() throws Throwable {
        clearCallLog.invokeExact();
    }
}
