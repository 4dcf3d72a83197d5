package org.netstack4j.network;

import java.util.Arrays;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Checksum;

/**
 * One static NAT rule: a packet from {@code oldSource} to {@code oldDestination} gets {@code newSource} and
 * {@code newDestination} in place, with the IPv4 header checksum and the TCP or UDP checksum updated
 * incrementally (RFC 1624) rather than recomputed. A checksum marked partial (the device completes it; the
 * field holds the uncomplemented pseudo-header sum) is updated as such, and an IPv4 UDP datagram sent without
 * a checksum (zero) keeps none. Offload metadata is left alone. Stateless and thread-safe.
 */
public final class StaticNat {
    private static final int TCP = 6;
    private static final int UDP = 17;

    private final byte[] oldSource;
    private final byte[] newSource;
    private final byte[] oldDestination;
    private final byte[] newDestination;

    /**
     * A rule for one address family: four addresses of 4 (IPv4) or 16 (IPv6) bytes each.
     *
     * @throws IllegalArgumentException when the lengths differ or are neither 4 nor 16
     */
    public StaticNat(byte[] oldSource, byte[] newSource, byte[] oldDestination, byte[] newDestination) {
        int n = oldSource.length;
        if (n != 4 && n != 16 || newSource.length != n || oldDestination.length != n || newDestination.length != n) {
            throw new IllegalArgumentException("four IPv4 or four IPv6 addresses expected");
        }
        this.oldSource = oldSource.clone();
        this.newSource = newSource.clone();
        this.oldDestination = oldDestination.clone();
        this.newDestination = newDestination.clone();
    }

    /**
     * Rewrites {@code p} (IP header at its start) when it matches the rule's family and old addresses.
     *
     * @return true when rewritten; false (packet untouched) when it is not one of the rule's packets
     */
    public boolean rewrite(PacketBuffer p) {
        byte[] b = p.array();
        int at = p.start();
        int n = oldSource.length;
        if (p.length() < (n == 4 ? 20 : 40)) {
            return false;
        }
        int version = (b[at] & 0xff) >>> 4;
        int sourceAt;
        int destinationAt;
        int transportAt;
        int protocol;
        if (version == 4 && n == 4) {
            sourceAt = at + 12;
            destinationAt = at + 16;
            transportAt = at + (b[at] & 0x0f) * 4;
            protocol = b[at + 9] & 0xff;
        } else if (version == 6 && n == 16) {
            sourceAt = at + 8;
            destinationAt = at + 24;
            transportAt = at + 40; // extension headers are not walked: their transport checksum stays stale
            protocol = b[at + 6] & 0xff;
        } else {
            return false;
        }
        if (!Arrays.equals(b, sourceAt, sourceAt + n, oldSource, 0, n)
                || !Arrays.equals(b, destinationAt, destinationAt + n, oldDestination, 0, n)) {
            return false;
        }
        int field = protocol == TCP ? transportAt + 16 : protocol == UDP ? transportAt + 6 : -1;
        if (field >= 0 && field + 2 > p.end()) {
            field = -1; // a fragment too short to hold the checksum: the header is all there is to fix
        }
        boolean partial = p.checksumPartial();
        int check = field < 0 ? 0 : Bytes.u16(b, field);
        boolean noUdpChecksum = protocol == UDP && version == 4 && check == 0 && !partial;
        int ipCheck = version == 4 ? Bytes.u16(b, at + 10) : 0;
        for (int i = 0; i < n; i += 4) {
            int o = Bytes.i32(oldSource, i);
            int v = Bytes.i32(newSource, i);
            check = update(check, o, v, partial);
            ipCheck = Checksum.update32(ipCheck, o, v);
            o = Bytes.i32(oldDestination, i);
            v = Bytes.i32(newDestination, i);
            check = update(check, o, v, partial);
            ipCheck = Checksum.update32(ipCheck, o, v);
        }
        System.arraycopy(newSource, 0, b, sourceAt, n);
        System.arraycopy(newDestination, 0, b, destinationAt, n);
        if (version == 4) {
            Bytes.put16(b, at + 10, ipCheck);
        }
        if (field >= 0 && !noUdpChecksum) {
            // A UDP checksum that comes out as zero is sent as all ones (zero means "none").
            Bytes.put16(b, field, protocol == UDP && !partial && check == 0 ? 0xffff : check);
        }
        return true;
    }

    /** RFC 1624 update of a complete checksum, or of the uncomplemented sum a partial one holds. */
    private static int update(int field, int oldValue, int newValue, boolean partial) {
        if (partial) {
            return ~Checksum.update32(~field & 0xffff, oldValue, newValue) & 0xffff;
        }
        return Checksum.update32(field, oldValue, newValue);
    }
}
