package org.netstack4j.wire;

/**
 * State and guards shared by the header views that refuse to be read unwrapped: the array, the offset and
 * the length a successful {@code wrap} established, the check that a view is wrapped, and the throwing
 * whole-array parse for tests and tools.
 *
 * <p>A view is unwrapped until its first successful {@code wrap} and again after any rejected one, so
 * nothing can read bytes that failed validation. The accessors here are final and the guard is a null
 * check the JIT folds into the following array access, so the views keep the cost of hand-written fields.
 */
abstract sealed class WireView
        permits ArpMessage, EthernetHeader, Ipv4Header, Ipv6FragmentHeader, Ipv6Header, TcpHeader, UdpHeader {
    // Package-private so the views' accessors read them directly; set only by the views' wrap methods.
    byte[] buffer;
    int offset;
    int length;

    WireView() {
    }

    /**
     * Points this view at {@code length} bytes at {@code offset} of {@code buffer} and checks them; on any
     * result but {@link ParseResult#OK} the view is left unwrapped.
     */
    public abstract ParseResult wrap(byte[] buffer, int offset, int length);

    /** Records a range the view's {@code wrap} accepted; from here on the accessors read it. */
    final void accept(byte[] buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    /** The array this view reads. */
    public final byte[] buffer() {
        return bytes();
    }

    /** Index of the view's first byte in {@link #buffer()}. */
    public final int offset() {
        bytes();
        return offset;
    }

    /** The wrapped array; the guard every accessor goes through. */
    final byte[] bytes() {
        byte[] b = buffer;
        if (b == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not wrapped around valid bytes");
        }
        return b;
    }

    /** True after a successful wrap (for {@code toString}, which must not throw). */
    final boolean isWrapped() {
        return buffer != null;
    }

    /**
     * Wraps {@code view} around all of {@code bytes}, for the static {@code parse} conveniences.
     *
     * @param unit what the bytes are, for the message ("IPv4 packet")
     * @throws MalformedPacketException if the view rejects the bytes
     */
    static <V extends WireView> V parseWhole(V view, byte[] bytes, String unit) {
        ParseResult r = view.wrap(bytes, 0, bytes.length);
        if (!r.isOk()) {
            throw new MalformedPacketException(r, bytes.length + "-byte " + unit);
        }
        return view;
    }
}
