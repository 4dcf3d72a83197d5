package org.netstack4j.tun.macos;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;

/**
 * Darwin's way to a utun interface: a {@code PF_SYSTEM} datagram socket of the kernel control
 * {@value #UTUN_CONTROL_NAME}, whose id {@code CTLIOCGINFO} looks up, connected with the unit
 * number (utun<i>N</i> is unit <i>N</i> + 1, 0 asks for the next free one). The interface lives as
 * long as the socket.
 */
final class UtunControl {
    static final String UTUN_CONTROL_NAME = "com.apple.net.utun_control";
    static final int PF_SYSTEM = 32;
    static final int AF_SYSTEM = 32;
    static final int AF_SYS_CONTROL = 2;
    static final int SOCK_DGRAM = 2;
    static final int SYSPROTO_CONTROL = 2;
    static final int UTUN_OPT_IFNAME = 2;
    static final int MAX_KCTL_NAME = 96;
    static final int IFNAMSIZ = 16;

    /** {@code struct ctl_info { u_int32_t ctl_id; char ctl_name[MAX_KCTL_NAME]; }} */
    static final StructLayout CTL_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("ctl_id"),
            MemoryLayout.sequenceLayout(MAX_KCTL_NAME, JAVA_BYTE).withName("ctl_name"));

    /**
     * {@code struct sockaddr_ctl { u_char sc_len; u_char sc_family; u_int16_t ss_sysaddr;
     * u_int32_t sc_id; u_int32_t sc_unit; u_int32_t sc_reserved[5]; }}
     */
    static final StructLayout SOCKADDR_CTL = MemoryLayout.structLayout(
            JAVA_BYTE.withName("sc_len"),
            JAVA_BYTE.withName("sc_family"),
            JAVA_SHORT.withName("ss_sysaddr"),
            JAVA_INT.withName("sc_id"),
            JAVA_INT.withName("sc_unit"),
            MemoryLayout.sequenceLayout(5, JAVA_INT).withName("sc_reserved"));

    /** {@code CTLIOCGINFO = _IOWR('N', 3, struct ctl_info)}. */
    static final long CTLIOCGINFO = iowr('N', 3, CTL_INFO.byteSize());

    private UtunControl() {}

    /** BSD {@code _IOWR(group, num, len)}: in/out direction bits, the argument length, group and number. */
    static long iowr(char group, int num, long length) {
        long iocInOut = 0x80000000L | 0x40000000L;
        long iocParmMask = 0x1FFF;
        return iocInOut | ((length & iocParmMask) << 16) | ((long) group << 8) | num;
    }

    /** The socket address for {@code unit} (sc_unit: 0 for the next free utun, N + 1 for utunN). */
    static void writeAddress(MemorySegment address, int controlId, int scUnit) {
        address.fill((byte) 0);
        address.set(JAVA_BYTE, SOCKADDR_CTL.byteOffset(MemoryLayout.PathElement.groupElement("sc_len")), (byte) SOCKADDR_CTL.byteSize());
        address.set(JAVA_BYTE, SOCKADDR_CTL.byteOffset(MemoryLayout.PathElement.groupElement("sc_family")), (byte) AF_SYSTEM);
        address.set(JAVA_SHORT, SOCKADDR_CTL.byteOffset(MemoryLayout.PathElement.groupElement("ss_sysaddr")), (short) AF_SYS_CONTROL);
        address.set(JAVA_INT, SOCKADDR_CTL.byteOffset(MemoryLayout.PathElement.groupElement("sc_id")), controlId);
        address.set(JAVA_INT, SOCKADDR_CTL.byteOffset(MemoryLayout.PathElement.groupElement("sc_unit")), scUnit);
    }

    /** A connected utun control socket and the interface name the kernel gave it. */
    record Opened(int fd, String interfaceName) {}

    /**
     * Opens utun{@code unit}, or the next free utun when {@code unit} is negative. Darwin only; needs
     * root.
     */
    static Opened open(Posix posix, int unit) throws IOException {
        if (!Posix.DARWIN) {
            throw new UnsupportedOperationException("utun exists only on macOS, not on " + System.getProperty("os.name"));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Posix.allocateState(arena);
            int fd = posix.socket(state, PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
            if (fd < 0) {
                throw posix.error("socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL)", posix.errno(state));
            }
            try {
                MemorySegment info = arena.allocate(CTL_INFO);
                byte[] name = UTUN_CONTROL_NAME.getBytes(StandardCharsets.US_ASCII);
                MemorySegment.copy(name, 0, info, JAVA_BYTE, CTL_INFO.byteOffset(MemoryLayout.PathElement.groupElement("ctl_name")), name.length);
                if (posix.ioctl(state, fd, CTLIOCGINFO, info) < 0) {
                    throw posix.error("ioctl(CTLIOCGINFO, " + UTUN_CONTROL_NAME + ")", posix.errno(state));
                }
                int controlId = info.get(JAVA_INT, 0);
                MemorySegment address = arena.allocate(SOCKADDR_CTL);
                writeAddress(address, controlId, unit < 0 ? 0 : unit + 1);
                if (posix.connect(state, fd, address, (int) SOCKADDR_CTL.byteSize()) < 0) {
                    int errno = posix.errno(state);
                    throw posix.error("connect(utun" + (unit < 0 ? " next free unit" : Integer.toString(unit))
                            + ")" + (errno == 1 ? " (creating a utun interface needs root)" : ""), errno);
                }
                MemorySegment ifName = arena.allocate(IFNAMSIZ);
                MemorySegment ifNameLength = arena.allocate(JAVA_INT);
                ifNameLength.set(JAVA_INT, 0, IFNAMSIZ);
                if (posix.getsockopt(state, fd, SYSPROTO_CONTROL, UTUN_OPT_IFNAME, ifName, ifNameLength) < 0) {
                    throw posix.error("getsockopt(UTUN_OPT_IFNAME)", posix.errno(state));
                }
                posix.makeNonBlocking(state, fd, "the utun socket");
                return new Opened(fd, ifName.getString(0, StandardCharsets.US_ASCII));
            } catch (IOException | RuntimeException e) {
                posix.close(state, fd);
                throw e;
            }
        }
    }
}
