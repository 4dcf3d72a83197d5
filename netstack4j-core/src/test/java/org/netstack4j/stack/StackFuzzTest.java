package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.link.LinkEndpoint;
import org.netstack4j.link.PacketEndpoint;
import org.netstack4j.link.PacketEndpointOptions;
import org.netstack4j.link.PacketPipe;
import org.netstack4j.network.fragment.ReassemblyConfig;
import org.netstack4j.wire.MacAddress;

/**
 * Arbitrary bytes into a stack's network input, run synchronously on its shard: no input may throw or
 * be counted as an internal error; everything is delivered, answered or counted as a drop. Inputs (seed
 * corpus in {@code StackFuzzTestInputs/input/}): a control byte (bit 0: Ethernet NIC, bit 1: promiscuous,
 * bit 2: ARP instead of IP) followed by the packet from its network header on.
 */
class StackFuzzTest {
    private static final Stack STACK = Stack.builder().shards(1).seed(3)
            .ipv4Reassembly(ReassemblyConfig.ipv4().withCaps(1 << 20, 1 << 19))
            .ipv6Reassembly(ReassemblyConfig.ipv6().withCaps(1 << 20, 1 << 19)).build();
    private static final Nic IP = STACK.createNic(1, endpoint(false));
    private static final Nic ETH = STACK.createNic(2, endpoint(true));

    static {
        IP.addAddress("10.0.0.1/24");
        IP.addAddress("fd00::1/64");
        ETH.addAddress("10.1.0.1/24");
        ETH.addAddress("fd01::1/64");
    }

    private static LinkEndpoint endpoint(boolean ethernet) {
        PacketPipe pipe = PacketPipe.open(1024, 2048);
        PacketEndpointOptions.Builder o = PacketEndpointOptions.builder().channel(pipe.a()).mtu(1500)
                .ethernetHeader(ethernet);
        if (ethernet) {
            o.address(new MacAddress(0x02_00_00_00_00_01L));
        }
        return PacketEndpoint.create(o.build());
    }

    @FuzzTest(maxDuration = "2m")
    void input(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int control = data[0] & 0xff;
        Nic nic = (control & 1) != 0 ? ETH : IP;
        nic.setPromiscuous((control & 2) != 0);
        PacketBuffer p = PacketBuffer.copyOf(Arrays.copyOfRange(data, 1, data.length), 64);
        p.networkOffset(p.start());
        int version = p.length() == 0 ? 0 : (p.array()[p.start()] & 0xff) >>> 4;
        p.networkProtocol((control & 4) != 0 ? Nic.ETHERTYPE_ARP : version == 6 ? Nic.ETHERTYPE_IPV6 : Nic.ETHERTYPE_IPV4);
        p.remoteLinkAddress(nic.isEthernet() ? 0x02_00_00_00_00_02L : PacketBuffer.NO_LINK_ADDRESS);
        p.localLinkAddress(nic.isEthernet() ? 0x02_00_00_00_00_01L : PacketBuffer.NO_LINK_ADDRESS);
        StackLoop home = nic.home();
        home.call(() -> home.processForTest(nic, p));
        assertThat(STACK.stats().get(StackCounter.INTERNAL_ERROR)).isZero();
    }
}
