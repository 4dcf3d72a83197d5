package org.netstack4j.stack;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.network.IcmpErrorRules;
import org.netstack4j.network.IcmpRateLimiter;
import org.netstack4j.network.Route;
import org.netstack4j.network.fragment.FragmentIdentifiers;
import org.netstack4j.network.fragment.FragmentSink;
import org.netstack4j.network.fragment.FragmentationResult;
import org.netstack4j.network.fragment.Ipv6Fragmenter;
import org.netstack4j.network.fragment.Ipv6Reassembler;
import org.netstack4j.network.fragment.ReassemblyListener;
import org.netstack4j.network.fragment.ReassemblyStatus;
import org.netstack4j.transport.TransportProtocolHandler;
import org.netstack4j.wire.Icmpv6Message;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.Ipv6OptionCursor;
import org.netstack4j.wire.Ipv6QuotedChain;
import org.netstack4j.wire.ParseResult;

/**
 * IPv6 input and output of one shard: header and extension-chain validation, local delivery (ICMPv6 with
 * NDP handed to the NIC's handler, registered transport handlers), reassembly, echo and ICMPv6 errors,
 * routing, fragmentation. Confined to the shard.
 */
final class Ipv6Path extends IpPath implements ReassemblyListener, FragmentSink, FragmentIdentifiers {
    static final int DEFAULT_HOP_LIMIT = 64;
    /** RFC 4443 2.4 (c): an error must not make the packet exceed the minimum IPv6 MTU. */
    private static final int MAX_ERROR_LENGTH = 1280;

    private final Ipv6Header header = new Ipv6Header();
    private final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
    private final Ipv6Header errorHeader = new Ipv6Header();
    private final Ipv6ExtensionChain errorChain = new Ipv6ExtensionChain();
    private final Icmpv6Message icmp = new Icmpv6Message();
    private final Ipv6OptionCursor options = new Ipv6OptionCursor();
    private final Ipv6Reassembler reassembler;
    private final Ipv6Fragmenter fragmenter;
    private final long[] source = new long[2];
    private int identification;
    private Nic sinkNic;
    private long sinkHigh;
    private long sinkLow;

    Ipv6Path(StackLoop loop, Stack.Builder o) {
        super(loop, IcmpRateLimiter.forIcmpv6(o.icmpRatePerSecond, o.icmpBurst, loop.now()));
        this.reassembler = new Ipv6Reassembler(o.ipv6Reassembly, loop.reassemblyPool, this, loop.random.split());
        this.fragmenter = new Ipv6Fragmenter(loop.smallPool, this);
        this.identification = loop.random.nextInt();
    }

    @Override
    public int next(long sourceHigh, long sourceLow, long destinationHigh, long destinationLow) {
        return ++identification;
    }

    void expire(long now) {
        if (reassembler.nextDeadline() <= now) {
            reassembler.expire(now);
        }
    }

    long nextDeadline() {
        return reassembler.nextDeadline();
    }

    void clear() {
        reassembler.clear();
    }

    Ipv6Reassembler reassembler() {
        return reassembler;
    }

    // --- input ---------------------------------------------------------------------------------------

