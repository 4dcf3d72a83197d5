package org.netstack4j.tun.linux;

import java.util.EnumSet;
import java.util.Set;

/**
 * Offloads a TUN/TAP with a virtio-net header can take from the kernel ({@code TUNSETOFFLOAD}):
 * each one tells the kernel that this side accepts such packets on read. (Writing super-packets for
 * the kernel to segment needs only the virtio-net header.)
 */
public enum TunOffload {
    /** {@code TUN_F_CSUM}: packets may arrive with a partial checksum ({@code NEEDS_CSUM}). Needed by all others. */
    CHECKSUM(0x01),
    /** {@code TUN_F_TSO4}: TCP over IPv4 super-packets. */
    TSO4(0x02),
    /** {@code TUN_F_TSO6}: TCP over IPv6 super-packets. */
    TSO6(0x04),
    /** {@code TUN_F_TSO_ECN}: TCP super-packets carrying CWR. */
    TSO_ECN(0x08),
    /** {@code TUN_F_USO4}: UDP segmentation offload over IPv4 (Linux 6.2+, only together with {@link #USO6}). */
    USO4(0x20),
    /** {@code TUN_F_USO6}: UDP segmentation offload over IPv6 (Linux 6.2+, only together with {@link #USO4}). */
    USO6(0x40);

    private final int bit;

    TunOffload(int bit) {
        this.bit = bit;
    }

    /** The {@code TUN_F_*} bit. */
    public int bit() {
        return bit;
    }

    /** Checksum and TCP segmentation both ways: what a TCP-heavy user (tun2socks, VPN) wants. */
    public static Set<TunOffload> tcp() {
        return EnumSet.of(CHECKSUM, TSO4, TSO6);
    }

    static int mask(Set<TunOffload> offloads) {
        int m = 0;
        for (TunOffload o : offloads) {
            m |= o.bit;
        }
        return m;
    }

    static Set<TunOffload> fromMask(int mask) {
        EnumSet<TunOffload> set = EnumSet.noneOf(TunOffload.class);
        for (TunOffload o : values()) {
            if ((mask & o.bit) != 0) {
                set.add(o);
            }
        }
        return set;
    }

    /** Whether packets larger than the MTU (super-packets) can arrive with this mask. */
    static boolean allowsSuperPackets(int mask) {
        return (mask & (TSO4.bit | TSO6.bit | USO4.bit | USO6.bit)) != 0;
    }

    /** Interface to the kernel for {@link #negotiate}: try one mask, true when accepted. */
    @FunctionalInterface
    interface Setter {
        boolean trySet(int mask) throws ErrnoException;
    }

    /**
     * Asks for {@code requested} and, while the kernel refuses, drops first the newest offloads
     * (USO, which older kernels reject as unknown), then ECN, then TSO, then checksum offload.
     *
     * @return the mask the kernel accepted (0 when it accepted nothing but "no offloads")
     */
    static int negotiate(int requested, Setter setter) throws ErrnoException {
        int[] dropOrder = {USO4.bit | USO6.bit, TSO_ECN.bit, TSO4.bit | TSO6.bit, CHECKSUM.bit};
        int mask = normalize(requested);
        if (setter.trySet(mask)) {
            return mask;
        }
        for (int drop : dropOrder) {
            if ((mask & drop) == 0) {
                continue;
            }
            mask = normalize(mask & ~drop);
            if (setter.trySet(mask)) {
                return mask;
            }
        }
        return setter.trySet(0) ? 0 : -1;
    }

    /** Removes combinations the kernel rejects: anything without checksum offload, ECN without TSO, one USO without the other. */
    static int normalize(int mask) {
        if ((mask & CHECKSUM.bit) == 0) {
            return 0;
        }
        if ((mask & (TSO4.bit | TSO6.bit)) == 0) {
            mask &= ~TSO_ECN.bit;
        }
        if ((mask & (USO4.bit | USO6.bit)) != (USO4.bit | USO6.bit)) {
            mask &= ~(USO4.bit | USO6.bit);
        }
        return mask;
    }
}
