package org.netstack4j.stack;

import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.network.IcmpRateLimiter;
import org.netstack4j.network.Route;
import org.netstack4j.network.fragment.FragmentationResult;
import org.netstack4j.network.fragment.ReassemblyStatus;
import org.netstack4j.transport.TransportProtocolHandler;

/**
 * The steps {@link Ipv4Path} and {@link Ipv6Path} take the same way whatever the address family: counted
 * drops, the outcome of a reassembly submit, handing a received ICMP error to the transport handler of the
 * quoted packet, choosing the outgoing NIC, looping back, fragmenting to the MTU and sizing a fresh buffer.
 * What differs (header parsing, addresses, which errors RFC 1122 or RFC 4443 allow) stays in the subclasses.
 */
abstract class IpPath {
    final StackLoop loop;
    final Stack stack;
    private final IcmpRateLimiter limiter;

    IpPath(StackLoop loop, IcmpRateLimiter limiter) {
        this.loop = loop;
        this.stack = loop.stack;
        this.limiter = limiter;
    }

    /** Counts {@code counter} and releases {@code p}; returns false so drop sites can {@code return drop(..)}. */
    final boolean drop(PacketBuffer p, StackCounter counter) {
        loop.count(counter);
        p.release();
        return false;
    }

    /**
     * Whether a reassembly submit produced a datagram to take now; counts the fragment as dropped when the
     * reassembler refused it (it has released the fragment either way).
     */
    final boolean reassemblyComplete(ReassemblyStatus s, StackCounter dropped) {
        if (s == ReassemblyStatus.COMPLETE || s == ReassemblyStatus.NOT_FRAGMENTED) {
            return true;
        }
        if (s.isDrop()) {
            loop.count(dropped);
        }
        return false;
    }

    /**
     * Hands a received ICMP error to the transport handler of the packet it quotes, found by the protocol
     * octet at {@code protocolField} of the quoted IP header (when at least {@code minHeader} bytes of it
     * are there). {@code p} is only read.
     */
    final void icmpErrorToTransport(Nic nic, PacketBuffer p, int ipVersion, int type, int code, int rest,
            int quoted, int minHeader, int protocolField) {
        if (p.end() - quoted < minHeader) {
            return;
        }
        icmpErrorToHandler(nic, p, ipVersion, type, code, rest, quoted, p.array()[quoted + protocolField] & 0xff);
    }

    /** Hands a received ICMP error to the transport handler of {@code protocol}, if there is one. */
    final void icmpErrorToHandler(Nic nic, PacketBuffer p, int ipVersion, int type, int code, int rest, int quoted,
            int protocol) {
        TransportProtocolHandler handler = stack.transportHandler(protocol);
        if (handler != null) {
            handler.icmpError(nic.id(), ipVersion, type, code, rest, p, quoted);
        }
    }

    /**
     * Whether an ICMP error of {@code type} may go out: the family's rules allow it ({@code allowed}, else
     * counted as {@code suppressed}) and the rate limiter has a token (else counted as {@code rateLimited}).
     */
    final boolean mayAnswerWithError(boolean allowed, int type, StackCounter suppressed, StackCounter rateLimited) {
        if (!allowed) {
            loop.count(suppressed);
            return false;
        }
        if (!limiter.tryAcquire(type, loop.now())) {
            loop.count(rateLimited);
            return false;
        }
        return true;
    }

    /**
     * The enabled NIC {@code route} leads to; when there is none, {@code p} is dropped (counted as
     * {@code noRoute}, or as a disabled NIC) and null is returned.
     */
    final Nic outputNic(Route route, PacketBuffer p, StackCounter noRoute) {
        Nic nic = route == null ? null : stack.nicById(route.nicId());
        if (nic == null) {
            drop(p, noRoute);
            return null;
        }
        if (!nic.isEnabled()) {
            drop(p, StackCounter.NIC_DISABLED);
            return null;
        }
        return nic;
    }

    /** Sends {@code p} back into the stack on {@code self}, one of our own NICs; counts it sent and looped. */
    final boolean loopBack(Nic self, PacketBuffer p, StackCounter sent, StackCounter loopedBack, int etherType) {
        loop.count(sent);
        loop.count(loopedBack);
        loop.loopback(self, p, etherType);
        return true;
    }

    /**
     * Whether fragmenting an over-MTU packet sent its fragments; when it could not, {@code p} is dropped and
     * counted as {@code cannotFragment}.
     */
    final boolean fragmented(FragmentationResult r, PacketBuffer p, StackCounter cannotFragment) {
        return r == FragmentationResult.FRAGMENTED || drop(p, cannotFragment);
    }

    /** Where the IP header of {@code p} starts: its network offset when set, else its start. */
    static int networkStart(PacketBuffer p) {
        return p.networkOffset() == PacketBuffer.UNSET ? p.start() : p.networkOffset();
    }

    /** A buffer holding {@code length} bytes from its start: a small one when it fits, else a large one. */
    final PacketBuffer acquire(int length) {
        return loop.acquire(length);
    }
}
