package org.netstack4j.link;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.netstack4j.buffer.PacketBuffer;

/** Keeps a copy of each delivered packet with its metadata and releases the buffer. */
final class RecordingDispatcher implements NetworkDispatcher {
    /** One delivery. */
    record Delivery(LinkEndpoint endpoint, long remote, long local, int protocol, byte[] bytes, byte[] linkHeader,
                    boolean checksumVerified, String thread) {
    }

    final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

    @Override
    public void deliverNetworkPacket(LinkEndpoint endpoint, long remoteLinkAddress, long localLinkAddress, int protocol,
                                     PacketBuffer packet) {
        byte[] link = null;
        if (packet.linkOffset() != PacketBuffer.UNSET) {
            link = new byte[packet.start() - packet.linkOffset()];
            System.arraycopy(packet.array(), packet.linkOffset(), link, 0, link.length);
        }
        if (packet.networkOffset() != packet.start() || packet.networkProtocol() != protocol
                || packet.remoteLinkAddress() != remoteLinkAddress || packet.localLinkAddress() != localLinkAddress) {
            throw new AssertionError("buffer metadata does not repeat the arguments: " + packet);
        }
        deliveries.add(new Delivery(endpoint, remoteLinkAddress, localLinkAddress, protocol, packet.toByteArray(), link,
                packet.checksumVerified(), Thread.currentThread().getName()));
        packet.release();
    }

    /** The next delivery, failing after 10 s. */
    Delivery next() throws InterruptedException {
        Delivery d = deliveries.poll(10, TimeUnit.SECONDS);
        if (d == null) {
            throw new AssertionError("no packet delivered within 10 s");
        }
        return d;
    }

    /** The next delivery within {@code millis}, or null. */
    Delivery poll(long millis) throws InterruptedException {
        return deliveries.poll(millis, TimeUnit.MILLISECONDS);
    }
}
