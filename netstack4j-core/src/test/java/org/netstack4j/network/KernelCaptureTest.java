package org.netstack4j.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;
import org.netstack4j.network.arp.ArpHandler;
import org.netstack4j.network.arp.ArpOutput;
import org.netstack4j.network.fragment.FragmentationResult;
import org.netstack4j.network.fragment.Ipv4Fragmenter;
import org.netstack4j.network.fragment.Ipv4Reassembler;
import org.netstack4j.network.fragment.Ipv6Fragmenter;
import org.netstack4j.network.fragment.Ipv6Reassembler;
import org.netstack4j.network.fragment.ReassemblyConfig;
import org.netstack4j.network.fragment.ReassemblyListener;
import org.netstack4j.network.fragment.ReassemblyStatus;
import org.netstack4j.network.ndp.NdpHandler;
import org.netstack4j.network.ndp.NdpOutput;
import org.netstack4j.network.neighbour.NeighbourConfig;
import org.netstack4j.testing.Captures;
import org.netstack4j.testing.PcapReader;
import org.netstack4j.time.TimerWheel;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.Checksum;
import org.netstack4j.wire.EthernetHeader;
import org.netstack4j.wire.Icmpv6Message;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv6Address;
import org.netstack4j.wire.Ipv6ExtensionChain;
import org.netstack4j.wire.Ipv6Header;
import org.netstack4j.wire.MacAddress;

/**
 * The network cores against the Linux kernel, through the committed captures of two namespaces talking
 * over a veth pair: our reassemblers rebuild the kernel's fragments into datagrams whose end-to-end
 * checksums verify, our fragmenters cut those datagrams into the kernel's exact fragments, and our ARP
 * and NDP handlers answer the kernel's solicitations with the kernel's own bytes.
 */
class KernelCaptureTest {
    private static final long MAC_A = MacAddress.parse("02:4e:53:34:4a:0a").value();
    private static final long MAC_B = MacAddress.parse("02:4e:53:34:4a:0b").value();
    private static final int MTU = 1500;

    private final PacketBufferPool pool = new PacketBufferPool(2048, 64, 32);
    private final PacketBufferPool bigPool = new PacketBufferPool(65_535 + 40 + 64, 64, 2);
    private final TimerWheel wheel = new TimerWheel(1_000_000L, 64, 0);

    private static List<byte[]> frames(String capture) {
        List<byte[]> out = new ArrayList<>();
        for (PcapReader.Frame f : Captures.read(capture).frames()) {
            out.add(f.data());
        }
        return out;
    }

    private static PacketBuffer ipPacket(byte[] frame) {
        PacketBuffer p = PacketBuffer.copyOf(frame, EthernetHeader.MIN_LENGTH, frame.length - EthernetHeader.MIN_LENGTH, 64);
        p.networkOffset(p.start());
        return p;
    }

    private static int etherType(byte[] frame) {
        return (frame[12] & 0xff) << 8 | (frame[13] & 0xff);
    }

    private static byte[] ipBytes(byte[] frame) {
        return java.util.Arrays.copyOfRange(frame, EthernetHeader.MIN_LENGTH, frame.length);
    }

    // --- IPv4 fragments ---------------------------------------------------------------------------

    @Test
    void ipv4FragmentsFromTheKernelReassembleAndOurFragmenterCutsThemTheSameWay() {
        int datagrams = 0;
        for (String capture : List.of("icmpv4-fragmented.pcap", "udp-ipv4.pcap")) {
            Map<Integer, List<byte[]>> fragmentsById = new LinkedHashMap<>();
            for (byte[] frame : frames(capture)) {
                if (etherType(frame) != EthernetHeader.ETHERTYPE_IPV4) {
                    continue;
                }
                Ipv4Header h = Ipv4Header.parse(ipBytes(frame));
                if (h.isFragment()) {
                    fragmentsById.computeIfAbsent(h.identification(), id -> new ArrayList<>()).add(ipBytes(frame));
                }
            }
            assertThat(fragmentsById).as(capture).isNotEmpty();
            for (List<byte[]> kernelFragments : fragmentsById.values()) {
                Ipv4Reassembler reassembler = new Ipv4Reassembler(ReassemblyConfig.ipv4(), bigPool,
                        new ReassemblyListener() { }, new SplittableRandom(1));
                ReassemblyStatus status = null;
                // Last fragment first: the kernel's own order would be too easy.
                for (int i = kernelFragments.size() - 1; i >= 0; i--) {
                    status = reassembler.submit(PacketBuffer.copyOf(kernelFragments.get(i), 64), 0);
                }
                assertThat(status).isEqualTo(ReassemblyStatus.COMPLETE);
                byte[] datagram = reassembler.takeReassembled().toByteArray();
                Ipv4Header h = Ipv4Header.parse(datagram);
                assertThat(h.isChecksumValid()).isTrue();
                assertTransportChecksum(datagram, h);

                List<byte[]> ours = new ArrayList<>();
                FragmentationResult result = new Ipv4Fragmenter(pool).fragment(PacketBuffer.copyOf(datagram, 64), MTU,
                        f -> ours.add(f.toByteArray()));
                assertThat(result).isEqualTo(FragmentationResult.FRAGMENTED);
                assertThat(ours).hasSameSizeAs(kernelFragments);
                for (int i = 0; i < ours.size(); i++) {
                    assertThat(ours.get(i)).as("fragment %d", i).isEqualTo(kernelFragments.get(i));
                }
                datagrams++;
            }
        }
        assertThat(datagrams).isEqualTo(3); // echo request, echo reply, the 3000-byte UDP datagram
    }

