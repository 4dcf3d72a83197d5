package org.netstack4j.tun;

import org.netstack4j.link.PacketChannel;

/**
 * A {@link PacketChannel} over an operating-system layer-3 tunnel interface (Wintun adapter, utun,
 * TUN): one read or write is one raw IP packet, IPv4 or IPv6, with no link-layer header. Closing the
 * channel releases the interface the channel opened.
 */
public interface TunDeviceChannel extends PacketChannel {
    /** The interface's name as the operating system shows it ({@code utun3}, the Wintun adapter's alias, {@code tun0}). */
    String interfaceName();
}
