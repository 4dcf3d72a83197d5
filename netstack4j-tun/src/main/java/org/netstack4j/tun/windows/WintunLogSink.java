package org.netstack4j.tun.windows;

import java.lang.System.Logger.Level;
import java.time.Instant;

/**
 * Receives wintun.dll's own log lines ({@code WintunSetLogger}). Called from whatever thread
 * wintun logs on, including the thread inside a wintun call; it must be quick and must not call back
 * into wintun. Exceptions it throws are caught and discarded (an exception cannot cross the native
 * frame).
 */
@FunctionalInterface
public interface WintunLogSink {
    /**
     * Handles one log line.
     *
     * @param level   {@code INFO}, {@code WARNING} or {@code ERROR}
     * @param time    when wintun logged the line
     * @param message the line
     */
    void log(Level level, Instant time, String message);
}
