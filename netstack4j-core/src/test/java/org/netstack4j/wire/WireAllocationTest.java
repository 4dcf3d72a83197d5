package org.netstack4j.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The per-packet path of the link and network views allocates nothing: wrapping, reading every raw field,
 * walking options and extension headers, and the in-place rewrites. Measured with the JVM's per-thread
 * allocation counter, not with time.
 */
class WireAllocationTest {
    private static final int PACKETS = 100_000;

    private final EthernetHeader ethernet = new EthernetHeader();
    private final ArpMessage arp = new ArpMessage();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv4OptionCursor ipv4Options = new Ipv4OptionCursor();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
    private final Ipv6OptionCursor ipv6Options = new Ipv6OptionCursor();
    private final byte[] frame4 = new byte[14 + 24 + 8];
    private final byte[] frameArp = new byte[18 + 28];
    private final byte[] frame6 = new byte[22 + 40 + 8 + 8 + 8];

    @Test
    void perPacketPathAllocatesNothing() {
        com.sun.management.ThreadMXBean threads;
        try {
            threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        } catch (ClassCastException e) {
            threads = null;
        }
        assumeTrue(threads != null && threads.isThreadAllocatedMemorySupported(),
                "this JVM does not count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        buildFrames();

        long sink = run(PACKETS); // warm up: links var handles and compiles the loop
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += run(PACKETS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sink).isNotZero();
        // A single allocation per packet would be at least 16 bytes times PACKETS.
        assertThat(allocated).as("bytes allocated for %d packets", PACKETS).isLessThan(PACKETS / 10);
    }

    private void buildFrames() {
        long mac = 0x0200_0000_0001L;
        EthernetHeader.write(frame4, 0, mac, mac + 1, EthernetHeader.ETHERTYPE_IPV4);
        Ipv4Header.write(frame4, 14, 0, 32, 1, 0, 0, 64, Ipv4Header.PROTOCOL_UDP, 0x0a000001, 0x0a000002);
        frame4[14] = 0x46;
        Bytes.put32(frame4, 34, 0x94040000); // Router Alert
        Bytes.put16(frame4, 24, Ipv4Header.checksum(frame4, 14, 24));

        EthernetHeader.writeTagged(frameArp, 0, -1L >>> 16, mac, EthernetHeader.tci(0, false, 7),
                EthernetHeader.ETHERTYPE_ARP);
        ArpMessage.write(frameArp, 18, ArpMessage.OPCODE_REQUEST, mac, 0x0a000001, 0, 0x0a000002);

        EthernetHeader.writeDoubleTagged(frame6, 0, mac, mac + 1, 1, 2, EthernetHeader.ETHERTYPE_IPV6);
        Ipv6Header.write(frame6, 22, 0, 0, 24, Ipv6Header.NEXT_HEADER_HOP_BY_HOP, 64, 1, 2, 3, 4);
        Bytes.put64(frame6, 62, 0x2c00_0502_0000_0100L); // hop-by-hop: Router Alert, PadN
        Ipv6FragmentHeader.write(frame6, 70, Ipv6Header.NEXT_HEADER_UDP, 0, false, 9);
    }

    private long run(int packets) {
        long sink = 0;
        for (int i = 0; i < packets; i++) {
            sink += ipv4Packet() + arpPacket() + ipv6Packet();
        }
        return sink;
    }

    private long ipv4Packet() {
        if (!ethernet.wrap(frame4, 0, frame4.length).isOk()
                || !ipv4.wrap(frame4, ethernet.payloadOffset(), ethernet.payloadLength()).isOk()) {
            return 0;
        }
        long sum = ethernet.destinationAddress() + ethernet.sourceAddress() + ipv4.sourceAddress()
                + ipv4.destinationAddress() + ipv4.totalLength() + ipv4.protocol() + (ipv4.isChecksumValid() ? 1 : 0);
        ipv4Options.reset(ipv4);
        for (int kind = ipv4Options.next(); kind >= 0; kind = ipv4Options.next()) {
            sum += kind + ipv4Options.optionLength();
        }
        ipv4.decrementTtl();
        ipv4.setTtl(64);
        ipv4.updateChecksum();
        return sum;
    }

    private long arpPacket() {
        if (!ethernet.wrap(frameArp, 0, frameArp.length).isOk()
                || !arp.wrap(frameArp, ethernet.payloadOffset(), ethernet.payloadLength()).isOk()) {
            return 0;
        }
        return ethernet.vlanId() + arp.senderHardwareAddress() + arp.targetProtocolAddress()
                + (arp.isGratuitous() ? 1 : 0) + (arp.isRequest() ? 2 : 0);
    }

    private long ipv6Packet() {
        if (!ethernet.wrap(frame6, 0, frame6.length).isOk()
                || !ipv6.wrap(frame6, ethernet.payloadOffset(), ethernet.payloadLength()).isOk()
                || !chain.walk(ipv6).isOk()) {
            return 0;
        }
        long sum = ipv6.sourceAddressHigh() + ipv6.destinationAddressLow() + chain.upperLayerProtocol()
                + chain.upperLayerOffset() + chain.fragmentIdentification();
        for (int i = 0; i < chain.extensionCount(); i++) {
            if (chain.extensionType(i) == Ipv6Header.NEXT_HEADER_HOP_BY_HOP) {
                ipv6Options.reset(chain, i);
                for (int type = ipv6Options.next(); type >= 0; type = ipv6Options.next()) {
                    sum += Ipv6OptionCursor.action(type) + ipv6Options.optionDataLength();
                }
            }
        }
        return sum;
    }
}
