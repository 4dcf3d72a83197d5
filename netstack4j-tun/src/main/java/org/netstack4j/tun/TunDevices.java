package org.netstack4j.tun;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens the operating system's tunnel interface with whichever {@link TunDeviceProvider} supports
 * the platform the JVM runs on: Wintun on Windows, utun on macOS, and whatever other providers are
 * on the class path.
 */
public final class TunDevices {
    private TunDevices() {}

    /**
     * Opens a tunnel interface on this platform.
     *
     * @throws UnsupportedOperationException when no provider supports this operating system
     */
    public static TunDeviceChannel open(TunDeviceRequest request) throws IOException {
        return provider().open(request);
    }

    /** The provider for this operating system. */
    public static TunDeviceProvider provider() {
        return select(System.getProperty("os.name", ""), installed());
    }

    /** Every provider on the class path. */
    public static List<TunDeviceProvider> installed() {
        List<TunDeviceProvider> all = new ArrayList<>();
        ServiceLoader.load(TunDeviceProvider.class, TunDevices.class.getClassLoader()).forEach(all::add);
        return all;
    }

    /**
     * The first of {@code providers} that supports {@code osName}.
     *
     * @throws UnsupportedOperationException naming the providers that were considered
     */
    public static TunDeviceProvider select(String osName, List<TunDeviceProvider> providers) {
        for (TunDeviceProvider p : providers) {
            if (p.supports(osName)) {
                return p;
            }
        }
        List<String> names = new ArrayList<>();
        for (TunDeviceProvider p : providers) {
            names.add(p.name());
        }
        throw new UnsupportedOperationException("no tunnel device provider for " + osName + " among " + names);
    }
}
