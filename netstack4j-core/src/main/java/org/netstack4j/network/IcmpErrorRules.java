package org.netstack4j.network;

/**
 * When a stack may answer a packet with an ICMP error, as pure predicates over fields the caller has
 * already parsed: RFC 1122 section 3.2.2 for ICMPv4 and RFC 4443 section 2.4 (e) for ICMPv6. These
 * rules keep a stack from amplifying broadcasts and from error storms between two stacks; rate
 * limiting ({@link IcmpRateLimiter}) comes on top.
 */
public final class IcmpErrorRules {
    private static final int PROTOCOL_ICMP = 1;
    private static final int NEXT_HEADER_ICMPV6 = 58;
    private static final int ICMPV6_REDIRECT = 137;
    private static final int ICMPV6_PACKET_TOO_BIG = 2;
    private static final int ICMPV6_PARAMETER_PROBLEM = 4;
    private static final int ICMPV6_UNRECOGNIZED_OPTION = 2;

    private IcmpErrorRules() {
    }

    /**
     * True if an ICMPv4 error may be sent about a received datagram. False when the datagram is
     * itself an ICMP error (or of an unknown ICMP type, which may be one), a non-initial fragment, sent
     * to a broadcast or multicast address or as a link-layer broadcast/multicast, or from a source that
     * does not name a single host: {@code 0.0.0.0/8}, multicast, class E, the limited broadcast, or a
     * loopback address (allowed only between loopback addresses, where the stack talks to itself).
     *
     * @param source              source address of the offending datagram
     * @param destination         its destination address
     * @param fragmentOffset      its fragment offset (any unit; only zero or not matters)
     * @param protocol            its protocol field
     * @param icmpType            the ICMP type when {@code protocol} is ICMP and the type octet is present, else -1
     * @param directedBroadcast   true when the destination is the broadcast address of a subnet the
     *                            receiving NIC is on (only the stack knows its subnets)
     * @param linkLayerBroadcast  true when the frame came to a link-layer broadcast or multicast address
     */
    public static boolean mayGenerateIcmpv4Error(int source, int destination, int fragmentOffset, int protocol,
                                                 int icmpType, boolean directedBroadcast, boolean linkLayerBroadcast) {
        if (fragmentOffset != 0 || linkLayerBroadcast || directedBroadcast) {
            return false;
        }
        if (destination == -1 || isIpv4Multicast(destination)) {
            return false;
        }
        if (!isIpv4SingleHostSource(source, destination)) {
            return false;
        }
        return protocol != PROTOCOL_ICMP || isIcmpv4Informational(icmpType);
    }

    /**
     * True if an ICMPv6 error of {@code errorType}/{@code errorCode} may be sent about a received packet.
     * False when the packet is an ICMPv6 error or redirect, comes from the unspecified or a multicast
     * address, or was sent to a multicast address or as a link-layer multicast/broadcast; the last two
     * are allowed for packet too big and for parameter problem code 2 (the caller has established that
     * the unrecognized option's type asks for a report even to multicast, its high bits being 10).
     *
     * @param upperLayerProtocol the packet's upper-layer protocol after its extension headers
     * @param icmpType           the ICMPv6 type when {@code upperLayerProtocol} is ICMPv6 and present, else -1
     * @param linkLayerMulticast true when the frame came to a link-layer multicast or broadcast address
     * @param errorType          the ICMPv6 error type the caller wants to send
     * @param errorCode          its code
     */
    public static boolean mayGenerateIcmpv6Error(long sourceHigh, long sourceLow, long destinationHigh,
                                                 long destinationLow, int upperLayerProtocol, int icmpType,
                                                 boolean linkLayerMulticast, int errorType, int errorCode) {
        if ((sourceHigh == 0 && sourceLow == 0) || isIpv6Multicast(sourceHigh)) {
            return false;
        }
        if (upperLayerProtocol == NEXT_HEADER_ICMPV6 && (icmpType < 128 || icmpType == ICMPV6_REDIRECT)) {
            return false; // an error (a missing type octet counts as one: we cannot tell) or a redirect
        }
        if (isIpv6Multicast(destinationHigh) || linkLayerMulticast) {
            return errorType == ICMPV6_PACKET_TOO_BIG
                    || (errorType == ICMPV6_PARAMETER_PROBLEM && errorCode == ICMPV6_UNRECOGNIZED_OPTION);
        }
        return true;
    }

    /** True for the ICMPv4 types that are queries or replies, not errors; unknown types count as errors. */
    static boolean isIcmpv4Informational(int type) {
        return switch (type) {
            // echo reply, echo, router advertisement/solicitation, timestamp (+reply),
            // information request (+reply), address mask request (+reply)
            case 0, 8, 9, 10, 13, 14, 15, 16, 17, 18 -> true;
            default -> false;
        };
    }

    private static boolean isIpv4SingleHostSource(int source, int destination) {
        int first = source >>> 24;
        if (first == 0 || first >= 224) {
            return false; // "this network", multicast, class E and the limited broadcast
        }
        return first != 127 || (destination >>> 24) == 127;
    }

    private static boolean isIpv4Multicast(int address) {
        return (address >>> 28) == 0xe;
    }

    private static boolean isIpv6Multicast(long high) {
        return (high >>> 56) == 0xff;
    }
}
