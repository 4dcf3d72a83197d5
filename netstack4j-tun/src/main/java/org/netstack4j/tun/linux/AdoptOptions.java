package org.netstack4j.tun.linux;

import java.util.Set;

/**
 * How to treat TUN/TAP queue fds handed over by someone else: {@link TunDevice#adopt(int[], AdoptOptions)}.
 *
 * @param offloads            offloads to request ({@code TUNSETOFFLOAD}) when the fds have a
 *                            virtio-net header; null to leave the device as it is and assume the
 *                            kernel may send super-packets
 * @param deliverSuperPackets see {@link TunOptions#deliverSuperPackets()}
 * @param packetInformation   the fds were attached without {@code IFF_NO_PI}, so every packet carries
 *                            the 4-byte packet information header. It must be stated because the
 *                            kernel cannot be asked reliably: some kernels (seen on 6.18) report
 *                            {@code IFF_NO_PI} from {@code TUNGETIFF} whatever the fd was attached with.
 */
public record AdoptOptions(Set<TunOffload> offloads, boolean deliverSuperPackets, boolean packetInformation) {

    /** Copies the offload set. */
    public AdoptOptions {
        offloads = offloads == null ? null : Set.copyOf(offloads);
    }

    /** The usual hand-over: {@code IFF_NO_PI}, offloads left alone, super-packets cut into segments. */
    public static AdoptOptions defaults() {
        return new AdoptOptions(null, false, false);
    }

    /** Requests {@code offloads}. */
    public AdoptOptions withOffloads(Set<TunOffload> offloads) {
        return new AdoptOptions(offloads, deliverSuperPackets, packetInformation);
    }

    /** Hands super-packets over whole or cut. */
    public AdoptOptions withDeliverSuperPackets(boolean whole) {
        return new AdoptOptions(offloads, whole, packetInformation);
    }

    /** Declares the packet information header. */
    public AdoptOptions withPacketInformation(boolean present) {
        return new AdoptOptions(offloads, deliverSuperPackets, present);
    }
}
