package org.netstack4j.tun.windows;

import java.io.IOException;

/** A wintun.dll call failed; {@link #errorCode()} is the Win32 error it reported. */
public final class WintunException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String function;
    private final int errorCode;

    /**
     * An exception for a failed call.
     *
     * @param function  the wintun function that failed, e.g. {@code "WintunStartSession"}
     * @param errorCode the Win32 error code captured right after the call
     */
    public WintunException(String function, int errorCode) {
        super(function + " failed: " + Win32Errors.name(errorCode) + Win32Errors.hint(errorCode));
        this.function = function;
        this.errorCode = errorCode;
    }

    /** The wintun function that failed. */
    public String function() {
        return function;
    }

    /** The Win32 error code ({@code GetLastError}) the call reported. */
    public int errorCode() {
        return errorCode;
    }
}