    private static void assertTransportChecksum(byte[] datagram, Ipv4Header h) {
        int payload = h.payloadOffset();
        int length = h.totalLength() - h.headerLength();
        int sum = h.protocol() == Ipv4Header.PROTOCOL_UDP
                ? Checksum.pseudoHeaderIpv4(h.sourceAddress(), h.destinationAddress(), h.protocol(), length) : 0;
        assertThat(Checksum.partial(datagram, payload, length, sum)).as("end-to-end checksum").isEqualTo(0xffff);
    }

    // --- IPv6 fragments ---------------------------------------------------------------------------

    @Test
    void ipv6FragmentsFromTheKernelReassembleAndOurFragmenterCutsThemTheSameWay() {
        int packets = 0;
        Ipv6Header header = new Ipv6Header();
        Ipv6ExtensionChain chain = new Ipv6ExtensionChain();
        for (String capture : List.of("icmpv6-fragmented.pcap", "udp-ipv6.pcap")) {
            Map<Integer, List<byte[]>> fragmentsById = new LinkedHashMap<>();
            for (byte[] frame : frames(capture)) {
                if (etherType(frame) != EthernetHeader.ETHERTYPE_IPV6) {
                    continue;
                }
                byte[] ip = ipBytes(frame);
                assertThat(header.wrap(ip, 0, ip.length).isOk()).isTrue();
                assertThat(chain.walk(header).isOk()).isTrue();
                if (chain.isFragment()) {
                    fragmentsById.computeIfAbsent(chain.fragmentIdentification(), id -> new ArrayList<>()).add(ip);
                }
            }
            assertThat(fragmentsById).as(capture).isNotEmpty();
            for (Map.Entry<Integer, List<byte[]>> e : fragmentsById.entrySet()) {
                List<byte[]> kernelFragments = e.getValue();
                Ipv6Reassembler reassembler = new Ipv6Reassembler(ReassemblyConfig.ipv6(), bigPool,
                        new ReassemblyListener() { }, new SplittableRandom(2));
                ReassemblyStatus status = null;
                for (int i = kernelFragments.size() - 1; i >= 0; i--) {
                    status = reassembler.submit(PacketBuffer.copyOf(kernelFragments.get(i), 64), 0);
                }
                assertThat(status).isEqualTo(ReassemblyStatus.COMPLETE);
                PacketBuffer out = reassembler.takeReassembled();
                byte[] packet = out.toByteArray();
                assertThat(header.wrap(packet, 0, packet.length).isOk()).isTrue();
                assertThat(chain.walk(header).isOk()).isTrue();
                assertThat(chain.hasFragmentHeader()).isFalse();
                assertThat(out.transportOffset() - out.start()).isEqualTo(chain.upperLayerOffset());
                int sum = Checksum.pseudoHeaderIpv6(packet, 8, 24, chain.upperLayerProtocol(), chain.upperLayerLength());
                assertThat(Checksum.partial(packet, chain.upperLayerOffset(), chain.upperLayerLength(), sum))
                        .as("end-to-end checksum").isEqualTo(0xffff);

                int id = e.getKey();
                List<byte[]> ours = new ArrayList<>();
                FragmentationResult result = new Ipv6Fragmenter(pool, (sh, sl, dh, dl) -> id)
                        .fragment(PacketBuffer.copyOf(packet, 64), MTU, f -> ours.add(f.toByteArray()));
                assertThat(result).isEqualTo(FragmentationResult.FRAGMENTED);
                assertThat(ours).hasSameSizeAs(kernelFragments);
                for (int i = 0; i < ours.size(); i++) {
                    assertThat(ours.get(i)).as("fragment %d", i).isEqualTo(kernelFragments.get(i));
                }
                packets++;
            }
        }
        assertThat(packets).isEqualTo(3);
    }

    // --- ARP ----------------------------------------------------------------------------------------

