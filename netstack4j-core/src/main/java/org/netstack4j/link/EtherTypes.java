package org.netstack4j.link;

/** The EtherTypes the link layer itself needs to know. */
final class EtherTypes {
    static final int IPV4 = 0x0800;
    static final int ARP = 0x0806;
    static final int IPV6 = 0x86dd;
    /** Values below this are IEEE 802.3 length fields, not types (IEEE 802.3 clause 3.2.6). */
    static final int MIN_TYPE = 0x0600;

    private EtherTypes() {
    }
}
