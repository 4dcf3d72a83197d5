package org.netstack4j.socket;

import java.time.Duration;

/**
 * Limits of a {@link TcpForwarder}.
 *
 * @param maxInFlight      handshakes held at once: requests offered and not yet refused, expired, established or
 *                         failed; a SYN that would start one more is counted ({@link TcpForwarder#overLimit()})
 *                         and dropped (the peer retries) or, with {@code resetOverLimit}, answered with RST
 * @param decisionTimeout  a request neither accepted nor refused for this long is refused (RST)
 * @param resetOverLimit   whether a SYN over {@code maxInFlight} gets RST instead of being dropped
 */
public record TcpForwarderOptions(int maxInFlight, Duration decisionTimeout, boolean resetOverLimit) {

    /** Checks the values. */
    public TcpForwarderOptions {
        if (maxInFlight < 1 || decisionTimeout.isNegative() || decisionTimeout.isZero()) {
            throw new IllegalArgumentException("max in flight " + maxInFlight + ", decision timeout "
                    + decisionTimeout);
        }
    }

    /** 1024 handshakes in flight, 10 s to decide, SYNs over the bound dropped (like a full SYN queue). */
    public static TcpForwarderOptions defaults() {
        return new TcpForwarderOptions(1024, Duration.ofSeconds(10), false);
    }
}
