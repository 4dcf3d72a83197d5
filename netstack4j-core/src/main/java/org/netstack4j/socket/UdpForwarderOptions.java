package org.netstack4j.socket;

import java.time.Duration;

/**
 * Limits of a {@link UdpForwarder}.
 *
 * @param maxSessions        flows held at once; a datagram that would start one more is dropped and counted
 *                           as a refusal
 * @param idleTimeout        a flow without a datagram either way for this long expires
 * @param flowQueueCapacity  datagrams each flow holds for its handler before further ones are dropped and
 *                           counted
 */
public record UdpForwarderOptions(int maxSessions, Duration idleTimeout, int flowQueueCapacity) {

    /** Checks the values. */
    public UdpForwarderOptions {
        if (maxSessions < 1 || flowQueueCapacity < 1 || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("max sessions " + maxSessions + ", idle timeout " + idleTimeout
                    + ", flow queue " + flowQueueCapacity);
        }
    }

    /** 4096 sessions, a minute of idleness, 64 queued datagrams per flow. */
    public static UdpForwarderOptions defaults() {
        return new UdpForwarderOptions(4096, Duration.ofMinutes(1), 64);
    }
}