    void receive(Nic nic, PacketBuffer p, boolean looped) {
        loop.count(StackCounter.IPV6_RECEIVED);
        int at = p.start();
        ParseResult r = header.wrap(p.array(), at, p.length());
        if (r != ParseResult.OK) {
            loop.count(switch (r) {
                case TRUNCATED -> StackCounter.IPV6_TRUNCATED;
                case IPV6_BAD_VERSION -> StackCounter.IPV6_BAD_VERSION;
                default -> StackCounter.IPV6_BAD_PAYLOAD_LENGTH;
            });
            p.release();
            return;
        }
        p.truncate(Ipv6Header.LENGTH + header.payloadLength()); // link-layer padding
        long sh = header.sourceAddressHigh();
        long sl = header.sourceAddressLow();
        long dh = header.destinationAddressHigh();
        long dl = header.destinationAddressLow();
        if ((sh >>> 56) == 0xff) {
            drop(p, StackCounter.IPV6_BAD_SOURCE);
            return;
        }
        boolean multicast = (dh >>> 56) == 0xff;
        if (!(multicast ? nic.acceptsIpv6Multicast(dh, dl) : nic.isLocalIpv6(dh, dl)) && !nic.isPromiscuous()) {
            drop(p, StackCounter.IPV6_NOT_FOR_US);
            return;
        }
        p.networkOffset(at);
        r = chain.walk(header);
        if (r != ParseResult.OK) {
            loop.count(r == ParseResult.IPV6_TOO_MANY_EXTENSIONS ? StackCounter.IPV6_TOO_MANY_EXTENSIONS
                    : StackCounter.IPV6_BAD_EXTENSION_HEADER);
            int pointer = chain.errorOffset() < 0 ? 0 : chain.errorOffset() - at;
            sendError(nic, p, header.nextHeader(), Icmpv6Message.TYPE_PARAMETER_PROBLEM,
                    Icmpv6Message.PARAMETER_PROBLEM_HEADER_FIELD, pointer);
            p.release();
            return;
        }
        if (chain.routingHeaderOffset() >= 0 && chain.segmentsLeft() > 0) {
            // A host is no router: RFC 8200 4.4 leaves a routing header with segments left to be answered
            // by a parameter problem only for unrecognized types; we drop and count instead of forwarding.
            drop(p, StackCounter.IPV6_ROUTING_HEADER);
            return;
        }
        if (chain.hasFragmentHeader()) {
            if (!reassemblyComplete(reassembler.submit(p, loop.now()), StackCounter.IPV6_FRAGMENT_DROPPED)) {
                return;
            }
            p = reassembler.takeReassembled();
            if (p == null) {
                return;
            }
            int n = networkStart(p);
            if (!header.wrap(p.array(), n, p.end() - n).isOk() || !chain.walk(header).isOk()) {
                drop(p, StackCounter.IPV6_BAD_EXTENSION_HEADER);
                return;
            }
            p.setBounds(n, header.end());
            p.networkOffset(n);
            p.networkProtocol(Nic.ETHERTYPE_IPV6);
        }
        deliver(nic, p, multicast);
    }

    /**
     * Applies RFC 8200 4.2 to the options of every hop-by-hop and destination options header: unknown
     * options are skipped, or make the packet be discarded, reported with a parameter problem (code 2)
     * where the option type's high bits ask for it. Returns false when the packet was dropped (and released).
     */
    private boolean processOptions(Nic nic, PacketBuffer p, boolean multicast) {
        for (int i = 0; i < chain.extensionCount(); i++) {
            int type = chain.extensionType(i);
            if (type != Ipv6Header.NEXT_HEADER_HOP_BY_HOP && type != Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS) {
                continue;
            }
            options.reset(chain, i);
            int option;
            while ((option = options.next()) >= 0) {
                if (option == Ipv6OptionCursor.OPTION_ROUTER_ALERT && type == Ipv6Header.NEXT_HEADER_HOP_BY_HOP) {
                    continue; // understood; it asks routers, not hosts, to look closer
                }
                int action = Ipv6OptionCursor.action(option);
                if (action == Ipv6OptionCursor.ACTION_SKIP) {
                    continue;
                }
                loop.count(StackCounter.IPV6_UNRECOGNIZED_OPTION);
                if (action == Ipv6OptionCursor.ACTION_DISCARD_AND_REPORT
                        || (action == Ipv6OptionCursor.ACTION_DISCARD_AND_REPORT_UNLESS_MULTICAST && !multicast)) {
                    sendError(nic, p, chain.upperLayerProtocol(), Icmpv6Message.TYPE_PARAMETER_PROBLEM,
                            Icmpv6Message.PARAMETER_PROBLEM_OPTION, options.optionOffset() - p.networkOffset());
                }
                p.release();
                return false;
            }
        }
        return true;
    }

