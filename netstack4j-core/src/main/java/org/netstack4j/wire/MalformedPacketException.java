package org.netstack4j.wire;

/**
 * Thrown by the convenience {@code parse}/{@code wrapOrThrow} paths (never on the per-packet path,
 * which returns a {@link ParseResult}) when bytes are rejected.
 */
public final class MalformedPacketException extends IllegalArgumentException {
    private final ParseResult reason;

    /** Creates an exception for {@code reason} with a message naming it and {@code detail}. */
    public MalformedPacketException(ParseResult reason, String detail) {
        super(reason + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.reason = reason;
    }

    /** Why the bytes were rejected. */
    public ParseResult reason() {
        return reason;
    }
}
