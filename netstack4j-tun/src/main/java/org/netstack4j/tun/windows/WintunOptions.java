package org.netstack4j.tun.windows;

import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * How {@link WintunChannel#open(WintunOptions)} finds wintun.dll, which adapter it creates or opens,
 * and how the session runs. Built with {@link #builder(String)}.
 *
 * @param libraryPath   wintun.dll, or a directory holding it; {@code null} to look in the application
 *                      directory ({@link WintunLibrary#locate})
 * @param adapterName   the adapter's name, also the Windows interface alias
 * @param tunnelType    the tunnel type Windows shows for the adapter
 * @param requestedGuid the adapter GUID to create it with (keeps Windows' network profile stable
 *                      across runs), or {@code null} for a random one
 * @param openExisting  open an adapter of that name that already exists instead of creating one
 * @param ringCapacity  bytes per ring, a power of two from 128 KiB to 64 MiB
 * @param maxSpins      upper bound on the adaptive polling before the reader blocks on the read
 *                      event; 0 never spins
 * @param natives       the event and last-error calls; {@code null} for kernel32
 */
public record WintunOptions(Path libraryPath, String adapterName, String tunnelType, UUID requestedGuid,
        boolean openExisting, int ringCapacity, int maxSpins, Win32Natives natives) {

    /** Default ring capacity: 8 MiB per direction, about 5,000 full-size (1,500-byte) packets. */
    public static final int DEFAULT_RING_CAPACITY = 8 << 20;
    /**
     * Default spin bound. One poll of an empty ring costs on the order of 100 ns, so the reader
     * spins at most some tens of microseconds, about one kernel wake-up's worth.
     */
    public static final int DEFAULT_MAX_SPINS = 500;
    /** Default tunnel type. */
    public static final String DEFAULT_TUNNEL_TYPE = "netstack4j";

    /** Validates the values. */
    public WintunOptions {
        Objects.requireNonNull(adapterName, "adapterName");
        Objects.requireNonNull(tunnelType, "tunnelType");
        WintunChannel.checkRingCapacity(ringCapacity);
        if (maxSpins < 0) {
            throw new IllegalArgumentException("maxSpins " + maxSpins + " < 0");
        }
    }

    /** Options for the adapter {@code adapterName} with every other value at its default. */
    public static Builder builder(String adapterName) {
        return new Builder(adapterName);
    }

    /** Builds {@link WintunOptions}. */
    public static final class Builder {
        private Path libraryPath;
        private final String adapterName;
        private String tunnelType = DEFAULT_TUNNEL_TYPE;
        private UUID requestedGuid;
        private boolean openExisting;
        private int ringCapacity = DEFAULT_RING_CAPACITY;
        private int maxSpins = DEFAULT_MAX_SPINS;
        private Win32Natives natives;

        private Builder(String adapterName) {
            this.adapterName = adapterName;
        }

        /** wintun.dll or its directory; default: the application directory. */
        public Builder libraryPath(Path path) {
            this.libraryPath = path;
            return this;
        }

        /** The tunnel type; default {@value WintunOptions#DEFAULT_TUNNEL_TYPE}. */
        public Builder tunnelType(String type) {
            this.tunnelType = type;
            return this;
        }

        /** The GUID to create the adapter with; default random. */
        public Builder requestedGuid(UUID guid) {
            this.requestedGuid = guid;
            return this;
        }

        /** Open an existing adapter instead of creating one; default false. */
        public Builder openExisting(boolean open) {
            this.openExisting = open;
            return this;
        }

        /** Bytes per ring; default {@value WintunOptions#DEFAULT_RING_CAPACITY}. */
        public Builder ringCapacity(int bytes) {
            this.ringCapacity = bytes;
            return this;
        }

        /** Spin bound; default {@value WintunOptions#DEFAULT_MAX_SPINS}. */
        public Builder maxSpins(int spins) {
            this.maxSpins = spins;
            return this;
        }

        /** Event and last-error calls; default kernel32. */
        public Builder natives(Win32Natives n) {
            this.natives = n;
            return this;
        }

        /** The options. */
        public WintunOptions build() {
            return new WintunOptions(libraryPath, adapterName, tunnelType, requestedGuid, openExisting,
                    ringCapacity, maxSpins, natives);
        }
    }
}
