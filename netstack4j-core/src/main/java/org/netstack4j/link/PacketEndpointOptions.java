package org.netstack4j.link;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import org.netstack4j.wire.MacAddress;

/**
 * The options of {@link PacketEndpoint#create}, one for one with the seed's {@code Options}, plus a
 * few a Java library needs (thread factory, flow hash seed, batch and pool sizes). Build with
 * {@link #builder()}.
 */
public final class PacketEndpointOptions {
    /** Default MTU: Ethernet's. */
    public static final int DEFAULT_MTU = 1500;
    /** Largest MTU accepted: an IPv4 packet cannot be longer. */
    public static final int MAX_MTU = 65535;

    private final List<PacketChannel> channels;
    private final int mtu;
    private final boolean ethernetHeader;
    private final long address;
    private final LinkClosedCallback closedCallback;
    private final boolean saveRestore;
    private final boolean disconnectOk;
    private final boolean softwareGso;
    private final boolean txChecksumOffload;
    private final boolean rxChecksumOffload;
    private final ThreadFactory threadFactory;
    private final int flowHashSeed;
    private final int readBatchSize;
    private final int bufferPoolSize;

    private PacketEndpointOptions(Builder b) {
        this.channels = List.copyOf(b.channels);
        this.mtu = b.mtu;
        this.ethernetHeader = b.ethernetHeader;
        this.address = b.address == null ? -1L : b.address.value();
        this.closedCallback = b.closedCallback;
        this.saveRestore = b.saveRestore;
        this.disconnectOk = b.disconnectOk;
        this.softwareGso = b.softwareGso;
        this.txChecksumOffload = b.txChecksumOffload;
        this.rxChecksumOffload = b.rxChecksumOffload;
        this.threadFactory = b.threadFactory;
        this.flowHashSeed = b.flowHashSeed;
        this.readBatchSize = b.readBatchSize;
        this.bufferPoolSize = b.bufferPoolSize;
    }

    /** A builder with the defaults: no channel yet, MTU 1500, IP mode, no callback, no offload. */
    public static Builder builder() {
        return new Builder();
    }

    /** The channels, one dispatch loop each (the seed's {@code FDs}). */
    public List<PacketChannel> channels() {
        return channels;
    }

    /** The MTU (network-layer bytes per packet). */
    public int mtu() {
        return mtu;
    }

    /** True for Ethernet frames, false for bare IP packets. */
    public boolean ethernetHeader() {
        return ethernetHeader;
    }

    /** The endpoint's MAC address (48-bit value), or -1 when none was given (IP mode). */
    public long address() {
        return address;
    }

    /** Called once when a channel's peer closes or a read fails; may be null. */
    public LinkClosedCallback closedCallback() {
        return closedCallback;
    }

    /** Reported as {@link LinkCapabilities#saveRestore()}. */
    public boolean saveRestore() {
        return saveRestore;
    }

    /** Reported as {@link LinkCapabilities#disconnectOk()}. */
    public boolean disconnectOk() {
        return disconnectOk;
    }

    /** True when the endpoint accepts TCP super-packets and segments them itself. */
    public boolean softwareGso() {
        return softwareGso;
    }

    /** Reported as {@link LinkCapabilities#txChecksumOffload()}. */
    public boolean txChecksumOffload() {
        return txChecksumOffload;
    }

    /** Reported as {@link LinkCapabilities#rxChecksumOffload()}; inbound packets are marked verified. */
    public boolean rxChecksumOffload() {
        return rxChecksumOffload;
    }

    /** Makes the dispatch threads; null for the default (platform daemon threads). */
    public ThreadFactory threadFactory() {
        return threadFactory;
    }

    /** Seed of the outbound flow hash. */
    public int flowHashSeed() {
        return flowHashSeed;
    }

    /** Most packets one dispatch loop reads per {@link PacketChannel#readBatch} call. */
    public int readBatchSize() {
        return readBatchSize;
    }

    /** Free receive buffers the endpoint keeps pooled. */
    public int bufferPoolSize() {
        return bufferPoolSize;
    }

    /** Builds {@link PacketEndpointOptions}. */
    public static final class Builder {
        private final List<PacketChannel> channels = new ArrayList<>();
        private int mtu = DEFAULT_MTU;
        private boolean ethernetHeader;
        private MacAddress address;
        private LinkClosedCallback closedCallback;
        private boolean saveRestore;
        private boolean disconnectOk;
        private boolean softwareGso;
        private boolean txChecksumOffload;
        private boolean rxChecksumOffload;
        private ThreadFactory threadFactory;
        private int flowHashSeed = ThreadLocalRandom.current().nextInt();
        private int readBatchSize = 16;
        private int bufferPoolSize = 1024;

