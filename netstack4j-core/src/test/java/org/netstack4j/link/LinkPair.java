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
                DatagramPacketChannel[] p = DatagramPacketChannel.loopbackPair(1 << 20, true);
                mine[i] = p[0];
                theirs[i] = p[1];
            }
        }
        return new LinkPair(transport, mine, theirs);
    }

    /**
     * Sends {@code bytes} as one packet from peer {@code i}; an empty UDP datagram goes through a
     * {@link java.net.DatagramSocket} sharing the peer's port, because NIO channels never send one.
     */
    void sendFromPeer(int i, byte[] bytes) throws IOException {
        if (bytes.length == 0 && transport == Transport.UDP) {
            DatagramPacketChannel peer = (DatagramPacketChannel) peerSide[i];
            try (java.net.DatagramSocket s = new java.net.DatagramSocket(null)) {
                s.setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
                s.bind(peer.localAddress());
                s.send(new java.net.DatagramPacket(new byte[0], 0, peer.remoteAddress()));
            }
            return;
        }
        peerSide[i].write(org.netstack4j.buffer.PacketBuffer.copyOf(bytes, 0));
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
