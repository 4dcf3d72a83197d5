package org.netstack4j.tun.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import org.netstack4j.wire.MacAddress;

/**
 * Configures a network interface of the calling process's network namespace: MTU, up/down and
 * hardware address through the classic {@code SIOC*IF*} ioctls, addresses and routes through
 * rtnetlink. Needs {@code CAP_NET_ADMIN} for every change.
 *
 * <p>These are control-path calls (each opens and closes its own socket). Where a deployment
 * prefers the {@code ip} command (iproute2), the equivalent of {@link #addAddress} is
 * {@code ip addr add ADDRESS/PREFIX dev NAME} and of {@link #addRoute} {@code ip route add
 * DESTINATION/PREFIX dev NAME [via GATEWAY]}; the results are the same kernel objects.
 */
public final class InterfaceControl {
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCSIFHWADDR = 0x8924;
    static final long SIOCGIFHWADDR = 0x8927;
    static final long SIOCGIFTXQLEN = 0x8942;
    static final long SIOCSIFTXQLEN = 0x8943;
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;
    /** {@code IFNAMSIZ}: interface names have at most 15 characters. */
    static final int IFNAMSIZ = 16;
    /** {@code sizeof(struct ifreq)}. */
    static final int IFREQ_SIZE = 40;
    private static final int ARPHRD_ETHER = 1;
    private static final long RTF_LOCAL = 0x80000000L;

    private InterfaceControl() {
    }

    /** The interface index of {@code name}. */
    public static int index(String name) throws IOException {
        checkName(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            int index = Libc.ifNameToIndex(st, arena.allocateFrom(name));
            if (index == 0) {
                throw new ErrnoException("if_nametoindex " + name, Libc.errno(st));
            }
            return index;
        }
    }

    /** Whether an interface called {@code name} exists. */
    public static boolean exists(String name) {
        checkName(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            return Libc.ifNameToIndex(st, arena.allocateFrom(name)) != 0;
        }
    }

