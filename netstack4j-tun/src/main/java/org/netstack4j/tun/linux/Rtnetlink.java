package org.netstack4j.tun.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Minimal rtnetlink client (RFC 3549, {@code rtnetlink(7)}): adds and deletes interface addresses
 * and routes with one request and its acknowledgement each. Control path only: messages are built
 * in ordinary Java buffers.
 */
final class Rtnetlink implements AutoCloseable {
    private static final int NETLINK_ROUTE = 0;
    private static final int NLMSG_HDRLEN = 16;
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_ACK = 0x4;
    private static final int NLM_F_EXCL = 0x200;
    private static final int NLM_F_CREATE = 0x400;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_FLAGS = 8;
    private static final int IFA_F_NODAD = 0x02;
    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_PRIORITY = 6;
    private static final int RT_TABLE_MAIN = 254;
    private static final int RTPROT_STATIC = 4;
    private static final int RT_SCOPE_UNIVERSE = 0;
    private static final int RT_SCOPE_LINK = 253;
    private static final int RTN_UNICAST = 1;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(Libc.callStateLayout());
    private final MemorySegment io = arena.allocate(8192);
    private final int fd;
    private int sequence;

    Rtnetlink() throws ErrnoException {
        int s = Libc.socket(state, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
        if (s < 0) {
            int errno = Libc.errno(state);
            arena.close();
            throw new ErrnoException("socket AF_NETLINK", errno);
        }
        this.fd = s;
    }

    /**
     * {@code RTM_NEWADDR}/{@code RTM_DELADDR}: {@code address/prefixLength} on interface
     * {@code index}. IPv6 addresses are added with {@code IFA_F_NODAD} so that they are usable at
     * once (a private test or VPN link has no one to collide with).
     */
    void address(int type, int index, InetAddress address, int prefixLength, String what) throws IOException {
        byte[] raw = address.getAddress();
        int family = address instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6;
        ByteBuffer m = message(type, type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
        m.put((byte) family).put((byte) prefixLength).put((byte) 0).put((byte) RT_SCOPE_UNIVERSE).putInt(index);
        attribute(m, IFA_LOCAL, raw);
        attribute(m, IFA_ADDRESS, raw);
        if (family == Libc.AF_INET6) {
            attribute(m, IFA_FLAGS, intBytes(IFA_F_NODAD));
        }
        transact(m, what);
    }

    /**
     * {@code RTM_NEWROUTE}/{@code RTM_DELROUTE} in the main table: {@code destination/prefixLength}
     * out of interface {@code index}, on-link when {@code gateway} is null.
     */
    void route(int type, int index, InetAddress destination, int prefixLength, InetAddress gateway, int metric,
               String what) throws IOException {
        int family = destination instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6;
        ByteBuffer m = message(type, type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0);
        m.put((byte) family).put((byte) prefixLength).put((byte) 0).put((byte) 0);
        m.put((byte) RT_TABLE_MAIN).put((byte) RTPROT_STATIC)
                .put((byte) (gateway == null ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE)).put((byte) RTN_UNICAST);
        m.putInt(0);
        attribute(m, RTA_DST, destination.getAddress());
        attribute(m, RTA_OIF, intBytes(index));
        if (gateway != null) {
            attribute(m, RTA_GATEWAY, gateway.getAddress());
        }
        if (metric > 0) {
            attribute(m, RTA_PRIORITY, intBytes(metric));
        }
        transact(m, what);
    }

    private ByteBuffer message(int type, int extraFlags) {
        ByteBuffer m = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
        m.putInt(0); // length, patched in transact
        m.putShort((short) type);
        m.putShort((short) (NLM_F_REQUEST | NLM_F_ACK | extraFlags));
        m.putInt(++sequence);
        m.putInt(0);
        return m;
    }

    private static void attribute(ByteBuffer m, int type, byte[] value) {
        int len = 4 + value.length;
        m.putShort((short) len).putShort((short) type).put(value);
        while ((m.position() & 3) != 0) {
            m.put((byte) 0);
        }
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private void transact(ByteBuffer m, String what) throws IOException {
        int length = m.position();
        m.putInt(0, length);
        MemorySegment.copy(m.array(), 0, io, ValueLayout.JAVA_BYTE, 0, length);
        MemorySegment kernel = arena.allocate(12, 4);
        kernel.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
        if (Libc.sendto(state, fd, io, length, 0, kernel, 12) < 0) {
            throw new ErrnoException("netlink send (" + what + ")", Libc.errno(state));
        }
        // The kernel handles an rtnetlink request inside sendto and queues the answer before returning.
        for (;;) {
            long n = Libc.recv(state, fd, io, io.byteSize(), Libc.MSG_DONTWAIT);
            if (n < 0) {
                int errno = Libc.errno(state);
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw new ErrnoException("netlink receive (" + what + ")", errno);
            }
            int at = 0;
            while (at + NLMSG_HDRLEN <= n) {
                int len = io.get(ValueLayout.JAVA_INT, at);
                int type = io.get(ValueLayout.JAVA_SHORT, at + 4) & 0xffff;
                int seq = io.get(ValueLayout.JAVA_INT, at + 8);
                if (len < NLMSG_HDRLEN || at + len > n) {
                    throw new IOException("netlink: malformed answer to " + what);
                }
                if (type == NLMSG_ERROR && seq == sequence) {
                    int error = io.get(ValueLayout.JAVA_INT, at + NLMSG_HDRLEN);
                    if (error != 0) {
                        throw new ErrnoException(what, -error);
                    }
                    return;
                }
                at += (len + 3) & ~3;
            }
        }
    }

    @Override
    public void close() {
        Libc.close(state, fd);
        arena.close();
    }
}
