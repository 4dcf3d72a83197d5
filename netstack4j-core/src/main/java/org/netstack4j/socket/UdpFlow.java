package org.netstack4j.socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.time.Timer;
import org.netstack4j.transport.TransportShard;

/**
 * One flow a {@link UdpForwarder} intercepted: the datagrams from one sender address and port to one
 * destination address and port (which need not be the stack's), handed to the application as a session.
 * {@link #receive} takes the flow's datagrams; {@link #send} replies to the sender with the original
 * destination as source, as if that host answered; {@link #close()} ends the session. A flow without
 * traffic either way for the forwarder's idle timeout expires: receivers then get a {@link SocketException}
 * and a later datagram of the same 4-tuple starts a new flow. Thread-safe.
 */
public final class UdpFlow implements AutoCloseable {
    final UdpForwarder forwarder;
    final TransportShard shard;
    final int ipVersion;
    final long sourceHigh;
    final long sourceLow;
    final int sourcePort;
    final long destinationHigh;
    final long destinationLow;
    final int destinationPort;
    final UdpReceiveQueue queue;
    final Timer idleTimer;
    /** Chain link in the shard's {@link UdpFlowTable}; shard thread only. */
    UdpFlow next;
    /** Stack-clock time of the last datagram received; shard thread only. */
    long lastReceived;
    /** Stack-clock time of the last reply sent (a reply counts as activity); any thread. */
    volatile long lastSent;
    /** Set once the flow is on its way out (closed by the application or expired). */
    volatile boolean ending;
    /** Set on the shard once the flow left the table; shard thread only. */
    boolean removed;

    UdpFlow(UdpForwarder forwarder, TransportShard shard, int ipVersion, long sh, long sl, int sport, long dh,
            long dl, int dport, int queueCapacity) {
        this.forwarder = forwarder;
        this.shard = shard;
        this.ipVersion = ipVersion;
        this.sourceHigh = sh;
        this.sourceLow = sl;
        this.sourcePort = sport;
        this.destinationHigh = dh;
        this.destinationLow = dl;
        this.destinationPort = dport;
        this.queue = new UdpReceiveQueue(queueCapacity, e -> {
        });
        this.idleTimer = new Timer((t, now) -> forwarder.idleCheck(this, now));
    }

    boolean is(int version, long sh, long sl, int sport, long dh, long dl, int dport) {
        return sourcePort == sport && destinationPort == dport && sourceLow == sl && destinationLow == dl
                && sourceHigh == sh && destinationHigh == dh && ipVersion == version;
    }

    /** 4 or 6. */
    public int ipVersion() {
        return ipVersion;
    }

    /** Who sent the flow's datagrams (where replies go). */
    public InetSocketAddress source() {
        return SocketAddresses.of(ipVersion, sourceHigh, sourceLow, sourcePort);
    }

    /** Where the flow's datagrams were addressed (the source of replies). */
    public InetSocketAddress destination() {
        return SocketAddresses.of(ipVersion, destinationHigh, destinationLow, destinationPort);
    }

    /** Datagrams of this flow dropped because its queue was full. */
    public long droppedDatagrams() {
        return queue.dropped();
    }

    /**
     * Waits for the flow's next datagram.
     *
     * @param timeout how long to wait, or null for no limit
     * @throws java.net.SocketTimeoutException when none came in time
     * @throws SocketException                 when the flow is or gets closed or expires
     */
    public byte[] receive(Duration timeout) throws IOException, InterruptedException {
        PacketBuffer p = queue.take(UdpReceiveQueue.nanos(timeout));
        try {
            byte[] data = new byte[p.end() - p.payloadOffset()];
            System.arraycopy(p.array(), p.payloadOffset(), data, 0, data.length);
            return data;
        } finally {
            p.release();
        }
    }

    /**
     * Waits for the flow's next datagram and copies its payload into {@code into[offset, offset+length)}
     * (what does not fit is discarded); returns the number of bytes copied.
     */
    public int receive(byte[] into, int offset, int length, Duration timeout) throws IOException, InterruptedException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        PacketBuffer p = queue.take(UdpReceiveQueue.nanos(timeout));
        try {
            int n = Math.min(length, p.end() - p.payloadOffset());
            System.arraycopy(p.array(), p.payloadOffset(), into, offset, n);
            return n;
        } finally {
            p.release();
        }
    }

    /** Sends {@code data[offset, offset+length)} to the flow's source, from its original destination. */
    public void send(byte[] data, int offset, int length) throws SocketException {
        if (ending) {
            throw new SocketException("flow closed");
        }
        int max = ipVersion == 4 ? UdpSocket.MAX_PAYLOAD : UdpSocket.MAX_PAYLOAD_IPV6;
        if (length > max) {
            throw new SocketException("message too long: " + length + " bytes, at most " + max);
        }
        lastSent = shard.now();
        forwarder.output().send(ipVersion, destinationHigh, destinationLow, destinationPort, sourceHigh, sourceLow,
                sourcePort, data, offset, length);
    }

    /** Ends the session: wakes its receivers and frees its slot. A later datagram starts a new flow. */
    @Override
    public void close() {
        forwarder.close(this, "flow closed");
    }

    /** True once closed or expired. */
    public boolean isClosed() {
        return ending;
    }

    @Override
    public String toString() {
        return "UdpFlow[" + source() + " > " + destination() + (ending ? ", closed" : "") + "]";
    }
}
