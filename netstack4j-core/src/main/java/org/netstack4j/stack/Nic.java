package org.netstack4j.stack;

import java.util.List;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.FlowHash;
import org.netstack4j.link.LinkEndpoint;
import org.netstack4j.link.NetworkDispatcher;
import org.netstack4j.network.Route;
import org.netstack4j.network.arp.ArpHandler;
import org.netstack4j.network.ndp.NdpHandler;
import org.netstack4j.network.neighbour.LinkAddresses;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Icmpv6Message;
import org.netstack4j.wire.Ipv6Address;
import org.netstack4j.wire.Ipv6Header;

/**
 * A network interface of a {@link Stack}: one {@link LinkEndpoint} with its addresses and switches. Made
 * by {@link Stack#createNic}; enabled from the start.
 *
 * <p>Configuration calls are thread-safe and take effect for the next packet. The NIC's neighbour state
 * (ARP and NDP on an Ethernet link) lives on its <em>home shard</em>: outbound packets that need
 * resolution are handed to that shard, and inbound ARP and NDP messages go there.
 */
public final class Nic {
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final long GROUP_BIT = 0x0100_0000_0000L;

    private final Stack stack;
    private final int id;
    private final LinkEndpoint endpoint;
    private final StackLoop home;
    private final boolean ethernet;
    private final long linkAddress;
    private final boolean rxChecksumOffload;
    private final Object lock = new Object();
    private volatile InterfaceAddress[] addresses = new InterfaceAddress[0];
    /** IPv6 addresses under duplicate address detection, as (high, low) pairs: not ours to use yet. */
    private volatile long[] tentative = new long[0];
    private volatile boolean enabled = true;
    private volatile boolean removed;
    private volatile boolean promiscuous;
    private volatile boolean spoofing;
    /** Confined to the home shard. */
    ArpHandler arp;
    /** Confined to the home shard. */
    NdpHandler ndp;

    Nic(Stack stack, int id, LinkEndpoint endpoint, StackLoop home) {
        this.stack = stack;
        this.id = id;
        this.endpoint = endpoint;
        this.home = home;
        this.ethernet = endpoint.capabilities().resolutionRequired();
        this.linkAddress = endpoint.linkAddress();
        this.rxChecksumOffload = endpoint.capabilities().rxChecksumOffload();
    }

    /** The NIC's id, unique in its stack (positive). */
    public int id() {
        return id;
    }

    /** The link endpoint the NIC sends through and receives from. */
    public LinkEndpoint endpoint() {
        return endpoint;
    }

    /** The link MTU. */
    public int mtu() {
        return endpoint.mtu();
    }

    /** True for an Ethernet NIC (ARP, NDP, link-local address). */
    public boolean isEthernet() {
        return ethernet;
    }

    /** True while enabled: a disabled NIC drops what it receives and sends nothing. */
    public boolean isEnabled() {
        return enabled && !removed;
    }

    /** Enables the NIC. */
    public void enable() {
        enabled = true;
    }

    /** Disables the NIC: inbound and outbound packets are dropped (counted) until it is enabled again. */
    public void disable() {
        enabled = false;
    }

    /** Promiscuous mode: accept packets for any destination address, not only ours. */
    public boolean isPromiscuous() {
        return promiscuous;
    }

    /** Switches promiscuous mode (what a transparent proxy needs to receive every flow). */
    public void setPromiscuous(boolean on) {
        promiscuous = on;
    }

    /** Spoofing mode: packets may leave with any source address, not only ours. */
    public boolean isSpoofing() {
        return spoofing;
    }

    /** Switches spoofing mode (what a transparent proxy needs to answer as the original destination). */
    public void setSpoofing(boolean on) {
        spoofing = on;
    }

    /** The NIC's addresses, IPv4 and IPv6, in the order added. */
    public List<InterfaceAddress> addresses() {
        return List.of(addresses);
    }

