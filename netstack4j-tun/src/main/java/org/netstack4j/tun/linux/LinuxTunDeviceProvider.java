package org.netstack4j.tun.linux;

import java.io.IOException;
import org.netstack4j.tun.TunDeviceChannel;
import org.netstack4j.tun.TunDeviceProvider;
import org.netstack4j.tun.TunDeviceRequest;

/**
 * The Linux {@link TunDeviceProvider}: one queue of a TUN device ({@code /dev/net/tun},
 * {@code IFF_NO_PI}), created or attached by name, {@code tun%d} when the request names none.
 * Options:
 * <ul>
 *   <li>{@code tun.mtu}: set the MTU (default: leave it)</li>
 *   <li>{@code tun.up}: {@code true} brings the link up (default {@code false}: addresses and routes
 *       are the application's, or its administrator's, business)</li>
 *   <li>{@code tun.offloads}: {@code none} (default) or {@code tcp}: virtio-net header with checksum
 *       and TCP segmentation offload; super-packets read are cut into segments, written ones are
 *       segmented by the kernel</li>
 *   <li>{@code tun.multiQueue}: {@code true} to attach to a multi-queue device</li>
 * </ul>
 * The full API (queues, TAP, adoption, fanout sockets) is {@link TunDevice} and its neighbours.
 */
public final class LinuxTunDeviceProvider implements TunDeviceProvider {
    /** For {@link java.util.ServiceLoader}. */
    public LinuxTunDeviceProvider() {
    }

    @Override
    public String name() {
        return "tun";
    }

    @Override
    public boolean supports(String osName) {
        return osName.startsWith("Linux");
    }

    @Override
    public TunDeviceChannel open(TunDeviceRequest request) throws IOException {
        request.requireKnownOptions("tun.", "tun.mtu", "tun.up", "tun.offloads", "tun.multiQueue");
        TunOptions options = TunOptions.tun(request.name() == null ? "tun%d" : request.name())
                .withMultiQueue(flag(request, "tun.multiQueue"));
        String offloads = request.option("tun.offloads", "none");
        switch (offloads) {
            case "none" -> { }
            case "tcp" -> options = options.withOffloads(TunOffload.tcp());
            default -> throw new IllegalArgumentException("tun.offloads is none or tcp, not " + offloads);
        }
        String mtu = request.option("tun.mtu", null);
        int mtuValue = mtu == null ? 0 : parseMtu(mtu);
        boolean up = flag(request, "tun.up");
        TunDevice device = TunDevice.open(options);
        try {
            if (mtuValue > 0) {
                device.setMtu(mtuValue);
            }
            if (up) {
                device.setUp(true);
            }
            return new LinuxTunDeviceChannel(device);
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    private static boolean flag(TunDeviceRequest request, String key) {
        String v = request.option(key, "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " is true or false, not " + v);
        }
        return v.equals("true");
    }

    private static int parseMtu(String text) {
        try {
            int mtu = Integer.parseInt(text);
            if (mtu >= 68 && mtu <= 65535) {
                return mtu;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("tun.mtu is 68..65535, not " + text);
    }
}
