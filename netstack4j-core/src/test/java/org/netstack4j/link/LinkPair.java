package org.netstack4j.link;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A set of links for an endpoint under test: for each channel the endpoint adopts, a peer channel the
 * test drives, over an in-memory pipe or a pair of UDP sockets on loopback.
 */
final class LinkPair implements AutoCloseable {
    /** How the two sides are joined. */
    enum Transport { PIPE, UDP }

    final Transport transport;
    final PacketChannel[] endpointSide;
    final PacketChannel[] peerSide;

    private LinkPair(Transport transport, PacketChannel[] endpointSide, PacketChannel[] peerSide) {
        this.transport = transport;
        this.endpointSide = endpointSide;
        this.peerSide = peerSide;
    }

    static LinkPair open(Transport transport, int channels) throws IOException {
        return open(transport, channels, 256, 70_000);
    }

    static LinkPair open(Transport transport, int channels, int pipeCapacity, int maxPacket) throws IOException {
        PacketChannel[] mine = new PacketChannel[channels];
        PacketChannel[] theirs = new PacketChannel[channels];
        for (int i = 0; i < channels; i++) {
            if (transport == Transport.PIPE) {
                PacketPipe p = PacketPipe.open(pipeCapacity, maxPacket);
                mine[i] = p.a();
                theirs[i] = p.b();
            } else {
                DatagramPacketChannel[] p = DatagramPacketChannel.loopbackPair(1 << 20);
                mine[i] = p[0];
                theirs[i] = p[1];
            }
        }
        return new LinkPair(transport, mine, theirs);
    }

    List<PacketChannel> endpointChannels() {
        return Arrays.asList(endpointSide);
    }

    @Override
    public void close() throws IOException {
        for (PacketChannel c : endpointSide) {
            c.close();
        }
        for (PacketChannel c : peerSide) {
            c.close();
        }
    }
}