    /**
     * Adds an address and an on-link route for its prefix (as a host's kernel does). On an Ethernet NIC
     * the address is answered for by ARP or NDP. Adding an address twice does nothing.
     */
    public void addAddress(InterfaceAddress address) {
        synchronized (lock) {
            for (InterfaceAddress a : addresses) {
                if (a.equals(address)) {
                    return;
                }
            }
            InterfaceAddress[] next = java.util.Arrays.copyOf(addresses, addresses.length + 1);
            next[addresses.length] = address;
            addresses = next;
        }
        if (address.ipv6()) {
            stack.routes().add(Route.ipv6(address.network().ipv6Address(), address.prefixLength(), null, id, 256));
        } else if (address.prefixLength() < 32) {
            stack.routes().add(Route.ipv4(address.network().ipv4Address(), address.prefixLength(), null, id, 0));
        }
        if (ethernet) {
            if (address.ipv6() && stack.dadTransmits() > 0) {
                markTentative(address.high(), address.low());
            }
            home.call(() -> {
                if (address.ipv6()) {
                    ndp.addAddress(address.high(), address.low(), home.now());
                } else {
                    arp.addAddress(address.ipv4());
                }
            });
        }
    }

    /** Adds {@code text} ({@code 10.0.0.1/24}, {@code fd00::1/64}); see {@link #addAddress(InterfaceAddress)}. */
    public void addAddress(String text) {
        addAddress(InterfaceAddress.parse(text));
    }

    /** Removes an address and its on-link route; false when the NIC did not have it. */
    public boolean removeAddress(InterfaceAddress address) {
        synchronized (lock) {
            int at = -1;
            for (int i = 0; i < addresses.length; i++) {
                if (addresses[i].equals(address)) {
                    at = i;
                }
            }
            if (at < 0) {
                return false;
            }
            InterfaceAddress[] next = new InterfaceAddress[addresses.length - 1];
            System.arraycopy(addresses, 0, next, 0, at);
            System.arraycopy(addresses, at + 1, next, at, next.length - at);
            addresses = next;
        }
        if (address.ipv6()) {
            stack.routes().remove(Route.ipv6(address.network().ipv6Address(), address.prefixLength(), null, id, 256));
        } else {
            stack.routes().remove(Route.ipv4(address.network().ipv4Address(), address.prefixLength(), null, id, 0));
        }
        if (ethernet) {
            home.call(() -> {
                if (address.ipv6()) {
                    ndp.removeAddress(address.high(), address.low());
                } else {
                    arp.removeAddress(address.ipv4());
                }
            });
        }
        return true;
    }

    /** Removes an IPv6 address whatever its prefix (duplicate address detection found another owner). */
    void forgetAddress(long high, long low) {
        for (InterfaceAddress a : addresses) {
            if (a.ipv6() && a.high() == high && a.low() == low) {
                removeAddress(a);
            }
        }
    }

    /** The link-local IPv6 address of an Ethernet NIC ({@code fe80::} + modified EUI-64), or null. */
    public Ipv6Address linkLocalAddress() {
        return ethernet ? new Ipv6Address(LinkAddresses.LINK_LOCAL_PREFIX,
                LinkAddresses.interfaceIdentifier(linkAddress)) : null;
    }

    @Override
    public String toString() {
        return "Nic[" + id + (ethernet ? " ethernet" : " ip") + ", mtu " + mtu() + ", " + List.of(addresses)
                + (enabled ? "" : ", disabled") + (promiscuous ? ", promiscuous" : "")
                + (spoofing ? ", spoofing" : "") + "]";
    }

    // --- used by the shards ----------------------------------------------------------------------

    StackLoop home() {
        return home;
    }

    Stack stack() {
        return stack;
    }

    long linkAddress() {
        return linkAddress;
    }

    boolean rxChecksumOffload() {
        return rxChecksumOffload;
    }

