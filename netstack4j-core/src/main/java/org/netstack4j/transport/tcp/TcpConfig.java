package org.netstack4j.transport.tcp;

import java.time.Duration;

/**
 * TCP settings of one stack (immutable). Built with {@link #builder()}; {@link #defaults()} gives the values
 * documented on each builder method.
 *
 * @param sendBufferSize        default send buffer per connection, bytes
 * @param receiveBufferSize     receive buffer per connection, bytes: the initial window when auto-tuned, else the
 *                              largest window we offer
 * @param receiveBufferMax      the most an auto-tuned receive buffer grows to, bytes (never below
 *                              {@code receiveBufferSize}); the window scale we offer is chosen from it
 * @param receiveAutoTuning     grow the receive buffer of each connection with the bytes its application reads per
 *                              round trip (dynamic right-sizing); off for a connection whose buffer size the
 *                              application set
 * @param minRtoNanos           lower bound of the retransmission timeout
 * @param initialRtoNanos       RTO before the first RTT sample (and for the SYN)
 * @param maxRtoNanos           upper bound of the RTO after backoff
 * @param msl2Nanos             how long a connection stays in TIME-WAIT (2 MSL)
 * @param timeWaitCap           most TIME-WAIT connections per shard; the oldest is recycled beyond it
 * @param delayedAckNanos       longest delay of an ACK for in-order data
 * @param keepaliveIdleNanos    idle time before the first keepalive probe
 * @param keepaliveIntervalNanos time between unanswered probes
 * @param keepaliveCount        unanswered probes before the connection is dropped
 * @param sack                  offer and accept SACK-permitted (RFC 2018)
 * @param timestamps            offer and accept timestamps (RFC 7323)
 * @param windowScale           offer and accept window scaling (RFC 7323)
 * @param tailLossProbe         send a tail-loss probe before the RTO when SACK was negotiated (RFC 8985 §7)
 * @param congestionControl     creates each connection's congestion controller
 * @param synQueueLimit         half-open connections per listener before SYN cookies (or drops)
 * @param defaultBacklog        accept queue length used when a listener asks for 0 or less
 * @param synCookies            whether a listener with a full SYN queue answers with SYN cookies
 * @param synRetries            SYN and SYN-ACK retransmissions before giving up
 * @param dataRetries           retransmissions of data before the connection is reset
 * @param connectionMemoryLimit most buffer bytes (send + receive) one connection may hold
 * @param globalMemoryLimit     most buffer bytes all connections of the stack may hold
 */
