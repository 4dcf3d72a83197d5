package org.netstack4j.network.arp;

import java.util.random.RandomGenerator;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.network.neighbour.LinkAddresses;
import org.netstack4j.network.neighbour.NeighbourCache;
import org.netstack4j.network.neighbour.NeighbourConfig;
import org.netstack4j.network.neighbour.NeighbourOutput;
import org.netstack4j.network.neighbour.SendResult;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.EthernetHeader;
import org.netstack4j.wire.MacAddress;

/**
 * ARP (RFC 826) for one Ethernet NIC: answers requests for our IPv4 addresses, resolves next hops
 * through its {@link NeighbourCache} (requests broadcast while resolving, unicast while probing), and
 * learns from what it hears:
 * <ul>
 *   <li>a request for one of our addresses creates or refreshes the sender's entry (RFC 826: "if I am
 *       the target, add the triplet") and is answered with a reply;</li>
 *   <li>a reply addressed to us confirms the sender (REACHABLE); any other reply, a gratuitous ARP or a
 *       request for someone else only updates an entry that already exists;</li>
 *   <li>an ARP probe (sender address 0, RFC 5227) for our address is answered but never cached.</li>
 * </ul>
 *
 * <p>Sans-I/O and single-threaded: frames go out through {@link ArpOutput}, timers live on the owner's
 * wheel. Frames it builds come from its pool, the Ethernet header at the pool's headroom.
 */
public final class ArpHandler {
    /** Bytes of an ARP frame on Ethernet (without padding or FCS). */
    public static final int FRAME_LENGTH = EthernetHeader.MIN_LENGTH + ArpMessage.LENGTH;

    private final long linkAddress;
    private final PacketBufferPool pool;
    private final ArpOutput output;
    private final NeighbourCache cache;
    private final ArpMessage message = new ArpMessage();
    private final ArpCounters counters = new ArpCounters();
    private int[] addresses = new int[4];
    private int addressCount;

    /**
     * @param linkAddress our MAC
     * @param config      the neighbour cache's limits and timers ({@link NeighbourConfig#arp()})
     * @param wheel       the shard's timer wheel
     * @param pool        where ARP frames are built
     * @param output      where frames and resolved packets go
     * @param random      seeds the cache
     */
    public ArpHandler(long linkAddress, NeighbourConfig config, TimerWheel wheel, PacketBufferPool pool,
                      ArpOutput output, RandomGenerator random) {
        this.linkAddress = linkAddress;
        this.pool = pool;
        this.output = output;
        this.cache = new NeighbourCache(config, wheel, new CacheOutput(), random);
    }

    /** The cache of IPv4 neighbours (keys {@code (0, NeighbourCache.ipv4Key(address))}). */
    public NeighbourCache cache() {
        return cache;
    }

    /** Counters of this handler (the cache has its own). */
    public ArpCounters counters() {
        return counters;
    }

    /** Our MAC. */
    public long linkAddress() {
        return linkAddress;
    }

    // --- our addresses -------------------------------------------------------------------------

    /** Answers ARP for {@code address} from now on, and announces it with a gratuitous ARP (RFC 5227). */
    public void addAddress(int address) {
        if (isLocalAddress(address)) {
            return;
        }
        if (addressCount == addresses.length) {
            addresses = java.util.Arrays.copyOf(addresses, addressCount * 2);
        }
        addresses[addressCount++] = address;
        announce(address);
    }

    /** Stops answering for {@code address}. */
    public boolean removeAddress(int address) {
        for (int i = 0; i < addressCount; i++) {
            if (addresses[i] == address) {
                addresses[i] = addresses[--addressCount];
                return true;
            }
        }
        return false;
    }

    /** True if {@code address} is one of ours. */
    public boolean isLocalAddress(int address) {
        for (int i = 0; i < addressCount; i++) {
            if (addresses[i] == address) {
                return true;
            }
        }
        return false;
    }

    // --- sending -------------------------------------------------------------------------------

    /**
     * Sends an IPv4 packet to the neighbour {@code nextHop} (the route's gateway, or the destination
     * on-link): at once when its MAC is known, otherwise after resolution. Takes ownership.
     */
    public SendResult send(int nextHop, PacketBuffer packet, long now) {
        return cache.send(0, NeighbourCache.ipv4Key(nextHop), packet, now);
    }

    /**
     * Broadcasts a gratuitous ARP request announcing {@code address} as ours (RFC 5227 section 2.3: sender
     * and target protocol address both the address, target hardware address zero), so neighbours with an
     * entry for it update it.
     */
    public void announce(int address) {
        PacketBuffer frame = frame(LinkAddresses.BROADCAST, ArpMessage.OPCODE_REQUEST, address, 0, address);
        counters.announcementsSent++;
        output.transmitFrame(frame);
    }