    /** The MTU of {@code name}. */
    public static int mtu(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = ifreq(arena, name);
            ioctl(arena, SIOCGIFMTU, req, "SIOCGIFMTU " + name);
            return req.get(ValueLayout.JAVA_INT, IFNAMSIZ);
        }
    }

    /** Sets the MTU of {@code name} (the largest IP packet for a TUN, frame payload for a TAP). */
    public static void setMtu(String name, int mtu) throws IOException {
        if (mtu <= 0 || mtu > 65535) {
            throw new IllegalArgumentException("MTU " + mtu + " outside 1..65535");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = ifreq(arena, name);
            req.set(ValueLayout.JAVA_INT, IFNAMSIZ, mtu);
            ioctl(arena, SIOCSIFMTU, req, "SIOCSIFMTU " + name + " " + mtu);
        }
    }

    /** Sets the transmit queue length ({@code txqueuelen}) of {@code name}. */
    public static void setTxQueueLength(String name, int length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = ifreq(arena, name);
            req.set(ValueLayout.JAVA_INT, IFNAMSIZ, length);
            ioctl(arena, SIOCSIFTXQLEN, req, "SIOCSIFTXQLEN " + name + " " + length);
        }
    }

    /** Whether {@code name} is administratively up ({@code IFF_UP}). */
    public static boolean isUp(String name) throws IOException {
        return (flags(name) & IFF_UP) != 0;
    }

    /** Brings {@code name} up or down ({@code IFF_UP}), leaving its other flags alone. */
    public static void setUp(String name, boolean up) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = ifreq(arena, name);
            ioctl(arena, SIOCGIFFLAGS, req, "SIOCGIFFLAGS " + name);
            short flags = req.get(ValueLayout.JAVA_SHORT, IFNAMSIZ);
            short changed = (short) (up ? flags | IFF_UP : flags & ~IFF_UP);
            if (changed != flags) {
                req.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, changed);
                ioctl(arena, SIOCSIFFLAGS, req, "SIOCSIFFLAGS " + name + (up ? " up" : " down"));
            }
        }
    }

    static int flags(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = ifreq(arena, name);
            ioctl(arena, SIOCGIFFLAGS, req, "SIOCGIFFLAGS " + name);
            return req.get(ValueLayout.JAVA_SHORT, IFNAMSIZ) & 0xffff;
        }
    }

    /** The Ethernet address of {@code name} (a TAP, veth, ...). */
    public static MacAddress hardwareAddress(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = ifreq(arena, name);
            ioctl(arena, SIOCGIFHWADDR, req, "SIOCGIFHWADDR " + name);
            byte[] mac = new byte[MacAddress.LENGTH];
            MemorySegment.copy(req, ValueLayout.JAVA_BYTE, IFNAMSIZ + 2, mac, 0, mac.length);
            return MacAddress.of(mac, 0);
        }
    }

    /** Sets the Ethernet address of {@code name}. */
    public static void setHardwareAddress(String name, MacAddress address) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment req = ifreq(arena, name);
            byte[] mac = new byte[MacAddress.LENGTH];
            address.writeTo(mac, 0);
            req.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) ARPHRD_ETHER);
            MemorySegment.copy(mac, 0, req, ValueLayout.JAVA_BYTE, IFNAMSIZ + 2, mac.length);
            ioctl(arena, SIOCSIFHWADDR, req, "SIOCSIFHWADDR " + name);
        }
    }

    /**
     * Adds {@code address/prefixLength} to {@code name}. An IPv6 address is added without duplicate
     * address detection, and the call returns once the kernel accepts packets to it (it finishes
     * adding an IPv6 address asynchronously; until then packets to it are dropped), or after two
     * seconds.
     */
    public static void addAddress(String name, InetAddress address, int prefixLength) throws IOException {
        checkPrefix(address, prefixLength);
        int index = index(name);
        try (Rtnetlink nl = new Rtnetlink()) {
            nl.address(Rtnetlink.RTM_NEWADDR, index, address, prefixLength,
                    "add address " + address.getHostAddress() + "/" + prefixLength + " to " + name);
        }
        if (!(address instanceof Inet4Address)) {
            awaitIpv6Usable(address, 2000);
        }
    }

    /**
     * Polls {@code /proc/net/ipv6_route} until the address has its local route ({@code RTF_LOCAL}):
     * only then does the kernel accept packets to it. (The tentative flag is cleared a moment before
     * that route goes in, so {@code /proc/net/if_inet6} alone is not enough.)
     */
    private static void awaitIpv6Usable(InetAddress address, long timeoutMillis) throws IOException {
        StringBuilder hex = new StringBuilder(32);
        for (byte b : address.getAddress()) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        String wanted = hex.toString();
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        do {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/ipv6_route"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 10 && f[0].equals(wanted) && f[1].equals("80")
                        && (Long.parseLong(f[8], 16) & RTF_LOCAL) != 0) {
                    return;
                }
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        } while (System.nanoTime() < deadline);
    }

    /** Removes {@code address/prefixLength} from {@code name}. */
    public static void deleteAddress(String name, InetAddress address, int prefixLength) throws IOException {
        checkPrefix(address, prefixLength);
        int index = index(name);
        try (Rtnetlink nl = new Rtnetlink()) {
            nl.address(Rtnetlink.RTM_DELADDR, index, address, prefixLength,
                    "delete address " + address.getHostAddress() + "/" + prefixLength + " from " + name);
        }
    }

    /** Adds an on-link route {@code destination/prefixLength} out of {@code name}. */
    public static void addRoute(String name, InetAddress destination, int prefixLength) throws IOException {
        addRoute(name, destination, prefixLength, null, 0);
    }

    /**
     * Adds a route {@code destination/prefixLength} out of {@code name}, through {@code gateway}
     * when not null, with {@code metric} when positive.
     */
    public static void addRoute(String name, InetAddress destination, int prefixLength, InetAddress gateway,
                                int metric) throws IOException {
        checkPrefix(destination, prefixLength);
        int index = index(name);
        try (Rtnetlink nl = new Rtnetlink()) {
            nl.route(Rtnetlink.RTM_NEWROUTE, index, destination, prefixLength, gateway, metric,
                    "add route " + destination.getHostAddress() + "/" + prefixLength + " dev " + name
                            + (gateway == null ? "" : " via " + gateway.getHostAddress()));
        }
    }

    /** Deletes the route {@code destination/prefixLength} out of {@code name}. */
    public static void deleteRoute(String name, InetAddress destination, int prefixLength) throws IOException {
        checkPrefix(destination, prefixLength);
        int index = index(name);
        try (Rtnetlink nl = new Rtnetlink()) {
            nl.route(Rtnetlink.RTM_DELROUTE, index, destination, prefixLength, null, 0,
                    "delete route " + destination.getHostAddress() + "/" + prefixLength + " dev " + name);
        }
    }

    private static void checkPrefix(InetAddress address, int prefixLength) {
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0.." + max);
        }
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() >= IFNAMSIZ || name.indexOf('/') >= 0
                || name.indexOf(' ') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a valid interface name: '" + name + "'");
        }
    }

    /** A zeroed {@code struct ifreq} with {@code ifr_name} set. */
    static MemorySegment ifreq(Arena arena, String name) {
        checkName(name);
        MemorySegment req = arena.allocate(IFREQ_SIZE, 8);
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(bytes, 0, req, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return req;
    }

    /** Reads {@code ifr_name} back (the kernel fills in templates like {@code tun%d}). */
    static String ifreqName(MemorySegment req) {
        return req.getString(0);
    }

    private static void ioctl(Arena arena, long request, MemorySegment req, String what) throws ErrnoException {
        MemorySegment st = arena.allocate(Libc.callStateLayout());
        int s = Libc.socket(st, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (s < 0) {
            s = Libc.socket(st, Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (s < 0) {
                throw new ErrnoException("socket for " + what, Libc.errno(st));
            }
        }
        try {
            if (Libc.ioctl(st, s, request, req) < 0) {
                throw new ErrnoException(what, Libc.errno(st));
            }
        } finally {
            Libc.close(st, s);
        }
    }
}
