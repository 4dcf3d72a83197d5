package org.netstack4j.stack;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.network.IcmpErrorRules;
import org.netstack4j.network.IcmpRateLimiter;
import org.netstack4j.network.Route;
import org.netstack4j.network.fragment.FragmentSink;
import org.netstack4j.network.fragment.FragmentationResult;
import org.netstack4j.network.fragment.Ipv4Fragmenter;
import org.netstack4j.network.fragment.Ipv4Reassembler;
import org.netstack4j.network.fragment.ReassemblyListener;
import org.netstack4j.transport.TransportProtocolHandler;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.ParseResult;

/**
 * IPv4 input and output of one shard: validation, local delivery (ICMP, registered transport handlers),
 * reassembly, ICMP echo and errors, routing, fragmentation to the route's MTU. Confined to the shard.
 */
final class Ipv4Path extends IpPath implements ReassemblyListener, FragmentSink {
    static final int DEFAULT_TTL = 64;
    /** RFC 1812 4.3.2.3: an ICMP error carries as much of the invoking datagram as fits in 576 bytes. */
    private static final int MAX_ERROR_LENGTH = 576;

    private final Ipv4Header header = new Ipv4Header();
    private final Ipv4Header errorHeader = new Ipv4Header();
    private final Icmpv4Message icmp = new Icmpv4Message();
    private final Ipv4Reassembler reassembler;
    private final Ipv4Fragmenter fragmenter;
    private int identification;
    // The fragment sink's target, set around each fragment() call.
    private Nic sinkNic;
    private int sinkNextHop;
    private boolean sinkBroadcast;

    Ipv4Path(StackLoop loop, Stack.Builder o) {
        super(loop, IcmpRateLimiter.forIcmpv4(o.icmpRatePerSecond, o.icmpBurst, loop.now()));
        this.reassembler = new Ipv4Reassembler(o.ipv4Reassembly, loop.reassemblyPool, this, loop.random.split());
        this.fragmenter = new Ipv4Fragmenter(loop.smallPool);
        this.identification = loop.random.nextInt(0x10000);
    }