    @Test
    void ourArpReplyIsTheKernels() {
        List<byte[]> arp = frames("arp.pcap");
        byte[] request = arp.get(0);
        byte[] kernelReply = arp.get(1);
        List<byte[]> sent = new ArrayList<>();
        ArpHandler b = new ArpHandler(MAC_B, NeighbourConfig.arp(), wheel, pool, new ArpOutput() {
            @Override
            public void transmitFrame(PacketBuffer frame) {
                sent.add(frame.toByteArray());
            }

            @Override
            public void transmit(PacketBuffer packet, long linkAddress) {
            }
        }, new SplittableRandom(1));
        b.addAddress(Ipv4Address.parse("198.18.0.2").value());
        sent.clear(); // the announcement
        PacketBuffer in = PacketBuffer.copyOf(request, 0);
        in.networkOffset(EthernetHeader.MIN_LENGTH);
        b.receive(in, true, 0);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).isEqualTo(kernelReply);
        assertThat(b.cache().linkAddress(0, Ipv4Address.parse("198.18.0.1").value() & 0xffff_ffffL)).isEqualTo(MAC_A);
        assertThat(new ArpMessage().wrap(kernelReply, 14, 28).isOk()).isTrue();
    }

    // --- NDP ----------------------------------------------------------------------------------------

    @Test
    void ourNeighbourSolicitationsAndAdvertisementsAreTheKernels() {
        List<byte[]> ndp = new ArrayList<>();
        for (byte[] frame : frames("icmpv6-echo-ndp.pcap")) {
            if (etherType(frame) == EthernetHeader.ETHERTYPE_IPV6 && (frame[14 + 6] & 0xff) == Icmpv6Message.NEXT_HEADER) {
                int type = frame[14 + 40] & 0xff;
                if (type == Icmpv6Message.TYPE_NEIGHBOR_SOLICITATION || type == Icmpv6Message.TYPE_NEIGHBOR_ADVERTISEMENT) {
                    ndp.add(frame);
                }
            }
        }
        // Global addresses, then link-local ones: a solicitation and its advertisement each.
        assertThat(ndp).hasSize(4);
        Ipv6Address globalA = Ipv6Address.parse("2001:db8:4e::1");
        Ipv6Address globalB = Ipv6Address.parse("2001:db8:4e::2");
        for (int pair = 0; pair < 2; pair++) {
            byte[] kernelSolicitation = ndp.get(2 * pair);
            byte[] kernelAdvertisement = ndp.get(2 * pair + 1);

            List<byte[]> fromA = new ArrayList<>();
            NdpHandler a = new NdpHandler(MAC_A, NeighbourConfig.ndp(), 0, wheel, pool, framing(MAC_A, fromA),
                    new SplittableRandom(1));
            List<byte[]> fromB = new ArrayList<>();
            NdpHandler b = new NdpHandler(MAC_B, NeighbourConfig.ndp(), 0, wheel, pool, framing(MAC_B, fromB),
                    new SplittableRandom(2));
            Ipv6Address source;
            Ipv6Address target;
            if (pair == 0) {
                a.addAddress(globalA.high(), globalA.low(), 0);
                b.addAddress(globalB.high(), globalB.low(), 0);
                source = globalA;
                target = globalB;
            } else {
                a.addLinkLocalAddress(0);
                b.addLinkLocalAddress(0);
                source = new Ipv6Address(0xfe80_0000_0000_0000L, a.linkLocalLow());
                target = new Ipv6Address(0xfe80_0000_0000_0000L, b.linkLocalLow());
            }
            // A resolves B: its solicitation is the kernel's.
            byte[] data = new byte[48];
            Ipv6Header.write(data, 0, 0, 0, 8, 17, 64, source.high(), source.low(), target.high(), target.low());
            PacketBuffer prompting = PacketBuffer.copyOf(data, 64);
            prompting.networkOffset(prompting.start());
            a.send(target.high(), target.low(), prompting, 0);
            assertThat(fromA).hasSize(1);
            assertThat(fromA.get(0)).isEqualTo(kernelSolicitation);
            // B answers the kernel's solicitation with the kernel's advertisement.
            b.receive(ipPacket(kernelSolicitation), 0);
            assertThat(fromB).hasSize(1);
            assertThat(fromB.get(0)).isEqualTo(kernelAdvertisement);
        }
    }

    /** An output that frames IPv6 packets in Ethernet from {@code source}, as a NIC would. */
    private static NdpOutput framing(long source, List<byte[]> frames) {
        return (packet, linkAddress) -> {
            int at = packet.prepend(EthernetHeader.MIN_LENGTH);
            EthernetHeader.write(packet.array(), at, linkAddress, source, EthernetHeader.ETHERTYPE_IPV6);
            frames.add(packet.toByteArray());
        };
    }
}
