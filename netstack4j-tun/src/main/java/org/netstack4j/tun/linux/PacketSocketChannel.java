package org.netstack4j.tun.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@code AF_PACKET} raw socket bound to one existing interface (a veth, a physical NIC, a bridge
 * port) as a {@link org.netstack4j.link.PacketChannel} of whole Ethernet frames, the way a
 * userspace stack takes over an interface ({@code packet(7)}).
 *
 * <p>Several sockets on one interface form a {@code PACKET_FANOUT} group in hash mode
 * ({@link #openFanout}): the kernel hashes each frame's flow and always hands a flow to the same
 * socket, so each socket can feed its own dispatch loop. Frames this host sends are not read back
 * ({@code PACKET_IGNORE_OUTGOING}). Batches use {@code recvmmsg}/{@code sendmmsg}.
 *
 * <p>Needs {@code CAP_NET_RAW}. The kernel strips a VLAN tag it has offloaded before handing the
 * frame over; frames larger than the interface MTU can appear when the interface aggregates (GRO).
 */
public final class PacketSocketChannel extends SocketPacketChannel {
    static final int SOL_PACKET = 263;
    static final int PACKET_FANOUT = 18;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int PACKET_FANOUT_HASH = 0;
    static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
    static final int ETH_P_ALL = 0x0003;
    private static final int SOCKADDR_LL_SIZE = 20;
    /** Ethernet header plus one VLAN tag. */
    private static final int LINK_OVERHEAD = 18;
    private static final AtomicInteger GROUPS = new AtomicInteger();

    private final String interfaceName;
    private final int interfaceIndex;
    private final int fanoutGroup;

    private PacketSocketChannel(FdCore core, SocketChannelOptions options, int defaultSlot, String interfaceName,
                                int interfaceIndex, int fanoutGroup) {
        super(core, options, defaultSlot, false);
        this.interfaceName = interfaceName;
        this.interfaceIndex = interfaceIndex;
        this.fanoutGroup = fanoutGroup;
    }

    /** One socket on {@code interfaceName}, receiving every frame. */
    public static PacketSocketChannel open(String interfaceName, SocketChannelOptions options) throws IOException {
        return open(interfaceName, options, -1);
    }

    /**
     * {@code count} sockets on {@code interfaceName} in one {@code PACKET_FANOUT} group (hash mode,
     * with defragmentation so that the fragments of a datagram stay together). The group id is
     * chosen from this process's id; use {@link #openFanout(String, int, int, SocketChannelOptions)}
     * to pick one.
     */
    public static List<PacketSocketChannel> openFanout(String interfaceName, int count, SocketChannelOptions options)
            throws IOException {
        int group = (int) ((ProcessHandle.current().pid() * 31 + GROUPS.incrementAndGet()) & 0xffff);
        return openFanout(interfaceName, count, group, options);
    }

    /** {@code count} sockets in fanout group {@code groupId} (0..65535). */
    public static List<PacketSocketChannel> openFanout(String interfaceName, int count, int groupId,
                                                       SocketChannelOptions options) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("count " + count);
        }
        if (groupId < 0 || groupId > 0xffff) {
            throw new IllegalArgumentException("fanout group " + groupId + " outside 0..65535");
        }
        List<PacketSocketChannel> channels = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                channels.add(open(interfaceName, options, groupId));
            }
            return channels;
        } catch (IOException | RuntimeException e) {
            for (PacketSocketChannel c : channels) {
                c.close();
            }
            throw e;
        }
    }

    private static PacketSocketChannel open(String interfaceName, SocketChannelOptions options, int fanoutGroup)
            throws IOException {
        int index = InterfaceControl.index(interfaceName);
        int mtu = InterfaceControl.mtu(interfaceName);
        String description = "AF_PACKET " + interfaceName + (fanoutGroup >= 0 ? " fanout " + fanoutGroup : "");
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            // Protocol 0 receives nothing until bind() names the interface and ETH_P_ALL, so that no
            // frame of another interface slips in between.
            fd = Libc.socket(st, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new ErrnoException("socket " + description, Libc.errno(st));
            }
            try {
                MemorySegment address = arena.allocate(SOCKADDR_LL_SIZE, 4);
                address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
                address.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 2,
                        (short) ETH_P_ALL);
                address.set(ValueLayout.JAVA_INT, 4, index);
                if (Libc.bind(st, fd, address, SOCKADDR_LL_SIZE) < 0) {
                    throw new ErrnoException("bind " + description, Libc.errno(st));
                }
                try {
                    SocketOptions.setInt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOPROTOOPT) {
                        throw e;
                    }
                    // Kernels before 4.20 deliver this host's own frames too; nothing to do about it.
                }
                if (fanoutGroup >= 0) {
                    int mode = PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;
                    SocketOptions.setInt(fd, SOL_PACKET, PACKET_FANOUT, fanoutGroup | (mode << 16),
                            "PACKET_FANOUT " + description);
                }
                SocketOptions.applyBuffers(fd, options, description);
            } catch (IOException | RuntimeException e) {
                Libc.close(st, fd);
                throw e;
            }
        }
        FdCore core;
        try {
            core = FdCore.create(fd, description, true);
        } catch (IOException | RuntimeException e) {
            try (Arena arena = Arena.ofConfined()) {
                Libc.close(arena.allocate(Libc.callStateLayout()), fd);
            }
            throw e;
        }
        return new PacketSocketChannel(core, options, mtu + LINK_OVERHEAD, interfaceName, index, fanoutGroup);
    }

    /** The interface the socket is bound to. */
    public String interfaceName() {
        return interfaceName;
    }

    /** Its index. */
    public int interfaceIndex() {
        return interfaceIndex;
    }

    /** The fanout group id, or -1 when the socket is alone. */
    public int fanoutGroup() {
        return fanoutGroup;
    }
}
