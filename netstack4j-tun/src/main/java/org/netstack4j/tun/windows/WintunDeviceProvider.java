package org.netstack4j.tun.windows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import org.netstack4j.tun.TunDeviceChannel;
import org.netstack4j.tun.TunDeviceProvider;
import org.netstack4j.tun.TunDeviceRequest;

/**
 * The Windows {@link TunDeviceProvider}: a Wintun adapter. The request's name is the adapter name
 * (default {@value #DEFAULT_ADAPTER_NAME}). Options: {@code wintun.library} (wintun.dll or its
 * directory), {@code wintun.tunnelType}, {@code wintun.guid}, {@code wintun.openExisting}
 * ({@code true}/{@code false}), {@code wintun.ringCapacity} (bytes), {@code wintun.maxSpins}.
 */
public final class WintunDeviceProvider implements TunDeviceProvider {
    /** Adapter name used when the request names none. */
    public static final String DEFAULT_ADAPTER_NAME = "netstack4j";

    /** For {@link java.util.ServiceLoader}. */
    public WintunDeviceProvider() {}

    @Override
    public String name() {
        return "wintun";
    }

    @Override
    public boolean supports(String osName) {
        return osName.startsWith("Windows");
    }

    @Override
    public TunDeviceChannel open(TunDeviceRequest request) throws IOException {
        return WintunChannel.open(options(request));
    }

    /** The Wintun options a request stands for. */
    static WintunOptions options(TunDeviceRequest request) {
        request.requireKnownOptions("wintun.", "wintun.library", "wintun.tunnelType", "wintun.guid",
                "wintun.openExisting", "wintun.ringCapacity", "wintun.maxSpins");
        WintunOptions.Builder b = WintunOptions.builder(request.name() != null ? request.name() : DEFAULT_ADAPTER_NAME);
        String library = request.option("wintun.library", null);
        if (library != null) {
            b.libraryPath(Path.of(library));
        }
        b.tunnelType(request.option("wintun.tunnelType", WintunOptions.DEFAULT_TUNNEL_TYPE));
        String guid = request.option("wintun.guid", null);
        if (guid != null) {
            b.requestedGuid(UUID.fromString(guid.replace("{", "").replace("}", "")));
        }
        String open = request.option("wintun.openExisting", "false");
        if (!open.equals("true") && !open.equals("false")) {
            throw new IllegalArgumentException("wintun.openExisting must be true or false: " + open);
        }
        b.openExisting(open.equals("true"));
        b.ringCapacity(intOption(request, "wintun.ringCapacity", WintunOptions.DEFAULT_RING_CAPACITY));
        b.maxSpins(intOption(request, "wintun.maxSpins", WintunOptions.DEFAULT_MAX_SPINS));
        return b.build();
    }

    private static int intOption(TunDeviceRequest request, String key, int defaultValue) {
        String v = request.option(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.decode(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not an integer: " + v, e);
        }
    }
}
