package org.netstack4j.stack;

import java.time.Duration;

/**
 * The answer to {@link Stack#ping}: who answered, how long it took and the echoed data.
 *
 * @param from      the replying address, as text
 * @param sequence  the echo sequence number
 * @param roundTrip time from sending the request to receiving the reply, on the stack's clock
 * @param payload   the reply's data (a copy)
 */
public record PingReply(String from, int sequence, Duration roundTrip, byte[] payload) {
}
