package org.netstack4j.tun.windows;

/**
 * A Windows {@code NET_LUID}: the locally unique identifier of a network interface, which the IP
 * Helper API takes to assign addresses, routes and the MTU ({@code InterfaceLuid} in
 * {@code MIB_UNICASTIPADDRESS_ROW}, {@code MIB_IPFORWARD_ROW2}, {@code MIB_IPINTERFACE_ROW}).
 *
 * @param value the 64-bit value: reserved (bits 0-23), interface index (bits 24-47) and
 *     interface type (bits 48-63)
 */
public record NetLuid(long value) {
    /** The interface type ({@code IF_TYPE_*}); Wintun adapters are {@code IF_TYPE_PROP_VIRTUAL} (53). */
    public int ifType() {
        return (int) (value >>> 48) & 0xFFFF;
    }

    /** The {@code NetLuidIndex} field: an index unique among interfaces of the same type. */
    public int netLuidIndex() {
        return (int) (value >>> 24) & 0xFFFFFF;
    }

    @Override
    public String toString() {
        return "NetLuid[0x" + Long.toHexString(value) + ", ifType=" + ifType() + ", index=" + netLuidIndex() + "]";
    }
}
