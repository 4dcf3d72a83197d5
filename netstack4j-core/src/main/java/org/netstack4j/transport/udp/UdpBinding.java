package org.netstack4j.transport.udp;

/**
 * Where one endpoint is bound: IP version, local address (all zero for the wildcard), port, and the reuse
 * flags that decide which other bindings may share the port. Immutable; the demultiplexer keeps these.
 *
 * <p>Rules (BSD's {@code SO_REUSEADDR} and Linux's {@code SO_REUSEPORT}, as UDP uses them):
 * <ul>
 *   <li>bindings to different specific addresses of one family share a port freely;</li>
 *   <li>a specific address and the wildcard share a port only when both set {@code reuseAddress}; the
 *       specific one wins delivery for its address;</li>
 *   <li>the same address (or both wildcards) share a port only when both set {@code reusePort}; delivery
 *       then picks one by a hash of the sender's address and port, so one sender always reaches the same
 *       endpoint;</li>
 *   <li>an IPv6 wildcard binding with {@code ipv6Only} false (dual stack) also holds the IPv4 wildcard of
 *       its port, and the rules above apply to it there as an IPv4 wildcard.</li>
 * </ul>
 *
 * @param endpoint     the endpoint
 * @param ipVersion    4 or 6
 * @param high         upper 64 bits of the local address (0 for IPv4)
 * @param low          lower 64 bits (an IPv4 address in the low 32 bits)
 * @param port         the local port
 * @param reuseAddress {@code SO_REUSEADDR}: share the port with a wildcard or specific binding
 * @param reusePort    {@code SO_REUSEPORT}: share the very same address and port
 * @param ipv6Only     for an IPv6 wildcard: refuse IPv4 (false makes it dual-stack)
 */
public record UdpBinding(UdpEndpoint endpoint, int ipVersion, long high, long low, int port,
                         boolean reuseAddress, boolean reusePort, boolean ipv6Only) {

    /** Whether the local address is the wildcard. */
    public boolean wildcard() {
        return high == 0 && low == 0;
    }

    /** Whether this binding receives IPv4 datagrams: an IPv4 one, or a dual-stack IPv6 wildcard. */
    public boolean servesIpv4() {
        return ipVersion == 4 || ipVersion == 6 && !ipv6Only && wildcard();
    }

    /** Whether this binding receives datagrams of {@code version}. */
    public boolean serves(int version) {
        return version == 6 ? ipVersion == 6 : servesIpv4();
    }

    /** The same binding on another port (the demultiplexer fixes ephemeral ports this way). */
    UdpBinding withPort(int p) {
        return new UdpBinding(endpoint, ipVersion, high, low, p, reuseAddress, reusePort, ipv6Only);
    }

    /** Whether this binding and {@code other}, on the same port, may not coexist. */
    boolean conflictsWith(UdpBinding other) {
        return conflictsIn(6, other) || conflictsIn(4, other);
    }

    private boolean conflictsIn(int version, UdpBinding other) {
        if (!serves(version) || !other.serves(version)) {
            return false;
        }
        boolean thisWild = wildcard() || version == 4 && ipVersion == 6;
        boolean otherWild = other.wildcard() || version == 4 && other.ipVersion == 6;
        if (thisWild && otherWild || !thisWild && !otherWild && high == other.high && low == other.low) {
            return !(reusePort && other.reusePort);
        }
        if (thisWild != otherWild) {
            return !(reuseAddress && other.reuseAddress);
        }
        return false; // two different specific addresses
    }
}
