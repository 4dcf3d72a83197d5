package org.netstack4j.tun.macos;

import java.io.IOException;
import org.netstack4j.tun.TunDeviceChannel;
import org.netstack4j.tun.TunDeviceProvider;
import org.netstack4j.tun.TunDeviceRequest;

/**
 * The macOS {@link TunDeviceProvider}: a utun interface. The request's name is {@code utunN} for
 * that unit, or {@code null} for the next free one. No options.
 */
public final class UtunDeviceProvider implements TunDeviceProvider {
    /** For {@link java.util.ServiceLoader}. */
    public UtunDeviceProvider() {}

    @Override
    public String name() {
        return "utun";
    }

    @Override
    public boolean supports(String osName) {
        return Posix.isDarwin(osName);
    }

    @Override
    public TunDeviceChannel open(TunDeviceRequest request) throws IOException {
        request.requireKnownOptions("utun.");
        return UtunChannel.open(unit(request.name()));
    }

    /** The unit of {@code utunN}, or -1 (next free) for {@code null}. */
    static int unit(String name) {
        if (name == null) {
            return -1;
        }
        if (!name.matches("utun\\d{1,5}")) {
            throw new IllegalArgumentException("a utun interface is named utun<N>, not \"" + name + "\"");
        }
        return Integer.parseInt(name.substring(4));
    }
}
