package org.netstack4j.tun.windows;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * wintun.dll (API 0.14) bound through FFM: adapters, the driver version, the driver log. Sessions and
 * packets go through {@link WintunChannel}.
 *
 * <p>The DLL stays loaded for the life of the process once loaded (unloading it under live adapters
 * would leave their handles dangling). Its log is routed to the {@link System.Logger} named
 * {@code org.netstack4j.tun.windows.wintun} (wintun's info lines at {@code DEBUG}, warnings and errors
 * as such) until {@link #setLogSink} replaces it.
 *
 * <p>All wintun calls that can fail capture the thread's last error right after the call
 * ({@link Linker.Option#captureCallState}); reading it with a separate {@code GetLastError} call
 * would be unreliable because the JVM itself may make system calls in between.
 */
// Binding native code is this class's job; the module runs with native access enabled.
@SuppressWarnings("restricted")
public final class WintunLibrary {
    /** Longest adapter name in UTF-16 code units, without the terminating NUL ({@code MAX_ADAPTER_NAME} - 1). */
    public static final int MAX_ADAPTER_NAME_LENGTH = 127;

    private static final Logger WINTUN_LOG = System.getLogger("org.netstack4j.tun.windows.wintun");
    private static final long FILETIME_UNIX_EPOCH_SECONDS = 11_644_473_600L;
    private static final ConcurrentHashMap<Key, WintunLibrary> LOADED = new ConcurrentHashMap<>();

    final Win32Natives natives;
    private final Path path;
    private final VarHandle lastError;
    private final MethodHandle createAdapter;
    private final MethodHandle openAdapter;
    final MethodHandle closeAdapter;
    private final MethodHandle deleteDriver;
    private final MethodHandle getAdapterLuid;
    private final MethodHandle getRunningDriverVersion;
    private final MethodHandle setLogger;
    final MethodHandle startSession;
    final MethodHandle endSession;
    final MethodHandle getReadWaitEvent;
    final MethodHandle receivePacket;
    final MethodHandle receivePacketUnchecked;
    final MethodHandle releaseReceivePacket;
    final MethodHandle allocateSendPacket;
    final MethodHandle allocateSendPacketUnchecked;
    final MethodHandle sendPacket;
    private volatile WintunLogSink logSink;
    private MemorySegment loggerStub;

    private WintunLibrary(Path path, Win32Natives natives) {
        FfmSupport.requireSixtyFourBit();
        this.path = path;
        this.natives = natives;
        SymbolLookup dll;
        try {
            dll = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot load " + path
                    + " (is it a wintun.dll built for this JVM's architecture, " + System.getProperty("os.arch") + "?)", e);
        }
        Linker linker = Linker.nativeLinker();
        Linker.Option capture = Linker.Option.captureCallState(natives.lastErrorStateName());
        this.lastError = FfmSupport.capturedStateHandle(natives.lastErrorStateName());
        // Handles and packet pointers are bound as 64-bit integers (the same ABI as pointers on every
        // 64-bit Windows), so the packet path creates no MemorySegment per call.
        createAdapter = linker.downcallHandle(dll.findOrThrow("WintunCreateAdapter"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS), capture);
        openAdapter = linker.downcallHandle(dll.findOrThrow("WintunOpenAdapter"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS), capture);
        closeAdapter = linker.downcallHandle(dll.findOrThrow("WintunCloseAdapter"),
                FunctionDescriptor.ofVoid(JAVA_LONG));
        deleteDriver = linker.downcallHandle(dll.findOrThrow("WintunDeleteDriver"),
                FunctionDescriptor.of(JAVA_INT), capture);
        getAdapterLuid = linker.downcallHandle(dll.findOrThrow("WintunGetAdapterLUID"),
                FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS));
        getRunningDriverVersion = linker.downcallHandle(dll.findOrThrow("WintunGetRunningDriverVersion"),
                FunctionDescriptor.of(JAVA_INT), capture);
        setLogger = linker.downcallHandle(dll.findOrThrow("WintunSetLogger"),
                FunctionDescriptor.ofVoid(ADDRESS));
        startSession = linker.downcallHandle(dll.findOrThrow("WintunStartSession"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT), capture);
        endSession = linker.downcallHandle(dll.findOrThrow("WintunEndSession"),
                FunctionDescriptor.ofVoid(JAVA_LONG));
        getReadWaitEvent = linker.downcallHandle(dll.findOrThrow("WintunGetReadWaitEvent"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
        receivePacket = linker.downcallHandle(dll.findOrThrow("WintunReceivePacket"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS), capture);
        // The same two calls without error capture, for the per-packet path: passing the capture
        // segment makes the JDK slice it on every call, an allocation only escape analysis removes,
        // and not reliably. A NULL from them is followed by the capturing call to learn why.
        receivePacketUnchecked = linker.downcallHandle(dll.findOrThrow("WintunReceivePacket"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        allocateSendPacketUnchecked = linker.downcallHandle(dll.findOrThrow("WintunAllocateSendPacket"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT));
        releaseReceivePacket = linker.downcallHandle(dll.findOrThrow("WintunReleaseReceivePacket"),
                FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG));
        allocateSendPacket = linker.downcallHandle(dll.findOrThrow("WintunAllocateSendPacket"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT), capture);
        sendPacket = linker.downcallHandle(dll.findOrThrow("WintunSendPacket"),
                FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG));
    }

    /**
     * Loads wintun.dll from {@code dll} with the real kernel32 calls (once per file). Windows only.
     *
     * @throws IllegalArgumentException if the file cannot be loaded
     */
    public static WintunLibrary load(Path dll) {
        return load(dll, Win32Natives.kernel32());
    }

    /**
     * Loads a wintun library from {@code library} using {@code natives} for the event and last-error
     * calls (a port or a test double). Loading the same file with the same natives again returns
     * the same instance.
     *
     * @throws IllegalArgumentException if the file cannot be loaded or lacks a wintun function
     */
    public static WintunLibrary load(Path library, Win32Natives natives) {
        Objects.requireNonNull(library, "library");
        Objects.requireNonNull(natives, "natives");
        // One binding per file and natives: the DLL is loaded once anyway, and its logger is global.
        return LOADED.computeIfAbsent(new Key(library.toAbsolutePath().normalize(), natives), k -> {
            WintunLibrary lib = new WintunLibrary(k.path(), k.natives());
            lib.setLogSink(WintunLibrary::logToSystemLogger);
            return lib;
        });
    }

    private record Key(Path path, Win32Natives natives) {}

    /**
     * Finds wintun.dll: {@code explicit} when given (a file, or a directory holding wintun.dll),
     * otherwise the application directory (the launcher's directory of a jpackage application, then
     * the directory of netstack4j's jar), looking for {@code wintun.dll}, {@code <arch>/wintun.dll}
     * and {@code wintun/bin/<arch>/wintun.dll} there. The {@code PATH} and the working directory are
     * never searched.
     *
     * @param explicit the configured path, or {@code null}
     * @throws java.io.FileNotFoundException naming every place looked at
     */
    public static Path locate(Path explicit) throws IOException {
        return WintunLibraryLocator.locate(explicit, WintunLibraryLocator.applicationDirectories(),
                WintunLibraryLocator.windowsArch(System.getProperty("os.arch", "")));
    }

    /** The file this library was loaded from. */
    public Path path() {
        return path;
    }

    /**
     * Creates a new adapter ({@code WintunCreateAdapter}); closing it removes it. Needs an elevated
     * process. The driver is installed on first use.
     *
     * @param name          the adapter's name, also its interface alias (at most
     *                      {@value #MAX_ADAPTER_NAME_LENGTH} UTF-16 units)
     * @param tunnelType    the tunnel type shown for the adapter (same limit)
     * @param requestedGuid the adapter's GUID (its network profile identity), or {@code null} for a
     *                      random one
     * @throws WintunException with the Win32 error the call reported
     */
    public WintunAdapter createAdapter(String name, String tunnelType, UUID requestedGuid) throws WintunException {
        checkName("name", name);
        checkName("tunnelType", tunnelType);
        long handle;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment guid = requestedGuid == null ? MemorySegment.NULL : writeGuid(arena, requestedGuid);
            handle = (long) createAdapter.invokeExact(state, wide(arena, name), wide(arena, tunnelType), guid);
            if (handle == 0) {
                throw new WintunException("WintunCreateAdapter", lastError(state));
            }
        } catch (WintunException e) {
            throw e;
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
        return new WintunAdapter(this, handle, name);
    }

    /**
     * Opens an existing adapter by name ({@code WintunOpenAdapter}); closing it leaves the adapter in
     * place.
     *
     * @throws WintunException {@code ERROR_FILE_NOT_FOUND} when there is none of that name
     */
    public WintunAdapter openAdapter(String name) throws WintunException {
        checkName("name", name);
        long handle;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            handle = (long) openAdapter.invokeExact(state, wide(arena, name));
            if (handle == 0) {
                throw new WintunException("WintunOpenAdapter", lastError(state));
            }
        } catch (WintunException e) {
            throw e;
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
        return new WintunAdapter(this, handle, name);
    }

    /**
     * The version of the loaded Wintun driver ({@code WintunGetRunningDriverVersion}): major in the
     * high 16 bits, minor in the low 16 bits; see {@link #formatVersion(int)}.
     *
     * @throws WintunException {@code ERROR_FILE_NOT_FOUND} when the driver is not loaded
     */
    public int runningDriverVersion() throws WintunException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int version = (int) getRunningDriverVersion.invokeExact(state);
            if (version == 0) {
                throw new WintunException("WintunGetRunningDriverVersion", lastError(state));
            }
            return version;
        } catch (WintunException e) {
            throw e;
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    /** {@code "major.minor"} of a {@link #runningDriverVersion()} value. */
    public static String formatVersion(int version) {
        return (version >>> 16) + "." + (version & 0xFFFF);
    }

    /**
     * Removes the Wintun driver from the system if no adapter uses it any more
     * ({@code WintunDeleteDriver}). Applications normally never call this.
     *
     * @throws WintunException with the error the call reported
     */
    public void deleteDriver() throws WintunException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            if ((int) deleteDriver.invokeExact(state) == 0) {
                throw new WintunException("WintunDeleteDriver", lastError(state));
            }
        } catch (WintunException e) {
            throw e;
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    /**
     * Routes wintun's log to {@code sink} ({@code WintunSetLogger}), or turns it off with
     * {@code null}. The logger is process-wide inside wintun.dll.
     */
    public synchronized void setLogSink(WintunLogSink sink) {
        logSink = sink;
        try {
            if (sink == null) {
                setLogger.invokeExact(MemorySegment.NULL);
                return;
            }
            if (loggerStub == null) {
                MethodHandle target = MethodHandles.lookup()
                        .findVirtual(WintunLibrary.class, "onLog", MethodType.methodType(void.class, int.class, long.class, MemorySegment.class))
                        .bindTo(this);
                // Lives as long as the process: wintun may call it from any thread at any time.
                loggerStub = Linker.nativeLinker().upcallStub(target,
                        FunctionDescriptor.ofVoid(JAVA_INT, JAVA_LONG, ADDRESS), Arena.global());
            }
            setLogger.invokeExact(loggerStub);
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    /** The upcall target of wintun's logger; nothing may be thrown across the native frame. */
    private void onLog(int level, long filetime, MemorySegment message) {
        try {
            WintunLogSink sink = logSink;
            if (sink == null) {
                return;
            }
            String text = message.equals(MemorySegment.NULL)
                    ? ""
                    : message.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_16LE);
            Level l = switch (level) {
                case 0 -> Level.INFO;
                case 1 -> Level.WARNING;
                default -> Level.ERROR;
            };
            sink.log(l, fileTimeToInstant(filetime), text);
        } catch (Throwable ignored) {
            // An exception escaping an upcall would end the JVM; a log line is not worth that.
        }
    }

    static Instant fileTimeToInstant(long filetime) {
        long seconds = Long.divideUnsigned(filetime, 10_000_000L) - FILETIME_UNIX_EPOCH_SECONDS;
        long nanos = Long.remainderUnsigned(filetime, 10_000_000L) * 100L;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static void logToSystemLogger(Level level, Instant time, String message) {
        // Wintun's "info" lines narrate adapter and driver set-up: debug detail for an application.
        WINTUN_LOG.log(level == Level.INFO ? Level.DEBUG : level, message);
    }

    NetLuid adapterLuid(long adapter) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment luid = arena.allocate(JAVA_LONG);
            getAdapterLuid.invokeExact(adapter, luid);
            return new NetLuid(luid.get(JAVA_LONG, 0));
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    /** The last error captured in {@code state} by the preceding downcall. */
    int lastError(MemorySegment state) {
        return (int) lastError.get(state, 0L);
    }

    /**
     * A GUID in its in-memory layout: {@code Data1} (32 bits), {@code Data2}, {@code Data3} (16 bits
     * each, little-endian like every Windows platform) and {@code Data4} (8 bytes in order), the
     * layout that makes {@code {xxxxxxxx-xxxx-...}} text match the UUID's text.
     */
    static MemorySegment writeGuid(Arena arena, UUID uuid) {
        MemorySegment g = arena.allocate(16, 4);
        long msb = uuid.getMostSignificantBits();
        long lsb = uuid.getLeastSignificantBits();
        g.set(JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN), 0, (int) (msb >>> 32));
        g.set(JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN), 4, (short) (msb >>> 16));
        g.set(JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN), 6, (short) msb);
        for (int i = 0; i < 8; i++) {
            g.set(JAVA_BYTE, 8 + i, (byte) (lsb >>> (56 - 8 * i)));
        }
        return g;
    }

    private static MemorySegment wide(Arena arena, String s) {
        return arena.allocateFrom(s, StandardCharsets.UTF_16LE);
    }

    private static void checkName(String what, String s) {
        Objects.requireNonNull(s, what);
        if (s.isEmpty() || s.length() > MAX_ADAPTER_NAME_LENGTH || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_ADAPTER_NAME_LENGTH
                    + " UTF-16 units without NUL: \"" + s + "\"");
        }
    }
}