    private void deliver(Nic nic, PacketBuffer p, boolean multicast) {
        if (!processOptions(nic, p, multicast)) {
            return;
        }
        int protocol = chain.upperLayerProtocol();
        p.transportOffset(chain.upperLayerOffset());
        if (protocol == Icmpv6Message.NEXT_HEADER) {
            loop.count(StackCounter.IPV6_DELIVERED);
            icmpInput(nic, p, multicast);
            return;
        }
        if (protocol == Ipv6Header.NEXT_HEADER_NONE) {
            drop(p, StackCounter.IPV6_NO_NEXT_HEADER);
            return;
        }
        TransportProtocolHandler handler = stack.transportHandler(protocol);
        if (handler != null) {
            loop.count(StackCounter.IPV6_DELIVERED);
            if (!handler.deliver(nic.id(), 6, p)) {
                sendError(nic, p, protocol, Icmpv6Message.TYPE_DESTINATION_UNREACHABLE,
                        Icmpv6Message.UNREACHABLE_PORT, 0);
                p.release();
            }
            return;
        }
        loop.count(StackCounter.IPV6_UNKNOWN_NEXT_HEADER);
        sendError(nic, p, protocol, Icmpv6Message.TYPE_PARAMETER_PROBLEM,
                Icmpv6Message.PARAMETER_PROBLEM_NEXT_HEADER, chain.lastNextHeaderOffset() - p.networkOffset());
        p.release();
    }

    private void icmpInput(Nic nic, PacketBuffer p, boolean multicast) {
        loop.count(StackCounter.ICMPV6_RECEIVED);
        byte[] b = p.array();
        int off = chain.upperLayerOffset();
        int len = p.end() - off;
        long sh = header.sourceAddressHigh();
        long sl = header.sourceAddressLow();
        long dh = header.destinationAddressHigh();
        long dl = header.destinationAddressLow();
        if (!icmp.wrap(b, off, len).isOk()) {
            drop(p, StackCounter.ICMPV6_MALFORMED);
            return;
        }
        if (!p.checksumVerified() && !icmp.checksumValid(sh, sl, dh, dl)) {
            drop(p, StackCounter.ICMPV6_BAD_CHECKSUM);
            return;
        }
        int type = icmp.type();
        if (icmp.isNdp()) {
            loop.count(StackCounter.ICMPV6_NDP_RECEIVED);
            if (nic.ndp != null && nic.home() == loop) {
                nic.ndp.receive(p, loop.now());
            } else if (nic.isEthernet()) {
                loop.count(StackCounter.ICMPV6_NDP_WITHOUT_NEIGHBOUR_DISCOVERY);
            }
            p.release();
        } else if (type == Icmpv6Message.TYPE_ECHO_REQUEST) {
            loop.count(StackCounter.ICMPV6_ECHO_REQUESTS);
            long rh = dh;
            long rl = dl;
            if (multicast) {
                if (!nic.ipv6SourceFor(sh, sl, source)) {
                    p.release();
                    return;
                }
                rh = source[0];
                rl = source[1];
            }
            int start = off - Ipv6Header.LENGTH;
            p.setBounds(start, off + len);
            b[off] = (byte) Icmpv6Message.TYPE_ECHO_REPLY;
            Ipv6Header.write(b, start, 0, 0, len, Icmpv6Message.NEXT_HEADER, DEFAULT_HOP_LIMIT, rh, rl, sh, sl);
            Icmpv6Message.writeChecksum(b, off, len, rh, rl, sh, sl);
            p.clearOffload();
            loop.count(StackCounter.ICMPV6_ECHO_REPLIES_SENT);
            output(p, false);
        } else if (type == Icmpv6Message.TYPE_ECHO_REPLY) {
            loop.count(StackCounter.ICMPV6_ECHO_REPLIES_RECEIVED);
            stack.pings().replied(true, sh, sl, icmp.identifier(), icmp.sequenceNumber(), b, icmp.payloadOffset(),
                    icmp.payloadLength(), loop.now());
            p.release();
        } else {
            if (icmp.isError()) {
                loop.count(StackCounter.ICMPV6_ERRORS_RECEIVED);
                // The quoted packet's upper-layer protocol, behind any extension headers it quotes; the
                // handler walks them again to find its header.
                long upper = Ipv6QuotedChain.upperLayer(p.array(), icmp.payloadOffset(), p.end());
                if (upper >= 0) {
                    icmpErrorToHandler(nic, p, 6, type, icmp.code(), icmp.restOfHeader(), icmp.payloadOffset(),
                            (int) (upper >>> 32));
                }
            }
            p.release();
        }
    }

