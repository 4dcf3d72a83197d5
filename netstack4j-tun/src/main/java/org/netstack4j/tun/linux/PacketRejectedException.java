package org.netstack4j.tun.linux;

/**
 * The device refused one packet (malformed virtio header, too long, not a packet the device takes,
 * e.g. {@code EINVAL} or {@code EMSGSIZE}); the channel itself is fine and the next packet may be
 * written. Callers drop the packet and count it.
 */
public final class PacketRejectedException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    /** @see ErrnoException#ErrnoException(String, int) */
    public PacketRejectedException(String operation, int errno) {
        super(operation, errno);
    }
}