    boolean removed() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }

    boolean isLocalIpv4(int a) {
        for (InterfaceAddress x : addresses) {
            if (!x.ipv6() && x.ipv4() == a) {
                return true;
            }
        }
        return false;
    }

    /** The limited broadcast or the directed broadcast of one of our subnets. */
    boolean isIpv4Broadcast(int a) {
        if (a == -1) {
            return true;
        }
        for (InterfaceAddress x : addresses) {
            if (!x.ipv6() && x.prefixLength() < 31 && x.ipv4Broadcast() == a) {
                return true;
            }
        }
        return false;
    }

    boolean isLocalIpv6(long h, long l) {
        if (ethernet && h == LinkAddresses.LINK_LOCAL_PREFIX && l == LinkAddresses.interfaceIdentifier(linkAddress)) {
            return !isTentative(h, l);
        }
        for (InterfaceAddress x : addresses) {
            if (x.ipv6() && x.high() == h && x.low() == l) {
                return !isTentative(h, l);
            }
        }
        return false;
    }

    /** RFC 4862 5.4: a tentative address is neither answered for (NDP aside) nor used as a source. */
    boolean isTentative(long h, long l) {
        long[] t = tentative;
        for (int i = 0; i < t.length; i += 2) {
            if (t[i] == h && t[i + 1] == l) {
                return true;
            }
        }
        return false;
    }

    void markTentative(long h, long l) {
        synchronized (lock) {
            if (!isTentative(h, l)) {
                long[] next = java.util.Arrays.copyOf(tentative, tentative.length + 2);
                next[tentative.length] = h;
                next[tentative.length + 1] = l;
                tentative = next;
            }
        }
    }

    void clearTentative(long h, long l) {
        synchronized (lock) {
            long[] t = tentative;
            for (int i = 0; i < t.length; i += 2) {
                if (t[i] == h && t[i + 1] == l) {
                    long[] next = new long[t.length - 2];
                    System.arraycopy(t, 0, next, 0, i);
                    System.arraycopy(t, i + 2, next, i, t.length - i - 2);
                    tentative = next;
                    return;
                }
            }
        }
    }

    /** Multicast groups a host joins: all-nodes and the solicited-node groups of its addresses. */
    boolean acceptsIpv6Multicast(long h, long l) {
        if (h == 0xff02_0000_0000_0000L && l == 1) {
            return true;
        }
        if (h != 0xff02_0000_0000_0000L || (l & 0xffff_ffff_ff00_0000L) != 0x0000_0001_ff00_0000L) {
            return false;
        }
        long low24 = l & 0xff_ffffL;
        if (ethernet && (LinkAddresses.interfaceIdentifier(linkAddress) & 0xff_ffffL) == low24) {
            return true;
        }
        for (InterfaceAddress x : addresses) {
            if (x.ipv6() && (x.low() & 0xff_ffffL) == low24) {
                return true;
            }
        }
        return false;
    }

    /** Our IPv4 source for a packet to {@code nextHop}: an address on its subnet, else the first one; 0 if none. */
    int ipv4SourceFor(int nextHop) {
        int first = 0;
        for (InterfaceAddress x : addresses) {
            if (!x.ipv6()) {
                if (x.coversIpv4(nextHop)) {
                    return x.ipv4();
                }
                if (first == 0) {
                    first = x.ipv4();
                }
            }
        }
        return first;
    }

    /**
     * Our IPv6 source for {@code destination} into {@code out} (high, low): the link-local address for a
     * link-local or multicast-link-scope destination, else an address whose prefix covers it, else the
     * first global one, else the link-local one. False when the NIC has no IPv6 address.
     */
    boolean ipv6SourceFor(long dh, long dl, long[] out) {
        boolean linkScope = (dh & 0xffc0_0000_0000_0000L) == LinkAddresses.LINK_LOCAL_PREFIX
                || (dh & 0xff0f_0000_0000_0000L) == 0xff02_0000_0000_0000L;
        InterfaceAddress first = null;
        for (InterfaceAddress x : addresses) {
            if (x.ipv6() && !isTentative(x.high(), x.low())) {
                if (x.coversIpv6(dh, dl)) {
                    out[0] = x.high();
                    out[1] = x.low();
                    return true;
                }
                if (first == null && (x.high() & 0xffc0_0000_0000_0000L) != LinkAddresses.LINK_LOCAL_PREFIX) {
                    first = x;
                }
            }
        }
        if (ethernet && (linkScope || first == null)
                && !isTentative(LinkAddresses.LINK_LOCAL_PREFIX, LinkAddresses.interfaceIdentifier(linkAddress))) {
            out[0] = LinkAddresses.LINK_LOCAL_PREFIX;
            out[1] = LinkAddresses.interfaceIdentifier(linkAddress);
            return true;
        }
        if (first != null) {
            out[0] = first.high();
            out[1] = first.low();
            return true;
        }
        for (InterfaceAddress x : addresses) {
            if (x.ipv6() && !isTentative(x.high(), x.low())) {
                out[0] = x.high();
                out[1] = x.low();
                return true;
            }
        }
        return false;
    }

    static boolean isGroup(long mac) {
        return mac != PacketBuffer.NO_LINK_ADDRESS && (mac & GROUP_BIT) != 0;
    }

    /** Receives from the endpoint's dispatch threads and hands each packet to its shard. */
    final class Dispatcher implements NetworkDispatcher {
        private final ThreadLocal<FlowHash> hashes = ThreadLocal.withInitial(() -> new FlowHash(stack.flowSeed()));

        @Override
        public void deliverNetworkPacket(LinkEndpoint ep, long remote, long local, int protocol, PacketBuffer packet) {
            deliver(local, protocol, packet, true);
        }

        /** With inline delivery, queues without waking the shard: {@link #endOfBatch} runs or wakes it. */
        @Override
        public void deliverInBatch(LinkEndpoint ep, long remote, long local, int protocol, PacketBuffer packet) {
            deliver(local, protocol, packet, !stack.inlineDelivery());
        }

        @Override
        public void endOfBatch(LinkEndpoint ep) {
            if (stack.inlineDelivery()) {
                stack.runQueuedInline();
            }
        }

        private void deliver(long local, int protocol, PacketBuffer packet, boolean wake) {
            if (removed || !enabled) {
                home.countAtomic(StackCounter.NIC_DISABLED);
                packet.release();
                return;
            }
            if (ethernet && !promiscuous && local != linkAddress && !isGroup(local)
                    && local != PacketBuffer.NO_LINK_ADDRESS) {
                home.countAtomic(StackCounter.OTHER_HOST_FRAME);
                packet.release();
                return;
            }
            StackLoop shard;
            if (protocol == ETHERTYPE_ARP || (protocol == ETHERTYPE_IPV6 && isNdp(packet))) {
                shard = home; // neighbour state is confined to the home shard
            } else {
                shard = stack.shard(flowHash(packet, protocol));
            }
            shard.offerInbound(Nic.this, packet, wake);
        }

        /**
         * The packet's flow hash; an ICMP error is hashed by the datagram it quotes, so that it reaches the
         * shard that owns the flow it reports on.
         */
        private int flowHash(PacketBuffer p, int protocol) {
            FlowHash hash = hashes.get();
            byte[] b = p.array();
            int s = p.start();
            int n = p.length();
            if (protocol == ETHERTYPE_IPV4 && n >= 20 && (b[s + 9] & 0xff) == 1) {
                int hl = (b[s] & 0xf) * 4;
                if (hl >= 20 && n >= hl + 8 + 20 && isIcmpv4Error(b[s + hl] & 0xff)) {
                    return hash.hash(b, s + hl + 8, n - hl - 8);
                }
            } else if (protocol == ETHERTYPE_IPV6 && n >= 40 + 8 + 40 && (b[s + 6] & 0xff) == Icmpv6Message.NEXT_HEADER
                    && (b[s + 40] & 0xff) < 128) {
                return hash.hash(b, s + 48, n - 48);
            }
            return hash.hash(p);
        }

        private static boolean isIcmpv4Error(int type) {
            return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
        }

        private boolean isNdp(PacketBuffer p) {
            byte[] b = p.array();
            int s = p.start();
            if (p.length() < Ipv6Header.LENGTH + 1 || (b[s + 6] & 0xff) != Icmpv6Message.NEXT_HEADER) {
                return false;
            }
            int type = Bytes.u8(b, s + Ipv6Header.LENGTH);
            return type >= Icmpv6Message.TYPE_ROUTER_SOLICITATION && type <= Icmpv6Message.TYPE_REDIRECT;
        }
    }
}