    // --- ICMPv6 errors ---------------------------------------------------------------------------------

    /**
     * Answers the packet in {@code p} (IPv6 header at its network offset) with an ICMPv6 error when RFC 4443
     * allows it and the rate limiter has a token. {@code p} is only read.
     */
    void sendError(Nic nic, PacketBuffer p, int upperLayer, int type, int code, int rest) {
        byte[] b = p.array();
        int at = networkStart(p);
        if (!errorHeader.wrap(b, at, p.end() - at).isOk()) {
            return;
        }
        long sh = errorHeader.sourceAddressHigh();
        long sl = errorHeader.sourceAddressLow();
        long dh = errorHeader.destinationAddressHigh();
        long dl = errorHeader.destinationAddressLow();
        int icmpType = -1;
        if (upperLayer == Icmpv6Message.NEXT_HEADER && errorChain.walk(errorHeader).isOk()) {
            if (errorChain.isFragment() && !errorChain.isFirstFragment()) {
                // A later fragment's data is not an ICMPv6 header: its "type" octet means nothing.
                upperLayer = Ipv6Header.NEXT_HEADER_FRAGMENT;
            } else if (errorChain.upperLayerLength() > 0) {
                icmpType = b[errorChain.upperLayerOffset()] & 0xff;
            }
        }
        if (!mayAnswerWithError(IcmpErrorRules.mayGenerateIcmpv6Error(sh, sl, dh, dl, upperLayer, icmpType,
                        Nic.isGroup(p.localLinkAddress()), type, code),
                type, StackCounter.ICMPV6_ERRORS_SUPPRESSED, StackCounter.ICMPV6_ERRORS_RATE_LIMITED)) {
            return;
        }
        long fh;
        long fl;
        if (nic != null && nic.isLocalIpv6(dh, dl)) {
            fh = dh;
            fl = dl;
        } else {
            Route route = stack.routes().lookupIpv6(sh, sl);
            Nic out = route == null ? null : stack.nicById(route.nicId());
            if (out == null || !out.ipv6SourceFor(sh, sl, source)) {
                loop.count(StackCounter.IPV6_NO_SOURCE_ADDRESS);
                return;
            }
            fh = source[0];
            fl = source[1];
        }
        int quote = Math.min(p.end() - at, MAX_ERROR_LENGTH - Ipv6Header.LENGTH - Icmpv6Message.HEADER_LENGTH);
        int icmpLength = Icmpv6Message.HEADER_LENGTH + quote;
        PacketBuffer q = acquire(Ipv6Header.LENGTH + icmpLength);
        int start = q.start();
        byte[] qb = q.array();
        Icmpv6Message.writeError(qb, start + Ipv6Header.LENGTH, type, code, rest, b, at, quote, fh, fl, sh, sl);
        Ipv6Header.write(qb, start, 0, 0, icmpLength, Icmpv6Message.NEXT_HEADER, DEFAULT_HOP_LIMIT, fh, fl, sh, sl);
        loop.count(StackCounter.ICMPV6_ERRORS_SENT);
        output(q, false);
    }

    @Override
    public void reassemblyTimedOut(PacketBuffer firstFragment) {
        sendError(null, firstFragment, Ipv6Header.NEXT_HEADER_FRAGMENT, Icmpv6Message.TYPE_TIME_EXCEEDED,
                Icmpv6Message.TIME_EXCEEDED_REASSEMBLY, 0);
    }

    /**
     * RFC 8200 4.5: a fragment that would make the packet longer than 65535 bytes is answered with a
     * parameter problem pointing at its fragment offset, one whose length is not a multiple of 8 (M set)
     * with one pointing at the payload length.
     */
    @Override
    public void fragmentRejected(PacketBuffer fragment, ReassemblyStatus reason) {
        int at = networkStart(fragment);
        if (!errorHeader.wrap(fragment.array(), at, fragment.end() - at).isOk()
                || !errorChain.walk(errorHeader).isOk() || !errorChain.hasFragmentHeader()) {
            return;
        }
        int pointer = reason == ReassemblyStatus.TOO_BIG ? errorChain.fragmentHeaderOffset() + 2 - at : 4;
        sendError(null, fragment, errorChain.upperLayerProtocol(), Icmpv6Message.TYPE_PARAMETER_PROBLEM,
                Icmpv6Message.PARAMETER_PROBLEM_HEADER_FIELD, pointer);
    }

