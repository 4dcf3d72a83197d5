package org.netstack4j.socket;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.netstack4j.time.Timer;
import org.netstack4j.transport.TransportShard;
import org.netstack4j.transport.tcp.TcpConnection;
import org.netstack4j.transport.tcp.TcpSegment;
import org.netstack4j.wire.TcpOptions;

/**
 * One SYN a {@link TcpForwarder} intercepted, offered to the application: who connects ({@link #source()}), to
 * which address and port ({@link #destination()}, usually not the stack's), and the SYN's options. Decide once:
 * {@link #accept(Duration)} completes the handshake from the original destination and returns the connection;
 * {@link #refuse()} answers RST. A request neither accepted nor refused within the forwarder's decision timeout
 * is refused. Retransmitted SYNs of a pending request are absorbed. Thread-safe.
 */
public final class TcpForwarderRequest {
    private static final int PENDING = 0;
    private static final int ACCEPTED = 1;
    private static final int REFUSED = 2;
    private static final int EXPIRED = 3;

    final TcpForwarder forwarder;
    final TransportShard shard;
    final TcpForwarder.Tuple key;
    private final int ipVersion;
    private final long sourceHigh;
    private final long sourceLow;
    private final int sourcePort;
    private final long destinationHigh;
    private final long destinationLow;
    private final int destinationPort;
    /** A copy of the SYN (sequence number, window, options; its payload, if any, is not kept). */
    private final TcpSegment syn = new TcpSegment();
    final Timer decisionTimer;
    private final AtomicInteger decision = new AtomicInteger(PENDING);
    private final AtomicBoolean released = new AtomicBoolean();
    private final CompletableFuture<TcpConnection> connection = new CompletableFuture<>();

    TcpForwarderRequest(TcpForwarder forwarder, TransportShard shard, TcpForwarder.Tuple key, TcpSegment syn) {
        this.forwarder = forwarder;
        this.shard = shard;
        this.key = key;
        this.ipVersion = key.version();
        this.sourceHigh = key.sourceHigh();
        this.sourceLow = key.sourceLow();
        this.sourcePort = key.sourcePort();
        this.destinationHigh = key.destinationHigh();
        this.destinationLow = key.destinationLow();
        this.destinationPort = key.destinationPort();
        this.syn.set(syn.seq, 0, syn.flags, syn.window, null, 0, 0);
        this.syn.options.copyFrom(syn.options);
        this.decisionTimer = new Timer((t, now) -> expire());
    }

    /** IP version 4 or 6. */
    public int ipVersion() {
        return ipVersion;
    }

    /** The address and port the SYN came from. */
    public InetSocketAddress source() {
        return SocketAddresses.of(ipVersion, sourceHigh, sourceLow, sourcePort);
    }

    /** The address and port the SYN was sent to: the accepted connection's local address. */
    public InetSocketAddress destination() {
        return SocketAddresses.of(ipVersion, destinationHigh, destinationLow, destinationPort);
    }

    /** A copy of the SYN's options (MSS, window scale, SACK-permitted, timestamps). */
    public TcpOptions synOptions() {
        return new TcpOptions().copyFrom(syn.options);
    }

    /** The SYN's (unscaled) window field. */
    public int synWindow() {
        return syn.window;
    }

    /** Whether accepted, refused or expired. */
    public boolean isDecided() {
        return decision.get() != PENDING;
    }

    /**
     * Accepts: the stack answers SYN-ACK from {@link #destination()}; the future completes with the socket when
     * the handshake ends, or fails (the request was already refused or expired, the peer reset or vanished, no
     * route back). Callable from any thread, also from the forwarder's handler.
     */
    public CompletableFuture<TcpSocket> acceptAsync() {
        if (!decision.compareAndSet(PENDING, ACCEPTED)) {
            return CompletableFuture.failedFuture(new ConnectException("request already "
                    + (decision.get() == EXPIRED ? "expired" : "decided")));
        }
        onShard(this::openOnShard);
        return connection.thenApply(TcpSocket::new);
    }

