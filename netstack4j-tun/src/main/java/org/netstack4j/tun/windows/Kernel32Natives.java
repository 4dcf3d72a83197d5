package org.netstack4j.tun.windows;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/** {@link Win32Natives} bound to kernel32.dll. */
// Binding native code is this class's job; the module runs with native access enabled.
@SuppressWarnings("restricted")
final class Kernel32Natives implements Win32Natives {
    /** Bound on first use so that merely loading this class off Windows does not fail. */
    static final Lazy INSTANCE = new Lazy();

    private final MethodHandle waitForSingleObject;
    private final MethodHandle setEvent;

    private Kernel32Natives() {
        if (!System.getProperty("os.name", "").startsWith("Windows")) {
            throw new UnsupportedOperationException("kernel32 is only available on Windows, not on "
                    + System.getProperty("os.name"));
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup kernel32 = SymbolLookup.libraryLookup("kernel32", Arena.global());
        // HANDLE is pointer-sized; passing it as a 64-bit integer is the same ABI on x64 and arm64.
        waitForSingleObject = linker.downcallHandle(kernel32.findOrThrow("WaitForSingleObject"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        setEvent = linker.downcallHandle(kernel32.findOrThrow("SetEvent"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    }

    @Override
    public int waitForSingleObject(long handle, int millis) {
        try {
            return (int) waitForSingleObject.invokeExact(handle, millis);
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    @Override
    public boolean setEvent(long handle) {
        try {
            return (int) setEvent.invokeExact(handle) != 0;
        } catch (Throwable t) {
            throw FfmSupport.unexpected(t);
        }
    }

    @Override
    public String lastErrorStateName() {
        return "GetLastError";
    }

    static final class Lazy {
        private volatile Kernel32Natives instance;

        Kernel32Natives get() {
            Kernel32Natives k = instance;
            if (k == null) {
                synchronized (this) {
                    k = instance;
                    if (k == null) {
                        k = new Kernel32Natives();
                        instance = k;
                    }
                }
            }
            return k;
        }
    }
}