    // --- output ----------------------------------------------------------------------------------------

    /**
     * Routes and sends a complete IPv6 packet (header at its start); takes ownership.
     *
     * @param checkSource refuse a source address that is not the outgoing NIC's unless it is spoofing
     */
    boolean output(PacketBuffer p, boolean checkSource) {
        if (!header.wrap(p.array(), p.start(), p.length()).isOk()) {
            return drop(p, StackCounter.IPV6_BAD_PAYLOAD_LENGTH);
        }
        long dh = header.destinationAddressHigh();
        long dl = header.destinationAddressLow();
        Nic self = stack.nicWithIpv6(dh, dl);
        if (self != null) {
            return loopBack(self, p, StackCounter.IPV6_SENT, StackCounter.IPV6_LOOPED_BACK, Nic.ETHERTYPE_IPV6);
        }
        Route route = stack.routes().lookupIpv6(dh, dl);
        Nic nic = outputNic(route, p, StackCounter.IPV6_NO_ROUTE);
        if (nic == null) {
            return false;
        }
        if (checkSource && !nic.isSpoofing()
                && !nic.isLocalIpv6(header.sourceAddressHigh(), header.sourceAddressLow())) {
            return drop(p, StackCounter.IPV6_SPOOFED_SOURCE);
        }
        long nh = route.hasGateway() ? route.gatewayHigh() : dh;
        long nl = route.hasGateway() ? route.gatewayLow() : dl;
        loop.count(StackCounter.IPV6_SENT);
        p.networkOffset(p.start());
        // A super-packet (GSO metadata set) is cut by the link or the device, never fragmented.
        if (p.length() > nic.mtu() && p.gsoType() == PacketBuffer.GSO_NONE) {
            sinkNic = nic;
            sinkHigh = nh;
            sinkLow = nl;
            FragmentationResult r = fragmenter.fragment(p, nic.mtu(), this);
            sinkNic = null;
            return fragmented(r, p, StackCounter.IPV6_CANNOT_FRAGMENT);
        }
        loop.transmitIpv6(nic, p, nh, nl);
        return true;
    }

    @Override
    public void accept(PacketBuffer fragment) {
        loop.count(StackCounter.IPV6_FRAGMENTS_SENT);
        fragment.setBounds(fragment.networkOffset(), fragment.end());
        loop.transmitIpv6(sinkNic, fragment, sinkHigh, sinkLow);
    }

    /** Builds and sends an echo request; on the shard. */
    boolean sendEcho(long dh, long dl, int id, int sequence, byte[] payload) {
        Route route = stack.routes().lookupIpv6(dh, dl);
        Nic nic = route == null ? null : stack.nicById(route.nicId());
        if (nic == null || !nic.ipv6SourceFor(dh, dl, source)) {
            loop.count(nic == null ? StackCounter.IPV6_NO_ROUTE : StackCounter.IPV6_NO_SOURCE_ADDRESS);
            return false;
        }
        int icmpLength = Icmpv6Message.HEADER_LENGTH + payload.length;
        int length = Ipv6Header.LENGTH + icmpLength;
        PacketBuffer q = acquire(length);
        int start = q.start();
        byte[] qb = q.array();
        int off = start + Ipv6Header.LENGTH;
        System.arraycopy(payload, 0, qb, off + Icmpv6Message.HEADER_LENGTH, payload.length);
        Icmpv6Message.writeEcho(qb, off, Icmpv6Message.TYPE_ECHO_REQUEST, id, sequence, payload.length,
                source[0], source[1], dh, dl);
        Ipv6Header.write(qb, start, 0, 0, icmpLength, Icmpv6Message.NEXT_HEADER, DEFAULT_HOP_LIMIT,
                source[0], source[1], dh, dl);
        return output(q, false);
    }
}
