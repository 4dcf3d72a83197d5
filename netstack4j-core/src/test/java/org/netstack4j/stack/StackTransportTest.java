package org.netstack4j.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.Clock;
import org.netstack4j.transport.TransportProtocolHandler;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.Icmpv4Message;
import org.netstack4j.wire.Ipv4Header;

class StackTransportTest {
    private static final int PEER = RawPeer.ip("10.0.0.2");
    private static final int US = RawPeer.ip("10.0.0.1");

    /** A UDP datagram without checksum from {@code src:sport} to {@code dst:dport}. */
    private static byte[] udp(int src, int sport, int dst, int dport) {
        byte[] u = new byte[8 + 4];
        Bytes.put16(u, 0, sport);
        Bytes.put16(u, 2, dport);
        Bytes.put16(u, 4, u.length);
        return RawPeer.ipv4(src, dst, Ipv4Header.PROTOCOL_UDP, 1, 0, 0, u);
    }

    @Test
    void handlersGetTheirPacketsAndTheIcmpErrorsAboutTheirFlowsOnTheFlowsShard() throws Exception {
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (RawPeer r = new RawPeer(false, Clock.system(), Stack.builder().shards(4))) {
            r.stack.registerTransportHandler(Ipv4Header.PROTOCOL_UDP, new TransportProtocolHandler() {
                @Override
                public boolean deliver(int nicId, int ipVersion, PacketBuffer packet) {
                    int port = Bytes.u16(packet.array(), packet.transportOffset() + 2);
                    events.add("deliver " + port + " " + Thread.currentThread().getName());
                    if (port == 5000) {
                        packet.release();
                        return true;
                    }
                    return false; // nobody listens: the stack answers port unreachable
                }

                @Override
                public void icmpError(int nicId, int ipVersion, int type, int code, int info, PacketBuffer packet,
                                      int quotedOffset) {
                    byte[] b = packet.array();
                    events.add("error " + type + "/" + code + " " + (b[quotedOffset] & 0xff) + " "
                            + Thread.currentThread().getName());
                }
            });
            r.send(udp(PEER, 53, US, 5000));
            String delivered = events.poll(10, TimeUnit.SECONDS);
            assertThat(delivered).startsWith("deliver 5000 ");
            // The peer reports our (imagined) datagram 10.0.0.1:5000 -> 10.0.0.2:53 as port unreachable.
            byte[] quoted = udp(US, 5000, PEER, 53);
            byte[] icmp = new byte[8 + quoted.length];
            System.arraycopy(quoted, 0, icmp, 8, quoted.length);
            Icmpv4Message.writeErrorHeader(icmp, 0, Icmpv4Message.TYPE_DESTINATION_UNREACHABLE,
                    Icmpv4Message.UNREACHABLE_PORT, 0, quoted.length);
            r.send(RawPeer.ipv4(PEER, US, Ipv4Header.PROTOCOL_ICMP, 2, 0, 0, icmp));
            String error = events.poll(10, TimeUnit.SECONDS);
            assertThat(error).startsWith("error 3/3 69 ");
            String shardOfFlow = delivered.substring(delivered.lastIndexOf(' ') + 1);
            assertThat(error).endsWith(" " + shardOfFlow);

            r.send(udp(PEER, 53, US, 6000));
            assertThat(events.poll(10, TimeUnit.SECONDS)).startsWith("deliver 6000 ");
            byte[] unreachable = r.await(p -> RawPeer.isIcmpv4(p, Icmpv4Message.TYPE_DESTINATION_UNREACHABLE));
            assertThat(unreachable).isNotNull();
            assertThat(unreachable[21]).isEqualTo((byte) Icmpv4Message.UNREACHABLE_PORT);
            assertThat(Bytes.u16(unreachable, 28 + 20 + 2)).as("quotes our datagram").isEqualTo(6000);
        }
    }
}