        private Builder() {
        }

        /**
         * Adds a channel. Inbound packets may arrive on any channel; the caller (or the device, as
         * kernel fanout or multi-queue TUN do) must keep each flow on one channel, or TCP sees
         * reordering. Outbound packets are spread over the channels by a flow hash, so one flow always
         * leaves through one channel. The endpoint adopts the channels: closing it closes them.
         */
        public Builder channel(PacketChannel channel) {
            if (channel == null) {
                throw new IllegalArgumentException("channel is null");
            }
            channels.add(channel);
            return this;
        }

        /** Adds several channels; see {@link #channel}. */
        public Builder channels(List<? extends PacketChannel> list) {
            for (PacketChannel c : list) {
                channel(c);
            }
            return this;
        }

        /** The MTU: the largest network-layer packet, link header excluded (68..65535). */
        public Builder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        /**
         * Read and write Ethernet frames (true) instead of bare IP packets (false, the default). With
         * Ethernet the endpoint requires resolution and needs an {@link #address}.
         */
        public Builder ethernetHeader(boolean ethernetHeader) {
            this.ethernetHeader = ethernetHeader;
            return this;
        }

        /** The endpoint's MAC address: the source of frames whose route gives no local link address. */
        public Builder address(MacAddress address) {
            this.address = address;
            return this;
        }

        /** Told once when the link goes away by itself; see {@link LinkClosedCallback}. */
        public Builder closedCallback(LinkClosedCallback callback) {
            this.closedCallback = callback;
            return this;
        }

        /** Report the save/restore capability. */
        public Builder saveRestore(boolean saveRestore) {
            this.saveRestore = saveRestore;
            return this;
        }

        /** Report the disconnect-ok capability. */
        public Builder disconnectOk(boolean disconnectOk) {
            this.disconnectOk = disconnectOk;
            return this;
        }

        /** Accept TCP super-packets larger than the MTU and segment them in software. */
        public Builder softwareGso(boolean softwareGso) {
            this.softwareGso = softwareGso;
            return this;
        }

        /** Let the stack leave outbound checksums partial; the endpoint completes them. */
        public Builder txChecksumOffload(boolean txChecksumOffload) {
            this.txChecksumOffload = txChecksumOffload;
            return this;
        }

        /** Mark inbound packets checksum-verified so the stack skips verification. */
        public Builder rxChecksumOffload(boolean rxChecksumOffload) {
            this.rxChecksumOffload = rxChecksumOffload;
            return this;
        }

        /** Makes the dispatch threads (default: platform daemon threads). */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = threadFactory;
            return this;
        }

        /** Seed of the outbound flow hash (default: random per endpoint). */
        public Builder flowHashSeed(int seed) {
            this.flowHashSeed = seed;
            return this;
        }

        /** Most packets a dispatch loop reads per batch (1..256, default 16). */
        public Builder readBatchSize(int size) {
            this.readBatchSize = size;
            return this;
        }

        /** Free receive buffers kept pooled (default 1024). */
        public Builder bufferPoolSize(int size) {
            this.bufferPoolSize = size;
            return this;
        }

        /**
         * @throws IllegalArgumentException when no channel was given, the MTU is out of range, the
         *     batch or pool size is out of range, or Ethernet mode has no address
         */
        public PacketEndpointOptions build() {
            if (channels.isEmpty()) {
                throw new IllegalArgumentException("at least one channel is required");
            }
            if (mtu < 68 || mtu > MAX_MTU) {
                throw new IllegalArgumentException("MTU " + mtu + " outside 68.." + MAX_MTU);
            }
            if (ethernetHeader && address == null) {
                throw new IllegalArgumentException("Ethernet mode needs the endpoint's address");
            }
            if (readBatchSize < 1 || readBatchSize > 256) {
                throw new IllegalArgumentException("readBatchSize " + readBatchSize + " outside 1..256");
            }
            if (bufferPoolSize < 1) {
                throw new IllegalArgumentException("bufferPoolSize " + bufferPoolSize);
            }
            return new PacketEndpointOptions(this);
        }
    }
}
