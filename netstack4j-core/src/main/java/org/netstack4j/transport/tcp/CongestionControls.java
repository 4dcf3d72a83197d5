package org.netstack4j.transport.tcp;

/** The congestion controllers this stack offers, and the RFC 6928 initial window. */
public final class CongestionControls {
    /** RFC 5681 / RFC 6582 NewReno with RFC 3465 byte counting. */
    public static final CongestionControl.Factory NEW_RENO = NewRenoCongestionControl::new;
    /** RFC 9438 CUBIC. */
    public static final CongestionControl.Factory CUBIC = CubicCongestionControl::new;

    private CongestionControls() {
    }

    /** RFC 6928's initial window: min(10 * MSS, max(2 * MSS, 14600)) bytes. */
    public static long initialWindow(int mss) {
        return Math.min(10L * mss, Math.max(2L * mss, 14_600L));
    }

    /** The factory for a controller name ("cubic", "newreno", any case), or null when unknown. */
    public static CongestionControl.Factory byName(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "cubic" -> CUBIC;
            case "newreno", "reno" -> NEW_RENO;
            default -> null;
        };
    }

    static void checkArguments(int mss, long initialWindow) {
        if (mss <= 0 || initialWindow < mss) {
            throw new IllegalArgumentException("need mss > 0 and initial window >= mss: " + mss + ", " + initialWindow);
        }
    }

    /** Whether the sender used enough of cwnd for an ACK to justify growing it (RFC 7661's validated half). */
    static boolean cwndLimited(long bytesInFlight, long cwnd) {
        return bytesInFlight >= cwnd / 2;
    }

    /** A window measured in {@code oldMss} units rescaled to {@code newMss} (windows count segments). */
    static long rescale(long window, int oldMss, int newMss) {
        if (window == Long.MAX_VALUE) {
            return window;
        }
        // whole segments, then the part segment, so that no product overflows
        return Math.max(newMss, window / oldMss * newMss + window % oldMss * newMss / oldMss);
    }
}
