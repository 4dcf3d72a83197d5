package org.netstack4j.link;

/**
 * What a {@link LinkEndpoint} can do, read by the stack when it creates a NIC (the seed's
 * {@code Capabilities}).
 *
 * @param rxChecksumOffload  inbound transport checksums are already verified: the endpoint marks
 *                           each inbound packet {@link org.netstack4j.buffer.PacketBuffer#checksumVerified()}
 *                           and the stack may skip verification
 * @param txChecksumOffload  the stack may leave outbound transport checksums partial (the
 *                           pseudo-header sum in the field, {@code checksumPartial} metadata set): the
 *                           endpoint or device completes them
 * @param resolutionRequired the link has addresses (Ethernet): the stack must resolve neighbours
 *                           (ARP/NDP) and give each outbound packet its remote link address
 * @param saveRestore        the endpoint's state can be saved and restored with the stack's
 * @param disconnectOk       the link may lose its peer (the closed callback fires) without the NIC
 *                           being considered broken; the stack keeps the NIC's configuration
 * @param loopback           packets written come back in (a loopback link)
 * @param gsoKind            segmentation offload offered for TCP
 * @param gsoMaxSize         the largest network-layer super-packet accepted when {@code gsoKind} is
 *                           not {@link GsoKind#NONE}, in bytes (IP header included); 0 otherwise
 */
public record LinkCapabilities(
        boolean rxChecksumOffload,
        boolean txChecksumOffload,
        boolean resolutionRequired,
        boolean saveRestore,
        boolean disconnectOk,
        boolean loopback,
        GsoKind gsoKind,
        int gsoMaxSize) {

    /** No capability at all: an IP link without offloads. */
    public static final LinkCapabilities NONE =
            new LinkCapabilities(false, false, false, false, false, false, GsoKind.NONE, 0);

    /** @throws IllegalArgumentException if the GSO size does not match the GSO kind */
    public LinkCapabilities {
        if (gsoKind == null) {
            throw new IllegalArgumentException("gsoKind is null; use GsoKind.NONE");
        }
        if (gsoKind == GsoKind.NONE ? gsoMaxSize != 0 : gsoMaxSize <= 0) {
            throw new IllegalArgumentException("gsoMaxSize " + gsoMaxSize + " does not fit GSO kind " + gsoKind);
        }
    }
}
