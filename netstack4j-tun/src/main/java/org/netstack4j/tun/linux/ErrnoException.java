package org.netstack4j.tun.linux;

import java.io.IOException;

/**
 * A system call failed: carries the call (and its object, e.g. the device name), the {@code errno}
 * and its symbolic name and text, e.g.
 * {@code "TUNSETIFF tun%d: EPERM (Operation not permitted)"}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;

    /**
     * @param operation what was attempted, including its object ({@code "open /dev/net/tun"})
     * @param errno     the {@code errno} the call left
     */
    public ErrnoException(String operation, int errno) {
        super(operation + ": " + Errno.name(errno) + " (" + Libc.strerror(errno) + ")");
        this.errno = errno;
        this.operation = operation;
    }

    /** The {@code errno} value. */
    public int errno() {
        return errno;
    }

    /** Its symbolic name, e.g. {@code "EPERM"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** What was attempted. */
    public String operation() {
        return operation;
    }

    /** True for permission errors ({@code EPERM}, {@code EACCES}): the process lacks a capability. */
    public boolean isPermissionDenied() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }
}
