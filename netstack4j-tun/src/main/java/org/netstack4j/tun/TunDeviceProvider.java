package org.netstack4j.tun;

import java.io.IOException;

/**
 * Opens tunnel interfaces on one platform. Implementations are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/org.netstack4j.tun.TunDeviceProvider}),
 * and {@link TunDevices} picks the one that supports the running operating system, so the rest of
 * the stack only ever sees a {@link TunDeviceChannel}.
 */
public interface TunDeviceProvider {
    /** A short name, also the prefix of the provider's options ({@code wintun}, {@code utun}). */
    String name();

    /** True when this provider can run on the operating system named {@code osName} (the {@code os.name} property). */
    boolean supports(String osName);

    /**
     * Opens the interface {@code request} describes.
     *
     * @throws IOException              when the operating system refuses
     * @throws IllegalArgumentException for an invalid name or option
     */
    TunDeviceChannel open(TunDeviceRequest request) throws IOException;
}
