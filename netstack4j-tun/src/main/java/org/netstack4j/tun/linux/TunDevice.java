package org.netstack4j.tun.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.netstack4j.wire.MacAddress;

/**
 * A Linux TUN or TAP device ({@code /dev/net/tun}) with its open queues, each a {@link TunChannel}.
 *
 * <p>{@link #open} creates the device or attaches to an existing one ({@code TUNSETIFF}, always
 * {@code IFF_NO_PI}); with several queues ({@code IFF_MULTI_QUEUE}) the kernel spreads inbound flows
 * over them by flow hash, so each queue can have its own dispatch loop. {@link #adopt} wraps fds
 * that another process opened (a VPN service, a privileged launcher). The device-level methods
 * ({@link #setMtu}, {@link #setUp}, {@link #addAddress}, {@link #addRoute}) configure the interface
 * in the caller's network namespace and need {@code CAP_NET_ADMIN}.
 *
 * <p>Closing the device closes all its queues; a non-persistent device disappears with its last
 * queue.
 */
public final class TunDevice implements AutoCloseable {
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETPERSIST = 0x400454cbL;
    static final long TUNGETFEATURES = 0x800454cfL;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNGETIFF = 0x800454d2L;
    static final long TUNGETVNETHDRSZ = 0x800454d7L;
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    static final int IFF_TUN = 0x0001;
    static final int IFF_TAP = 0x0002;
    static final int IFF_MULTI_QUEUE = 0x0100;
    static final int IFF_PERSIST = 0x0800;
    static final int IFF_NO_PI = 0x1000;
    static final int IFF_VNET_HDR = 0x4000;
    static final int IFF_TUN_EXCL = 0x8000;
    private static final String CLONE_DEVICE = "/dev/net/tun";

    private final String name;
    private final TunMode mode;
    private final boolean multiQueue;
    private final int vnetLength;
    private final int offloadMask;
    private final List<TunChannel> queues;

    private TunDevice(String name, TunMode mode, boolean multiQueue, int vnetLength, int offloadMask,
                      List<TunChannel> queues) {
        this.name = name;
        this.mode = mode;
        this.multiQueue = multiQueue;
        this.vnetLength = vnetLength;
        this.offloadMask = offloadMask;
        this.queues = List.copyOf(queues);
    }