    /**
     * Sends a request for {@code target}: broadcast, or unicast to {@code unicastTo} when probing an
     * entry whose MAC is cached ({@link NeighbourCache#NO_LINK_ADDRESS} for broadcast).
     *
     * @param sender our address to put in the request (0 for an RFC 5227 probe)
     */
    public void sendRequest(int target, long unicastTo, int sender) {
        long destination = unicastTo == NeighbourCache.NO_LINK_ADDRESS ? LinkAddresses.BROADCAST : unicastTo;
        PacketBuffer frame = frame(destination, ArpMessage.OPCODE_REQUEST, sender, 0, target);
        counters.requestsSent++;
        output.transmitFrame(frame);
    }

    private PacketBuffer frame(long destination, int opcode, int senderAddress, long targetHardware,
                               int targetAddress) {
        PacketBuffer frame = pool.acquire();
        int at = frame.append(FRAME_LENGTH);
        byte[] b = frame.array();
        EthernetHeader.write(b, at, destination, linkAddress, EthernetHeader.ETHERTYPE_ARP);
        ArpMessage.write(b, at + EthernetHeader.MIN_LENGTH, opcode, linkAddress, senderAddress, targetHardware,
                targetAddress);
        frame.linkOffset(at);
        frame.networkOffset(at + EthernetHeader.MIN_LENGTH);
        return frame;
    }

    // --- receiving -----------------------------------------------------------------------------

    /**
     * Handles a received ARP message at the packet's network offset (or its start when unset). The packet
     * is only read; the caller keeps it.
     *
     * @param linkBroadcast true when the frame was sent to the broadcast (or a group) address: only a
     *                      reply sent to us alone confirms reachability
     */
    public void receive(PacketBuffer packet, boolean linkBroadcast, long now) {
        int at = packet.networkOffset() == PacketBuffer.UNSET ? packet.start() : packet.networkOffset();
        if (at < packet.start() || at > packet.end()
                || !message.wrap(packet.array(), at, packet.end() - at).isOk()) {
            counters.malformed++;
            return;
        }
        long senderHardware = message.senderHardwareAddress();
        int sender = message.senderProtocolAddress();
        int target = message.targetProtocolAddress();
        boolean request = message.isRequest();
        if (request) {
            counters.requestsReceived++;
        } else if (message.isReply()) {
            counters.repliesReceived++;
        } else {
            counters.unknownOpcode++;
            return;
        }
        if (senderHardware == linkAddress || senderHardware == 0 || (senderHardware & 0x0100_0000_0000L) != 0) {
            counters.badSender++; // our own frame looped back, or a sender that cannot be a neighbour
            return;
        }
        if (sender != 0 && isLocalAddress(sender)) {
            counters.addressConflicts++;
            output.addressConflict(sender, senderHardware);
            return;
        }
        boolean forUs = isLocalAddress(target);
        if (sender == 0) {
            // An RFC 5227 probe: defend our address, learn nothing (the sender has no address yet).
            if (request && forUs) {
                reply(senderHardware, sender, target);
            }
            return;
        }
        if (request && forUs) {
            cache.handleSolicitation(0, NeighbourCache.ipv4Key(sender), senderHardware, now);
            reply(senderHardware, sender, target);
            return;
        }
        boolean solicited = !request && forUs && !linkBroadcast && !message.isGratuitous();
        cache.handleAdvertisement(0, NeighbourCache.ipv4Key(sender), senderHardware, solicited, true, false, now);
    }

    private void reply(long requesterHardware, int requester, int ourAddress) {
        PacketBuffer frame = frame(requesterHardware, ArpMessage.OPCODE_REPLY, ourAddress, requesterHardware, requester);
        counters.repliesSent++;
        output.transmitFrame(frame);
    }

    /** The source to put in a request: the prompting packet's IPv4 source when ours, else our first address. */
    private int requestSource(PacketBuffer prompting) {
        if (prompting != null) {
            int ip = prompting.networkOffset() == PacketBuffer.UNSET ? prompting.start() : prompting.networkOffset();
            if (ip >= prompting.start() && prompting.end() - ip >= 20) {
                int source = Bytes.i32(prompting.array(), ip + 12);
                if (isLocalAddress(source)) {
                    return source;
                }
            }
        }
        return addressCount > 0 ? addresses[0] : 0;
    }

    @Override
    public String toString() {
        return "ArpHandler[" + new MacAddress(linkAddress) + ", " + addressCount + " addresses, " + cache + "]";
    }

    /** The cache's requests become ARP requests; resolved packets and failures go to the output. */
    private final class CacheOutput implements NeighbourOutput {
        @Override
        public void sendSolicitation(long high, long low, long unicastTo, PacketBuffer prompting) {
            sendRequest((int) low, unicastTo, requestSource(prompting));
        }

        @Override
        public void transmit(PacketBuffer packet, long linkAddress) {
            output.transmit(packet, linkAddress);
        }

        @Override
        public void resolutionFailed(long high, long low, PacketBuffer packet) {
            output.resolutionFailed((int) low, packet);
        }
    }
}