    int nextIdentification() {
        identification = (identification + 1) & 0xffff;
        return identification;
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

    Ipv4Reassembler reassembler() {
        return reassembler;
    }

    // --- input ---------------------------------------------------------------------------------------

    void receive(Nic nic, PacketBuffer p, boolean looped) {
        loop.count(StackCounter.IPV4_RECEIVED);
        byte[] b = p.array();
        int at = p.start();
        ParseResult r = header.wrap(b, at, p.length());
        if (r != ParseResult.OK) {
            loop.count(switch (r) {
                case TRUNCATED -> StackCounter.IPV4_TRUNCATED;
                case IPV4_BAD_VERSION -> StackCounter.IPV4_BAD_VERSION;
                case IPV4_BAD_IHL -> StackCounter.IPV4_BAD_IHL;
                case IPV4_BAD_TOTAL_LENGTH -> StackCounter.IPV4_BAD_TOTAL_LENGTH;
                default -> StackCounter.IPV4_BAD_OPTIONS;
            });
            p.release();
            return;
        }
        // The header checksum is the network layer's own; only a device that says it checked it is trusted.
        if (!(nic.rxChecksumOffload() && p.checksumVerified()) && !header.isChecksumValid()) {
            drop(p, StackCounter.IPV4_BAD_CHECKSUM);
            return;
        }
        p.truncate(header.totalLength()); // link-layer padding
        int src = header.sourceAddress();
        int dst = header.destinationAddress();
        if (src == -1 || (src >>> 28) == 0xe || nic.isLocalIpv4(src) && !nic.isPromiscuous() && !looped) {
            drop(p, StackCounter.IPV4_BAD_SOURCE);
            return;
        }
        boolean broadcast = nic.isIpv4Broadcast(dst);
        boolean multicast = (dst >>> 28) == 0xe;
        if (!broadcast && !multicast && !nic.isLocalIpv4(dst) && !nic.isPromiscuous()) {
            drop(p, StackCounter.IPV4_NOT_FOR_US);
            return;
        }
        p.networkOffset(at);
        if (header.isFragment()) {
            if (!reassemblyComplete(reassembler.submit(p, loop.now()), StackCounter.IPV4_FRAGMENT_DROPPED)) {
                return;
            }
            p = reassembler.takeReassembled();
            if (p == null || !header.wrap(p.array(), p.networkOffset(), p.end() - p.networkOffset()).isOk()) {
                if (p != null) {
                    p.release();
                }
                return;
            }
            p.setBounds(p.networkOffset(), p.networkOffset() + header.totalLength());
            p.networkProtocol(Nic.ETHERTYPE_IPV4);
        }
        deliver(nic, p, broadcast || multicast);
    }

    private void deliver(Nic nic, PacketBuffer p, boolean toGroup) {
        int protocol = header.protocol();
        p.transportOffset(header.payloadOffset());
        if (protocol == Ipv4Header.PROTOCOL_ICMP) {
            loop.count(StackCounter.IPV4_DELIVERED);
            icmpInput(nic, p, toGroup);
            return;
        }
        TransportProtocolHandler handler = stack.transportHandler(protocol);
        if (handler != null) {
            loop.count(StackCounter.IPV4_DELIVERED);
            if (!handler.deliver(nic.id(), 4, p)) {
                sendError(nic, p, Icmpv4Message.TYPE_DESTINATION_UNREACHABLE, Icmpv4Message.UNREACHABLE_PORT, 0);
                p.release();
            }
            return;
        }
        loop.count(StackCounter.IPV4_UNKNOWN_PROTOCOL);
        sendError(nic, p, Icmpv4Message.TYPE_DESTINATION_UNREACHABLE, Icmpv4Message.UNREACHABLE_PROTOCOL, 0);
        p.release();
    }

    private void icmpInput(Nic nic, PacketBuffer p, boolean toGroup) {
        loop.count(StackCounter.ICMPV4_RECEIVED);
        byte[] b = p.array();
        int off = header.payloadOffset();
        int len = p.end() - off;
        if (!icmp.wrap(b, off, len).isOk()) {
            drop(p, StackCounter.ICMPV4_MALFORMED);
            return;
        }
        if (!p.checksumVerified() && !icmp.checksumValid()) {
            drop(p, StackCounter.ICMPV4_BAD_CHECKSUM);
            return;
        }
        int type = icmp.type();
        if (type == Icmpv4Message.TYPE_ECHO_REQUEST) {
            loop.count(StackCounter.ICMPV4_ECHO_REQUESTS);
            if (toGroup) {
                p.release(); // like Linux's icmp_echo_ignore_broadcasts: no smurf amplifier
                return;
            }
            echoReply(p, off, len);
        } else if (type == Icmpv4Message.TYPE_ECHO_REPLY) {
            loop.count(StackCounter.ICMPV4_ECHO_REPLIES_RECEIVED);
            stack.pings().replied(false, 0, header.sourceAddress() & 0xffff_ffffL, icmp.identifier(),
                    icmp.sequenceNumber(), b, icmp.payloadOffset(), icmp.payloadLength(), loop.now());
            p.release();
        } else {
            if (icmp.isError()) {
                loop.count(StackCounter.ICMPV4_ERRORS_RECEIVED);
                // The quoted header's protocol octet (offset 9) names the handler.
                icmpErrorToTransport(nic, p, 4, type, icmp.code(), icmp.restOfHeader(), icmp.payloadOffset(),
                        Ipv4Header.MIN_LENGTH, 9);
            }
            p.release();
        }
    }

    /** Turns the request into its reply in place: same data byte for byte, a fresh 20-byte header. */
    private void echoReply(PacketBuffer p, int off, int len) {
        byte[] b = p.array();
        int src = header.sourceAddress();
        int dst = header.destinationAddress();
        int tos = header.typeOfService();
        int start = off - Ipv4Header.MIN_LENGTH;
        p.setBounds(start, off + len);
        b[off] = (byte) Icmpv4Message.TYPE_ECHO_REPLY;
        Icmpv4Message.writeChecksum(b, off, len);
        Ipv4Header.write(b, start, tos, Ipv4Header.MIN_LENGTH + len, nextIdentification(), 0, 0, DEFAULT_TTL,
                Ipv4Header.PROTOCOL_ICMP, dst, src);
        p.clearOffload();
        loop.count(StackCounter.ICMPV4_ECHO_REPLIES_SENT);
        output(p, false);
    }

    // --- ICMP errors -----------------------------------------------------------------------------------

    /**
     * Answers the datagram in {@code p} (IPv4 header at its network offset) with an ICMP error when RFC 1122
     * allows it and the rate limiter has a token. {@code p} is only read.
     */
    void sendError(Nic nic, PacketBuffer p, int type, int code, int rest) {
        byte[] b = p.array();
        int at = networkStart(p);
        if (!errorHeader.wrap(b, at, p.end() - at).isOk()) {
            return;
        }
        int src = errorHeader.sourceAddress();
        int dst = errorHeader.destinationAddress();
        int protocol = errorHeader.protocol();
        int icmpType = protocol == Ipv4Header.PROTOCOL_ICMP && errorHeader.payloadLength() > 0
                ? b[errorHeader.payloadOffset()] & 0xff : -1;
        boolean directed = nic != null && nic.isIpv4Broadcast(dst);
        if (!mayAnswerWithError(IcmpErrorRules.mayGenerateIcmpv4Error(src, dst, errorHeader.fragmentOffset(),
                        protocol, icmpType, directed, Nic.isGroup(p.localLinkAddress())),
                type, StackCounter.ICMPV4_ERRORS_SUPPRESSED, StackCounter.ICMPV4_ERRORS_RATE_LIMITED)) {
            return;
        }
        Route route = stack.routes().lookupIpv4(src);
        Nic out = route == null ? null : stack.nicById(route.nicId());
        int from = nic != null && nic.isLocalIpv4(dst) ? dst
                : out != null ? out.ipv4SourceFor(route.ipv4NextHop(src)) : 0;
        if (from == 0) {
            loop.count(StackCounter.IPV4_NO_SOURCE_ADDRESS);
            return;
        }
        int quote = Math.min(errorHeader.totalLength(), MAX_ERROR_LENGTH - Ipv4Header.MIN_LENGTH
                - Icmpv4Message.HEADER_LENGTH);
        PacketBuffer q = acquire(Ipv4Header.MIN_LENGTH + Icmpv4Message.HEADER_LENGTH + quote);
        int start = q.start();
        byte[] qb = q.array();
        Icmpv4Message.writeError(qb, start + Ipv4Header.MIN_LENGTH, type, code, rest, b, at, quote);
        Ipv4Header.write(qb, start, 0xc0, q.length(), nextIdentification(), 0, 0, DEFAULT_TTL,
                Ipv4Header.PROTOCOL_ICMP, from, src);
        loop.count(StackCounter.ICMPV4_ERRORS_SENT);
        output(q, false);
    }

    @Override
    public void reassemblyTimedOut(PacketBuffer firstFragment) {
        sendError(null, firstFragment, Icmpv4Message.TYPE_TIME_EXCEEDED, Icmpv4Message.TIME_EXCEEDED_REASSEMBLY, 0);
    }

    // --- output ----------------------------------------------------------------------------------------

    /**
     * Routes and sends a complete IPv4 packet (header at its start, checksum set); takes ownership.
     *
     * @param checkSource refuse a source address that is not the outgoing NIC's unless it is spoofing
     * @return true when the packet (or its fragments) went to the link or the neighbour queue
     */
    boolean output(PacketBuffer p, boolean checkSource) {
        byte[] b = p.array();
        int at = p.start();
        if (!header.wrap(b, at, p.length()).isOk()) {
            return drop(p, StackCounter.IPV4_BAD_TOTAL_LENGTH);
        }
        int dst = header.destinationAddress();
        Nic self = stack.nicWithIpv4(dst);
        if (self != null) {
            return loopBack(self, p, StackCounter.IPV4_SENT, StackCounter.IPV4_LOOPED_BACK, Nic.ETHERTYPE_IPV4);
        }
        Route route = stack.routes().lookupIpv4(dst);
        Nic nic = outputNic(route, p, StackCounter.IPV4_NO_ROUTE);
        if (nic == null) {
            return false;
        }
        if (checkSource && !nic.isSpoofing() && !nic.isLocalIpv4(header.sourceAddress())) {
            return drop(p, StackCounter.IPV4_SPOOFED_SOURCE);
        }
        int nextHop = route.ipv4NextHop(dst);
        boolean broadcast = nic.isIpv4Broadcast(dst);
        loop.count(StackCounter.IPV4_SENT);
        p.networkOffset(at);
        // A super-packet (GSO metadata set) is cut by the link or the device, never fragmented.
        if (p.length() > nic.mtu() && p.gsoType() == PacketBuffer.GSO_NONE) {
            sinkNic = nic;
            sinkNextHop = nextHop;
            sinkBroadcast = broadcast;
            FragmentationResult r = fragmenter.fragment(p, nic.mtu(), this);
            sinkNic = null;
            return fragmented(r, p, StackCounter.IPV4_CANNOT_FRAGMENT);
        }
        loop.transmitIpv4(nic, p, nextHop, broadcast);
        return true;
    }

    @Override
    public void accept(PacketBuffer fragment) {
        loop.count(StackCounter.IPV4_FRAGMENTS_SENT);
        fragment.setBounds(fragment.networkOffset(), fragment.end());
        loop.transmitIpv4(sinkNic, fragment, sinkNextHop, sinkBroadcast);
    }

    /** Builds and sends an echo request; on the shard. */
    boolean sendEcho(int destination, int id, int sequence, byte[] payload) {
        Route route = stack.routes().lookupIpv4(destination);
        Nic nic = route == null ? null : stack.nicById(route.nicId());
        int src = nic == null ? 0 : nic.ipv4SourceFor(route.ipv4NextHop(destination));
        if (src == 0) {
            loop.count(nic == null ? StackCounter.IPV4_NO_ROUTE : StackCounter.IPV4_NO_SOURCE_ADDRESS);
            return false;
        }
        int length = Ipv4Header.MIN_LENGTH + Icmpv4Message.HEADER_LENGTH + payload.length;
        PacketBuffer q = acquire(length);
        int start = q.start();
        byte[] qb = q.array();
        int off = start + Ipv4Header.MIN_LENGTH;
        System.arraycopy(payload, 0, qb, off + Icmpv4Message.HEADER_LENGTH, payload.length);
        Icmpv4Message.writeEcho(qb, off, Icmpv4Message.TYPE_ECHO_REQUEST, id, sequence, payload.length);
        Ipv4Header.write(qb, start, 0, length, nextIdentification(), 0, 0, DEFAULT_TTL, Ipv4Header.PROTOCOL_ICMP,
                src, destination);
        return output(q, false);
    }
}