    /**
     * Creates or attaches to the device {@code options} describe and opens its queues.
     *
     * @throws ErrnoException e.g. {@code EPERM} without {@code CAP_NET_ADMIN}, {@code EBUSY} when a
     *     single-queue device is already attached or {@link TunOptions.Attach#CREATE_NEW} finds it,
     *     {@code EINVAL} when the multi-queue flag does not match an existing device
     */
    public static TunDevice open(TunOptions options) throws IOException {
        if (options.attach() == TunOptions.Attach.ATTACH_EXISTING && !options.name().contains("%")
                && !InterfaceControl.exists(options.name())) {
            throw new ErrnoException("attach to TUN/TAP " + options.name() + " (no such device)", Errno.ENODEV);
        }
        int flags = (options.mode() == TunMode.TUN ? IFF_TUN : IFF_TAP) | IFF_NO_PI
                | (options.multiQueue() ? IFF_MULTI_QUEUE : 0)
                | (options.virtioNetHeader() ? IFF_VNET_HDR : 0);
        int vnetLength = options.virtioNetHeader() ? VirtioNetHeader.LENGTH : 0;
        int[] fds = new int[options.queues()];
        int opened = 0;
        String name = options.name();
        int offloads = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            MemorySegment path = arena.allocateFrom(CLONE_DEVICE);
            for (int q = 0; q < fds.length; q++) {
                int fd = Libc.open(st, path, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
                if (fd < 0) {
                    throw new ErrnoException("open " + CLONE_DEVICE, Libc.errno(st));
                }
                fds[opened++] = fd;
                MemorySegment req = InterfaceControl.ifreq(arena, name);
                int exclusive = q == 0 && options.attach() == TunOptions.Attach.CREATE_NEW ? IFF_TUN_EXCL : 0;
                req.set(ValueLayout.JAVA_SHORT, InterfaceControl.IFNAMSIZ, (short) (flags | exclusive));
                if (Libc.ioctl(st, fd, TUNSETIFF, req) < 0) {
                    throw new ErrnoException("TUNSETIFF " + name + " (queue " + q + ")", Libc.errno(st));
                }
                name = InterfaceControl.ifreqName(req);
                if (vnetLength > 0) {
                    MemorySegment size = arena.allocateFrom(ValueLayout.JAVA_INT, vnetLength);
                    if (Libc.ioctl(st, fd, TUNSETVNETHDRSZ, size) < 0) {
                        throw new ErrnoException("TUNSETVNETHDRSZ " + name, Libc.errno(st));
                    }
                }
                if (q == 0) {
                    if (vnetLength > 0) {
                        int requested = TunOffload.mask(options.offloads());
                        if (!options.deliverSuperPackets()) {
                            // Cut super-packets are TCP only (the link layer's segmenter): no USO.
                            requested &= ~(TunOffload.USO4.bit() | TunOffload.USO6.bit());
                        }
                        offloads = setOffloads(st, fd, name, requested);
                    }
                    if (options.persistent() && Libc.ioctl(st, fd, TUNSETPERSIST, 1L) < 0) {
                        throw new ErrnoException("TUNSETPERSIST " + name, Libc.errno(st));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            closeAll(fds, opened);
            throw e;
        }
        List<TunChannel> channels = wrap(fds, name, options.mode(), false, vnetLength, offloads,
                options.deliverSuperPackets(), true);
        return new TunDevice(name, options.mode(), options.multiQueue(), vnetLength, offloads, channels);
    }

    /**
     * Wraps already-open TUN/TAP queue fds, e.g. inherited from a launcher that attached them, or
     * handed over by a VPN service. The channels take ownership: closing them closes the fds. The
     * fds are switched to non-blocking; TUN or TAP and the virtio-net header are read from the
     * kernel ({@code TUNGETIFF}, {@code TUNGETVNETHDRSZ}); the packet information header must be
     * declared in {@code options}. If this method throws, fds that no channel took yet stay the
     * caller's.
     */
    public static TunDevice adopt(int[] fds, AdoptOptions options) throws IOException {
        Set<TunOffload> offloads = options.offloads();
        if (fds.length == 0) {
            throw new IllegalArgumentException("no fds");
        }
        String name = null;
        int flags = 0;
        int vnetLength = 0;
        int offloadMask = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            for (int i = 0; i < fds.length; i++) {
                int fd = fds[i];
                MemorySegment req = arena.allocate(InterfaceControl.IFREQ_SIZE, 8);
                if (Libc.ioctl(st, fd, TUNGETIFF, req) < 0) {
                    throw new ErrnoException("TUNGETIFF on fd " + fd + " (not a TUN/TAP queue?)", Libc.errno(st));
                }
                String n = InterfaceControl.ifreqName(req);
                int f = req.get(ValueLayout.JAVA_SHORT, InterfaceControl.IFNAMSIZ) & 0xffff;
                if (name != null && !name.equals(n)) {
                    throw new IOException("fds belong to different devices: " + name + " and " + n);
                }
                name = n;
                flags = f;
                if ((f & IFF_VNET_HDR) != 0) {
                    MemorySegment size = arena.allocate(ValueLayout.JAVA_INT);
                    if (Libc.ioctl(st, fd, TUNGETVNETHDRSZ, size) < 0) {
                        throw new ErrnoException("TUNGETVNETHDRSZ " + n, Libc.errno(st));
                    }
                    vnetLength = size.get(ValueLayout.JAVA_INT, 0);
                    if (vnetLength < VirtioNetHeader.LENGTH) {
                        throw new IOException(n + ": unsupported virtio-net header size " + vnetLength);
                    }
                }
                int fl = Libc.fcntlGet(st, fd, Libc.F_GETFL);
                if (fl < 0 || Libc.fcntlSet(st, fd, Libc.F_SETFL, fl | Libc.O_NONBLOCK) < 0) {
                    throw new ErrnoException("fcntl O_NONBLOCK on fd " + fd, Libc.errno(st));
                }
            }
            if (vnetLength > 0) {
                offloadMask = offloads == null
                        ? TunOffload.CHECKSUM.bit() | TunOffload.TSO4.bit() | TunOffload.TSO6.bit()
                        | TunOffload.USO4.bit() | TunOffload.USO6.bit()
                        : setOffloads(st, fds[0], name, TunOffload.mask(offloads)
                        & (options.deliverSuperPackets() ? ~0 : ~(TunOffload.USO4.bit() | TunOffload.USO6.bit())));
            }
        }
        TunMode mode = (flags & IFF_TAP) != 0 ? TunMode.TAP : TunMode.TUN;
        List<TunChannel> channels = wrap(fds.clone(), name, mode, options.packetInformation(), vnetLength,
                offloadMask, options.deliverSuperPackets(), false);
        return new TunDevice(name, mode, (flags & IFF_MULTI_QUEUE) != 0, vnetLength, offloadMask, channels);
    }

    private static int setOffloads(MemorySegment st, int fd, String name, int requested) throws ErrnoException {
        int granted = TunOffload.negotiate(requested, mask -> {
            if (Libc.ioctl(st, fd, TUNSETOFFLOAD, mask) == 0) {
                return true;
            }
            int errno = Libc.errno(st);
            if (errno == Errno.EINVAL) {
                return false;
            }
            throw new ErrnoException("TUNSETOFFLOAD " + name, errno);
        });
        if (granted < 0) {
            throw new ErrnoException("TUNSETOFFLOAD " + name + " (even no offloads refused)", Errno.EINVAL);
        }
        return granted;
    }

    private static List<TunChannel> wrap(int[] fds, String name, TunMode mode, boolean packetInfo, int vnetLength,
                                         int offloadMask, boolean deliverWhole, boolean closeOnFailure)
            throws IOException {
        List<TunChannel> channels = new ArrayList<>(fds.length);
        try {
            for (int q = 0; q < fds.length; q++) {
                FdCore core = FdCore.create(fds[q], fds.length == 1 ? name : name + " queue " + q, true);
                channels.add(new TunChannel(core, mode, q, packetInfo, vnetLength, offloadMask, deliverWhole));
            }
            return channels;
        } catch (IOException | RuntimeException e) {
            // Channels made so far own their fds; the rest are closed here or stay the caller's.
            for (TunChannel c : channels) {
                c.close();
            }
            if (closeOnFailure) {
                closeAll(Arrays.copyOfRange(fds, channels.size(), fds.length), fds.length - channels.size());
            }
            throw e;
        }
    }

    private static void closeAll(int[] fds, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(Libc.callStateLayout());
            for (int i = 0; i < count; i++) {
                Libc.close(st, fds[i]);
            }
        }
    }

    /** The interface name (a template resolved by the kernel). */
    public String name() {
        return name;
    }

    /** TUN or TAP. */
    public TunMode mode() {
        return mode;
    }

    /** Whether the device is multi-queue. */
    public boolean multiQueue() {
        return multiQueue;
    }

    /** The open queues, in order. */
    public List<TunChannel> queues() {
        return queues;
    }

    /** Queue {@code index}. */
    public TunChannel queue(int index) {
        return queues.get(index);
    }

    /** Bytes of virtio-net header per packet (0 without {@code IFF_VNET_HDR}). */
    public int virtioNetHeaderLength() {
        return vnetLength;
    }

    /** The offloads the kernel granted ({@code TUNSETOFFLOAD}); empty without a virtio-net header. */
    public Set<TunOffload> offloads() {
        return TunOffload.fromMask(offloadMask);
    }

    /** The interface index. */
    public int index() throws IOException {
        return InterfaceControl.index(name);
    }

    /** The MTU. */
    public int mtu() throws IOException {
        return InterfaceControl.mtu(name);
    }

    /** Sets the MTU. */
    public TunDevice setMtu(int mtu) throws IOException {
        InterfaceControl.setMtu(name, mtu);
        return this;
    }

    /** Brings the link up or down. */
    public TunDevice setUp(boolean up) throws IOException {
        InterfaceControl.setUp(name, up);
        return this;
    }

    /** The Ethernet address (TAP). */
    public MacAddress hardwareAddress() throws IOException {
        return InterfaceControl.hardwareAddress(name);
    }

    /** Adds an address to the interface (the kernel's side of the link). */
    public TunDevice addAddress(InetAddress address, int prefixLength) throws IOException {
        InterfaceControl.addAddress(name, address, prefixLength);
        return this;
    }

    /** Routes {@code destination/prefixLength} through this device. */
    public TunDevice addRoute(InetAddress destination, int prefixLength) throws IOException {
        InterfaceControl.addRoute(name, destination, prefixLength);
        return this;
    }

    /**
     * Closes every queue (idempotent): wakes all their readers first, then releases each queue's fds
     * on this thread; when it returns the fds are closed (and a non-persistent device is gone).
     */
    @Override
    public void close() {
        boolean[] begun = new boolean[queues.size()];
        for (int i = 0; i < begun.length; i++) {
            begun[i] = queues.get(i).beginClose();
        }
        for (int i = 0; i < begun.length; i++) {
            if (begun[i]) {
                queues.get(i).finishClose();
            }
        }
    }

    @Override
    public String toString() {
        return "TunDevice[" + name + ", " + mode + ", queues=" + queues.size() + ", vnet=" + vnetLength
                + ", offloads=" + offloads() + "]";
    }
}