public record TcpConfig(int sendBufferSize, int receiveBufferSize, int receiveBufferMax, boolean receiveAutoTuning,
                        long minRtoNanos, long initialRtoNanos,
                        long maxRtoNanos, long msl2Nanos, int timeWaitCap, long delayedAckNanos,
                        long keepaliveIdleNanos, long keepaliveIntervalNanos, int keepaliveCount, boolean sack,
                        boolean timestamps, boolean windowScale, boolean tailLossProbe,
                        CongestionControl.Factory congestionControl,
                        int synQueueLimit, int defaultBacklog, boolean synCookies, int synRetries, int dataRetries,
                        long connectionMemoryLimit, long globalMemoryLimit) {

    /** Validates the values. */
    public TcpConfig {
        if (sendBufferSize < 1024 || receiveBufferSize < 1024 || receiveBufferMax < 1024) {
            throw new IllegalArgumentException("buffers below 1024 bytes");
        }
        if (minRtoNanos <= 0 || initialRtoNanos < minRtoNanos || maxRtoNanos < initialRtoNanos) {
            throw new IllegalArgumentException("RTO bounds must satisfy 0 < min <= initial <= max");
        }
        if (msl2Nanos < 0 || timeWaitCap < 0 || delayedAckNanos < 0 || keepaliveCount < 1 || synQueueLimit < 1
                || defaultBacklog < 1 || synRetries < 0 || dataRetries < 1) {
            throw new IllegalArgumentException("negative or zero limit");
        }
        if (congestionControl == null) {
            throw new NullPointerException("congestionControl");
        }
    }

    /** The default configuration. */
    public static TcpConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.sendBufferSize = sendBufferSize;
        b.receiveBufferSize = receiveBufferSize;
        b.receiveBufferMax = receiveBufferMax;
        b.receiveAutoTuning = receiveAutoTuning;
        b.minRto = minRtoNanos;
        b.initialRto = initialRtoNanos;
        b.maxRto = maxRtoNanos;
        b.msl2 = msl2Nanos;
        b.timeWaitCap = timeWaitCap;
        b.delayedAck = delayedAckNanos;
        b.keepaliveIdle = keepaliveIdleNanos;
        b.keepaliveInterval = keepaliveIntervalNanos;
        b.keepaliveCount = keepaliveCount;
        b.sack = sack;
        b.timestamps = timestamps;
        b.windowScale = windowScale;
        b.tailLossProbe = tailLossProbe;
        b.congestionControl = congestionControl;
        b.synQueueLimit = synQueueLimit;
        b.defaultBacklog = defaultBacklog;
        b.synCookies = synCookies;
        b.synRetries = synRetries;
        b.dataRetries = dataRetries;
        b.connectionMemory = connectionMemoryLimit;
        b.globalMemory = globalMemoryLimit;
        return b;
    }

    /** Builder of {@link TcpConfig}. */
    public static final class Builder {
        private int sendBufferSize = 512 * 1024;
        private int receiveBufferSize = 128 * 1024;
        private int receiveBufferMax = 6 * 1024 * 1024;
        private boolean receiveAutoTuning = true;
        private long minRto = 200_000_000L;
        private long initialRto = 1_000_000_000L;
        private long maxRto = 60_000_000_000L;
        private long msl2 = 60_000_000_000L;
        private int timeWaitCap = 16384;
        private long delayedAck = 40_000_000L;
        private long keepaliveIdle = 7200_000_000_000L;
        private long keepaliveInterval = 75_000_000_000L;
        private int keepaliveCount = 9;
        private boolean sack = true;
        private boolean timestamps = true;
        private boolean windowScale = true;
        private boolean tailLossProbe = true;
        private CongestionControl.Factory congestionControl = CongestionControls.CUBIC;
        private int synQueueLimit = 1024;
        private int defaultBacklog = 128;
        private boolean synCookies = true;
        private int synRetries = 6;
        private int dataRetries = 15;
        private long connectionMemory = 8L * 1024 * 1024;
        private long globalMemory = 1L << 30;

        private Builder() {
        }

        /** Send buffer per connection (default 512 KiB). */
        public Builder sendBufferSize(int bytes) {
            this.sendBufferSize = bytes;
            return this;
        }

        /**
         * Receive buffer per connection (default 128 KiB, as Linux's {@code tcp_rmem} default): the initial window
         * when auto-tuning is on, else the largest window offered.
         */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = bytes;
            return this;
        }

        /**
         * The most an auto-tuned receive buffer grows to (default 6 MiB, as Linux's {@code tcp_rmem} maximum);
         * a value below {@link #receiveBufferSize} means that size. The window scale offered in the SYN and
         * SYN-ACK is chosen from it.
         */
        public Builder receiveBufferMax(int bytes) {
            this.receiveBufferMax = bytes;
            return this;
        }

        /**
         * Receive-buffer auto-tuning on or off (default on): a connection's window grows to about twice the bytes
         * its application reads per round trip, up to {@link #receiveBufferMax}. A connection whose receive buffer
         * size the application set explicitly is never auto-tuned.
         */
        public Builder receiveAutoTuning(boolean on) {
            this.receiveAutoTuning = on;
            return this;
        }

        /** Minimum RTO (default 200 ms, as Linux; RFC 6298 says 1 s). */
        public Builder minRto(Duration d) {
            this.minRto = d.toNanos();
            return this;
        }

        /** Initial RTO (default 1 s). */
        public Builder initialRto(Duration d) {
            this.initialRto = d.toNanos();
            return this;
        }

        /** Maximum RTO (default 60 s). */
        public Builder maxRto(Duration d) {
            this.maxRto = d.toNanos();
            return this;
        }

        /** TIME-WAIT duration, 2 MSL (default 60 s). */
        public Builder timeWait(Duration d) {
            this.msl2 = d.toNanos();
            return this;
        }

        /** Most TIME-WAIT connections per shard (default 16384). */
        public Builder timeWaitCap(int n) {
            this.timeWaitCap = n;
            return this;
        }

        /** Delayed-ACK timeout (default 40 ms). */
        public Builder delayedAck(Duration d) {
            this.delayedAck = d.toNanos();
            return this;
        }

        /** Keepalive idle time, probe interval and probe count (default 2 h, 75 s, 9). */
        public Builder keepalive(Duration idle, Duration interval, int count) {
            this.keepaliveIdle = idle.toNanos();
            this.keepaliveInterval = interval.toNanos();
            this.keepaliveCount = count;
            return this;
        }

        /** SACK on or off (default on). */
        public Builder sack(boolean on) {
            this.sack = on;
            return this;
        }

        /** Timestamps on or off (default on). */
        public Builder timestamps(boolean on) {
            this.timestamps = on;
            return this;
        }

        /** Window scaling on or off (default on). */
        public Builder windowScale(boolean on) {
            this.windowScale = on;
            return this;
        }

        /**
         * Tail-loss probes on or off (default on; they need SACK): a lost last segment of a flight is repaired
         * about two SRTT after the last ACK instead of after the RTO.
         */
        public Builder tailLossProbe(boolean on) {
            this.tailLossProbe = on;
            return this;
        }

        /** Congestion controller factory (default CUBIC; {@link CongestionControls#NEW_RENO} available). */
        public Builder congestionControl(CongestionControl.Factory f) {
            this.congestionControl = f;
            return this;
        }

        /** Half-open connections per listener before SYN cookies (default 1024). */
        public Builder synQueueLimit(int n) {
            this.synQueueLimit = n;
            return this;
        }

        /** Accept queue length for listeners that give none (default 128). */
        public Builder defaultBacklog(int n) {
            this.defaultBacklog = n;
            return this;
        }

        /** SYN cookies when the SYN queue is full (default on). */
        public Builder synCookies(boolean on) {
            this.synCookies = on;
            return this;
        }

        /** SYN / SYN-ACK retransmissions (default 6). */
        public Builder synRetries(int n) {
            this.synRetries = n;
            return this;
        }

        /** Data retransmissions before giving up (default 15). */
        public Builder dataRetries(int n) {
            this.dataRetries = n;
            return this;
        }

        /**
         * Buffer memory limits per connection (send plus receive buffer) and for the stack (default 8 MiB and
         * 1 GiB). An auto-tuned receive buffer grows only while both allow it.
         */
        public Builder memoryLimits(long perConnection, long global) {
            this.connectionMemory = perConnection;
            this.globalMemory = global;
            return this;
        }

        /** The configuration. */
        public TcpConfig build() {
            return new TcpConfig(sendBufferSize, receiveBufferSize, receiveBufferMax, receiveAutoTuning, minRto,
                    initialRto, maxRto, msl2, timeWaitCap, delayedAck, keepaliveIdle, keepaliveInterval, keepaliveCount, sack, timestamps, windowScale,
                    tailLossProbe, congestionControl, synQueueLimit, defaultBacklog, synCookies, synRetries, dataRetries,
                    connectionMemory, globalMemory);
        }
    }
}