    /**
     * Accepts and waits until the handshake ends; a connection that ends its handshake after {@code timeout}
     * is reset. Not on a shard thread (the handshake needs it): use {@link #acceptAsync()} there.
     *
     * @throws ConnectException when already refused or expired, or the handshake failed
     * @throws SocketTimeoutException when the handshake did not end within {@code timeout}
     */
    public TcpSocket accept(Duration timeout) throws IOException {
        if (shard.inShard()) {
            throw new IllegalStateException("accept blocks for the handshake: use acceptAsync on a shard thread");
        }
        CompletableFuture<TcpSocket> f = acceptAsync();
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            connection.thenAccept(TcpConnection::appAbort);
            throw new SocketTimeoutException("handshake not finished within " + timeout);
        } catch (InterruptedException e) {
            connection.thenAccept(TcpConnection::appAbort);
            Thread.currentThread().interrupt();
            throw new SocketException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new ConnectException(String.valueOf(cause));
        }
    }

    /**
     * Refuses: the peer gets RST ({@code <SEQ=0><ACK=SYN+1><CTL=RST,ACK>}), as from a closed port.
     *
     * @return false when the request was already decided
     */
    public boolean refuse() {
        if (!decision.compareAndSet(PENDING, REFUSED)) {
            return false;
        }
        onShard(() -> {
            forwarder.refused.increment();
            answerReset();
        });
        return true;
    }

    /** The decision timer fired, on the shard. */
    private void expire() {
        if (decision.compareAndSet(PENDING, EXPIRED)) {
            forwarder.expired.increment();
            answerReset();
        }
    }

    /** Counted and released before the RST leaves, so that whoever sees the RST sees the counts too. */
    private void answerReset() {
        decisionTimer.cancel();
        forwarder.forget(this);
        release();
        forwarder.tcp.protocol().refuseForwarded(shard, ipVersion, destinationHigh, destinationLow, destinationPort,
                sourceHigh, sourceLow, sourcePort, syn.seq);
    }

    private void openOnShard() {
        decisionTimer.cancel();
        forwarder.forget(this);
        TcpConnection c;
        try {
            c = forwarder.tcp.protocol().openForwarded(shard, ipVersion, destinationHigh, destinationLow,
                    destinationPort, sourceHigh, sourceLow, sourcePort, syn);
        } catch (RuntimeException e) {
            c = null;
        }
        if (c == null) {
            release();
            forwarder.handshakesFailed.increment();
            connection.completeExceptionally(new ConnectException("no route back, or the 4-tuple is in use"));
            return;
        }
        TcpConnection opened = c;
        // Completes on the shard when the handshake ends or fails (RST, SYN-ACK retries exhausted, stack closed).
        c.establishedFuture().whenComplete((x, failure) -> {
            release();
            if (failure == null) {
                forwarder.established.increment();
                connection.complete(opened);
            } else {
                forwarder.handshakesFailed.increment();
                connection.completeExceptionally(failure);
            }
        });
    }

    /**
     * The stack closed while the request waited for a decision or for its shard to open it: no segment can be
     * sent any more, so it fails without RST and gives its slot back.
     */
    void abandon() {
        decision.compareAndSet(PENDING, REFUSED);
        forwarder.forget(this);
        release();
        connection.completeExceptionally(new SocketException("stack closed"));
    }

    /** Gives the request's in-flight slot back, exactly once. */
    void release() {
        if (released.compareAndSet(false, true)) {
            forwarder.inFlight.decrementAndGet();
        }
    }

    private void onShard(Runnable r) {
        if (shard.inShard()) {
            r.run();
        } else {
            shard.submit(r);
        }
    }

    @Override
    public String toString() {
        return "TcpForwarderRequest[" + source() + " -> " + destination() + "]";
    }
}
