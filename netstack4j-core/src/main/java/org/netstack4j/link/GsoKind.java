package org.netstack4j.link;

/** Which generic segmentation offload a link endpoint offers for outbound TCP. */
public enum GsoKind {
    /** The endpoint takes packets of at most its MTU only. */
    NONE,
    /**
     * The endpoint accepts TCP super-packets up to {@link LinkCapabilities#gsoMaxSize()} and cuts
     * them into MTU-sized segments itself before writing (software GSO).
     */
    SOFTWARE,
    /**
     * The device takes super-packets with their segmentation metadata (a TUN with a virtio-net
     * header) and the host kernel cuts them.
     */
    DEVICE
}
