package org.netstack4j.transport.tcp;

import static org.netstack4j.wire.TcpHeader.ACK;
import static org.netstack4j.wire.TcpHeader.FIN;
import static org.netstack4j.wire.TcpHeader.RST;
import static org.netstack4j.wire.TcpHeader.SYN;

import java.io.IOException;
import java.net.BindException;
import java.net.NoRouteToHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.transport.TransportProtocolHandler;
import org.netstack4j.transport.TransportShard;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.ParseResult;
import org.netstack4j.wire.TcpHeader;

/**
 * The TCP protocol handler: validates segments, finds their connection in the shard's table (or a listener),
 * opens connections actively and passively, answers segments for no connection with RST (RFC 9293 §3.10.7.1),
 * and builds every outgoing segment through the shard's {@link SegmentWriter}. Register it with a stack for
 * protocol 6 (the socket layer's {@code Tcp.attach} does).
 */
public final class TcpProtocol implements TransportProtocolHandler {
    private final TcpConfig config;
    private final TcpCounters counters = new TcpCounters();
    private final AtomicLong memory = new AtomicLong();
    private final PortTable ports = new PortTable();
    private final ConcurrentHashMap<Integer, ListenerCore> listeners = new ConcurrentHashMap<>();
    private final IsnGenerator isnGenerator;
    private final SynCookies cookies;
    /** Connections the application may hold (opened, not yet gone), to fail their calls when the stack closes. */
    private final java.util.Set<TcpConnection> live = ConcurrentHashMap.newKeySet();
    private volatile boolean stackClosed;
    /** Takes SYNs nothing here claims (the TCP forwarder), or null. */
    private volatile TcpUnclaimedHandler unclaimed;
    private TransportHost host;
    private Shard[] shards;

    /** Per-shard state: the connection context, the writer, and reusable parse holders. */
    private static final class Shard {
        final TcpShardContext ctx;
        final SegmentWriter writer;
        final TransportShard shard;
        final TcpHeader header = new TcpHeader();
        final TcpSegment segment = new TcpSegment();

        Shard(TcpShardContext ctx, SegmentWriter writer, TransportShard shard) {
            this.ctx = ctx;
            this.writer = writer;
            this.shard = shard;
        }
    }

    /** A protocol with {@code config}. */
    public TcpProtocol(TcpConfig config) {
        this.config = config;
        SecureRandom r = new SecureRandom();
        this.isnGenerator = new IsnGenerator(r.nextLong(), r.nextLong());
        this.cookies = new SynCookies(r.nextLong(), r.nextLong(), 64_000_000_000L);
    }

    @Override
    public void attach(TransportHost h) {
        this.host = h;
        Shard[] s = new Shard[h.shardCount()];
        for (int i = 0; i < s.length; i++) {
            TransportShard ts = h.shard(i);
            SegmentWriter w = new SegmentWriter(ts);
            TcpShardContext ctx = new TcpShardContext(config, counters, w, ts.timers(), ts::now, ts::submit, memory);
            ctx.onGone = this::gone;
            s[i] = new Shard(ctx, w, ts);
        }
        this.shards = s;
    }

    /** The configuration. */
    public TcpConfig config() {
        return config;
    }

    /** The counters. */
    public TcpCounters counters() {
        return counters;
    }

    /** Bytes of buffer memory held by all connections. */
    public long memoryInUse() {
        return memory.get();
    }

    /** Connections in every shard's table (any state), counted on the shards' threads' behalf: approximate. */
    public int connectionCount() {
        int n = 0;
        for (Shard s : shards) {
            n += s.ctx.table.size();
        }
        return n;
    }

    @Override
    public void stackClosed() {
        stackClosed = true;
        TcpUnclaimedHandler u = unclaimed;
        if (u != null) {
            u.stackClosed(); // the shards have stopped: requests still waiting for a decision are let go
        }
        for (ListenerCore l : listeners.values()) {
            l.close();
        }
        java.net.SocketException e = new java.net.SocketException("stack closed");
        for (TcpConnection c : live) {
            c.failFromOutside(e);
        }
        live.clear();
    }

    private void gone(TcpConnection c) {
        live.remove(c);
        if (c.ownsPort) {
            ports.releaseTuple(new PortTable.Tuple(c.ipVersion, c.localPort, c.remoteHigh, c.remoteLow, c.remotePort));
        }
    }

    // --- inbound -----------------------------------------------------------------------------------------

    @Override
    public boolean deliver(int nicId, int ipVersion, PacketBuffer packet) {
        try {
            TransportShard current = host.currentShard();
            Shard sh = shards[current == null ? 0 : current.index()];
            input(sh, ipVersion, packet);
        } catch (RuntimeException e) {
            counters.increment(TcpCounter.INTERNAL_ERRORS); // never let a bug stop the shard loop
        }
        packet.release();
        return true; // TCP answers closed ports with RST, not ICMP
    }

    private void input(Shard sh, int ipVersion, PacketBuffer packet) {
        byte[] b = packet.array();
        int net = packet.networkOffset();
        int at = packet.transportOffset();
        TcpHeader h = sh.header;
        if (h.wrap(b, at, packet.end() - at) != ParseResult.OK) {
            counters.increment(TcpCounter.DROP_MALFORMED);
            return;
        }
        long srcHigh;
        long srcLow;
        long dstHigh;
        long dstLow;
        // A partial checksum comes from a local sender (the host kernel over a TUN with offloads) that leaves
        // the sum to the device: nothing was on a wire to corrupt it, so like a verified one it is trusted.
        boolean trusted = packet.checksumVerified() || packet.checksumPartial();
        if (ipVersion == 4) {
            srcHigh = 0;
            srcLow = Bytes.u32(b, net + 12);
            dstHigh = 0;
            dstLow = Bytes.u32(b, net + 16);
            if (!trusted && !h.verifyChecksumIpv4((int) srcLow, (int) dstLow)) {
                counters.increment(TcpCounter.DROP_BAD_CHECKSUM);
                return;
            }
        } else {
            srcHigh = Bytes.i64(b, net + 8);
            srcLow = Bytes.i64(b, net + 16);
            dstHigh = Bytes.i64(b, net + 24);
            dstLow = Bytes.i64(b, net + 32);
            if (!trusted && !h.verifyChecksumIpv6(srcHigh, srcLow, dstHigh, dstLow)) {
                counters.increment(TcpCounter.DROP_BAD_CHECKSUM);
                return;
            }
        }
        TcpSegment seg = sh.segment;
        seg.set(h.sequenceNumber(), h.acknowledgmentNumber(), h.flags(), h.window(), b, h.payloadOffset(),
                h.payloadLength());
        seg.options.parse(h);
        int srcPort = h.sourcePort();
        int dstPort = h.destinationPort();
        TcpShardContext ctx = sh.ctx;
        long now = sh.shard.now();
        TcpConnection c = ctx.table.lookup(ipVersion, dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort);
        if (c != null) {
            if (c.state == TcpState.TIME_WAIT && seg.has(SYN) && !seg.has(ACK) && !seg.has(RST)
                    && timeWaitReusable(c, seg)) {
                counters.increment(TcpCounter.TIME_WAIT_REUSED);
                c.terminate();
            } else {
                c.segmentArrived(seg, now);
                return;
            }
        }
        ListenerCore l = listeners.get(ipVersion << 16 | dstPort);
        TcpUnclaimedHandler u = unclaimed;
        if (l != null && l.accepts(dstHigh, dstLow) && (u == null || !l.isWildcard() || isLocal(ipVersion, dstHigh,
                dstLow))) {
            if (seg.has(RST)) {
                return;
            }
            if (seg.has(SYN) && !seg.has(ACK)) {
                passiveOpen(sh, l, seg, ipVersion, dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort, now);
                return;
            }
            if (seg.has(ACK) && !seg.has(SYN) && config.synCookies()
                    && cookieAck(sh, l, seg, ipVersion, dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort, now)) {
                return;
            }
        }
        if (u != null && seg.has(SYN) && !seg.has(ACK) && !seg.has(RST)
                && u.unclaimedSyn(sh.shard, ipVersion, seg, srcHigh, srcLow, srcPort, dstHigh, dstLow, dstPort)) {
            return;
        }
        counters.increment(TcpCounter.DROP_NO_CONNECTION);
        resetFor(sh, seg, ipVersion, dstHigh, dstLow, dstPort, srcHigh, srcLow, srcPort);
    }

    @Override
    public void icmpError(int nicId, int ipVersion, int type, int code, int info, PacketBuffer packet,
                          int quotedOffset) {
        try {
            TransportShard current = host.currentShard();
            Shard sh = shards[current == null ? 0 : current.index()];
            byte[] b = packet.array();
            int end = packet.end();
            int tcpAt;
            long lh;
            long ll;
            long rh;
            long rl;
            if (ipVersion == 4) {
                if (quotedOffset + 20 > end) {
                    return;
                }
                tcpAt = quotedOffset + (b[quotedOffset] & 0x0f) * 4;
                lh = 0;
                ll = Bytes.u32(b, quotedOffset + 12);
                rh = 0;
                rl = Bytes.u32(b, quotedOffset + 16);
            } else {
                if (quotedOffset + 40 > end || (b[quotedOffset + 6] & 0xff) != TcpHeader.PROTOCOL) {
                    return;
                }
                tcpAt = quotedOffset + 40;
                lh = Bytes.i64(b, quotedOffset + 8);
                ll = Bytes.i64(b, quotedOffset + 16);
                rh = Bytes.i64(b, quotedOffset + 24);
                rl = Bytes.i64(b, quotedOffset + 32);
            }
            if (tcpAt + 8 > end) {
                return;
            }
            TcpConnection c = sh.ctx.table.lookup(ipVersion, lh, ll, Bytes.u16(b, tcpAt), rh, rl,
                    Bytes.u16(b, tcpAt + 2));
            if (c == null) {
                return;
            }
            int seq = Bytes.i32(b, tcpAt + 4);
            // RFC 5927 §4.1: only an error quoting a sequence number we have in flight is believed.
            if (org.netstack4j.wire.SeqNum.lt(seq, c.sndUna) || org.netstack4j.wire.SeqNum.gt(seq, c.sndMax)) {
                return;
            }
            long now = sh.shard.now();
            boolean tooBig = ipVersion == 4 ? type == 3 && code == 4 : type == 2;
            if (tooBig) {
                c.mtuReduced(ipVersion == 4 ? info & 0xffff : info, now);
            } else if (ipVersion == 4 ? type == 3 && (code == 2 || code == 3) : type == 1 && (code == 1 || code == 4)) {
                c.unreachable(now);
            }
        } catch (RuntimeException e) {
            counters.increment(TcpCounter.INTERNAL_ERRORS);
        }
    }

    /** RFC 6191: a new SYN may take over a TIME-WAIT tuple when its ISN or its timestamp is newer. */
    private static boolean timeWaitReusable(TcpConnection c, TcpSegment syn) {
        if (c.tsOn && syn.options.hasTimestamps()) {
            return syn.options.tsVal() - c.tsRecent > 0;
        }
        return org.netstack4j.wire.SeqNum.gt(syn.seq, c.rcvNxt);
    }

    /** RFC 9293 §3.10.7.1: the reset for a segment that belongs to no connection. */
    private void resetFor(Shard sh, TcpSegment seg, int version, long lh, long ll, int lp, long rh, long rl, int rp) {
        if (seg.has(RST)) {
            return;
        }
        counters.increment(TcpCounter.RESETS_OUT);
        if (seg.has(ACK)) {
            sh.writer.write(version, lh, ll, lp, rh, rl, rp, seg.ack, 0, RST, 0, null, null, 0, 0, 0, false);
        } else {
            sh.writer.write(version, lh, ll, lp, rh, rl, rp, 0, seg.seq + seg.sequenceLength(), RST | ACK, 0, null,
                    null, 0, 0, 0, false);
        }
        counters.increment(TcpCounter.SEGMENTS_OUT);
    }

    private TransportHost.Path pathTo(int version, long high, long low) {
        return version == 4 ? host.pathToIpv4((int) low) : host.pathToIpv6(high, low);
    }

    private void passiveOpen(Shard sh, ListenerCore l, TcpSegment syn, int version, long lh, long ll, int lp,
                             long rh, long rl, int rp, long now) {
        TransportHost.Path path = pathTo(version, rh, rl);
        if (path == null) {
            counters.increment(TcpCounter.DROP_NO_CONNECTION);
            return;
        }
        if (l.acceptQueueFull()) {
            counters.increment(TcpCounter.DROP_LISTEN_OVERFLOW);
            return;
        }
        if (l.synQueue.get() >= config.synQueueLimit()) {
            if (config.synCookies()) {
                sendCookie(sh, l, syn, version, lh, ll, lp, rh, rl, rp, path, now);
            } else {
                counters.increment(TcpCounter.DROP_LISTEN_OVERFLOW);
            }
            return;
        }
        l.synQueue.incrementAndGet();
        TcpConnection c = new TcpConnection(sh.ctx, version, lh, ll, lp, rh, rl, rp, path, config.sendBufferSize(),
                l.receiveBufferSize());
        sh.ctx.table.put(c);
        live.add(c);
        c.accept(l, syn, isn(version, lh, ll, lp, rh, rl, rp, now), now);
    }

    private int isn(int version, long lh, long ll, int lp, long rh, long rl, int rp, long now) {
        return isnGenerator.isn(lh, ll, lp, rh, rl, rp, now);
    }

    private void sendCookie(Shard sh, ListenerCore l, TcpSegment syn, int version, long lh, long ll, int lp, long rh,
                            long rl, int rp, TransportHost.Path path, long now) {
        int peerMss = syn.options.hasMss() ? syn.options.mss() : (version == 4 ? 536 : 1220);
        int mss = Math.min(peerMss, path.mtu() - (version == 4 ? 40 : 60));
        int cookie = cookies.encode(lh, ll, lp, rh, rl, rp, syn.seq, mss, now);
        var o = sh.ctx.txOptions.clear();
        o.setMss(mss);
        boolean ts = config.timestamps() && syn.options.hasTimestamps();
        // The cookie keeps the peer's window scale (ours follows from the configuration and the listener).
        int ws = config.windowScale() && syn.options.hasWindowScale() ? syn.options.windowScale() : -1;
        boolean sack = config.sack() && syn.options.sackPermitted();
        if (ts) {
            // Without timestamps the cookie cannot carry window scale and SACK: the connection goes without.
            o.setTimestamps(SynCookies.encodeTimestamp((int) (now / 1_000_000L), ws < 0 ? 15 : ws, sack, false),
                    syn.options.tsVal());
            if (ws >= 0) {
                o.setWindowScale(TcpConnection.receiveWindowShift(config, l.receiveBufferSize()));
            }
            o.setSackPermitted(sack);
        }
        counters.increment(TcpCounter.COOKIES_SENT);
        counters.increment(TcpCounter.SEGMENTS_OUT);
        sh.writer.write(version, lh, ll, lp, rh, rl, rp, cookie, syn.seq + 1, SYN | ACK,
                Math.min(65535, TcpConnection.initialReceiveBuffer(config, l.receiveBufferSize())), o, null, 0, 0, 0,
                false);
    }

    /** An ACK to a listener: a returning SYN cookie makes the connection straight into ESTABLISHED. */
    private boolean cookieAck(Shard sh, ListenerCore l, TcpSegment seg, int version, long lh, long ll, int lp,
                              long rh, long rl, int rp, long now) {
        int mss = cookies.decode(lh, ll, lp, rh, rl, rp, seg.seq - 1, seg.ack - 1, now);
        if (mss < 0) {
            counters.increment(TcpCounter.COOKIES_REJECTED);
            return false;
        }
        TransportHost.Path path = pathTo(version, rh, rl);
        if (path == null || l.acceptQueueFull()) {
            counters.increment(TcpCounter.DROP_LISTEN_OVERFLOW);
            return true;
        }
        counters.increment(TcpCounter.COOKIES_ACCEPTED);
        TcpConnection c = new TcpConnection(sh.ctx, version, lh, ll, lp, rh, rl, rp, path, config.sendBufferSize(),
                l.receiveBufferSize());
        sh.ctx.table.put(c);
        live.add(c);
        c.fromCookie(l, seg, mss, now);
        return true;
    }

    // --- forwarder (SYNs no listener claims) -------------------------------------------------------------

    /**
     * Installs (or with null removes) the handler offered every SYN that no connection and no listener claims;
     * while one is installed a wildcard listener claims only SYNs to the stack's own addresses.
     */
    public void unclaimedHandler(TcpUnclaimedHandler handler) {
        this.unclaimed = handler;
    }

    private boolean isLocal(int version, long high, long low) {
        return version == 4 ? host.isLocalIpv4((int) low) : host.isLocalIpv6(high, low);
    }

    /**
     * Completes the handshake of a SYN an {@link TcpUnclaimedHandler} took: the connection is made with the SYN's
     * destination as its local address and answers SYN-ACK from it. Runs on {@code shard} (the one the SYN came
     * in on); {@code syn} needs its sequence number, window and options. The connection's
     * {@link TcpConnection#establishedFuture()} completes when the handshake ends, or fails when it does not
     * (RST, SYN-ACK retries exhausted, stack closed).
     *
     * @return the connection, or null when the 4-tuple is taken meanwhile, there is no route back or the stack
     *     is closed
     */
    public TcpConnection openForwarded(TransportShard shard, int version, long localHigh, long localLow,
                                       int localPort, long remoteHigh, long remoteLow, int remotePort,
                                       TcpSegment syn) {
        TransportHost.Path path = pathTo(version, remoteHigh, remoteLow);
        Shard sh = shards[shard.index()];
        if (stackClosed || path == null
                || sh.ctx.table.lookup(version, localHigh, localLow, localPort, remoteHigh, remoteLow, remotePort)
                != null) {
            return null;
        }
        long now = shard.now();
        TcpConnection c = new TcpConnection(sh.ctx, version, localHigh, localLow, localPort, remoteHigh, remoteLow,
                remotePort, path, config.sendBufferSize(), 0);
        sh.ctx.table.put(c);
        live.add(c);
        c.accept(null, syn, isn(version, localHigh, localLow, localPort, remoteHigh, remoteLow, remotePort, now),
                now);
        return c;
    }

    /** Answers a SYN an {@link TcpUnclaimedHandler} took with {@code <SEQ=0><ACK=SYN+1><CTL=RST,ACK>}; on its shard. */
    public void refuseForwarded(TransportShard shard, int version, long localHigh, long localLow, int localPort,
                                long remoteHigh, long remoteLow, int remotePort, int synSequence) {
        Shard sh = shards[shard.index()];
        counters.increment(TcpCounter.RESETS_OUT);
        counters.increment(TcpCounter.SEGMENTS_OUT);
        sh.writer.write(version, localHigh, localLow, localPort, remoteHigh, remoteLow, remotePort, 0, synSequence + 1,
                RST | ACK, 0, null, null, 0, 0, 0, false);
    }

    // --- application side ------------------------------------------------------------------------------

    /**
     * Listens on {@code (version, high, low, port)}; port 0 picks an ephemeral port.
     *
     * @throws BindException when the port is in use
     */
    public ListenerCore listen(int version, long high, long low, int port, int backlog) throws BindException {
        if (stackClosed) {
            throw new BindException("stack closed");
        }
        if (port == 0) {
            port = ports.allocate(version);
            if (port < 0) {
                throw new BindException("no free ephemeral port");
            }
        } else if (!ports.reserve(version, port)) {
            throw new BindException("address in use: port " + port);
        }
        ListenerCore l = new ListenerCore(version, high, low, port, backlog > 0 ? backlog : config.defaultBacklog());
        listeners.put(version << 16 | port, l);
        return l;
    }

    /** Stops listening: waiting accepts fail, queued connections are reset. */
    public void closeListener(ListenerCore l) {
        if (listeners.remove(l.version << 16 | l.port, l)) {
            ports.release(l.version, l.port);
        }
        for (TcpConnection c : l.close()) {
            c.appAbort();
        }
    }

    /**
     * Starts an active open; the returned connection's {@link TcpConnection#establishedFuture()} completes when
     * established. A zero local address takes the route's source, port 0 an ephemeral port. A {@code
     * receiveBufferSize} of 0 or less takes the configuration's, auto-tuned when the configuration says so; a
     * positive one is the application's choice and is never auto-tuned (as SO_RCVBUF on Linux).
     */
    public TcpConnection connect(int version, long localHigh, long localLow, int localPort, long remoteHigh,
                                 long remoteLow, int remotePort, int sendBufferSize, int receiveBufferSize)
            throws IOException {
        if (stackClosed) {
            throw new java.net.SocketException("stack closed");
        }
        TransportHost.Path path = pathTo(version, remoteHigh, remoteLow);
        if (path == null) {
            throw new NoRouteToHostException("no route to host");
        }
        if (localHigh == 0 && localLow == 0) {
            localHigh = path.sourceHigh();
            localLow = path.sourceLow();
        }
        int port = localPort;
        if (port == 0) {
            port = ports.allocateTuple(version, remoteHigh, remoteLow, remotePort);
            if (port < 0) {
                throw new BindException("no free ephemeral port");
            }
        } else if (!ports.reserveTuple(new PortTable.Tuple(version, port, remoteHigh, remoteLow, remotePort))) {
            throw new BindException("address in use: port " + port);
        }
        TransportShard ts = version == 4
                ? host.shardOfIpv4Flow(TcpHeader.PROTOCOL, (int) localLow, port, (int) remoteLow, remotePort)
                : host.shardOfIpv6Flow(TcpHeader.PROTOCOL, localHigh, localLow, port, remoteHigh, remoteLow, remotePort);
        Shard sh = shards[ts.index()];
        TcpConnection c = new TcpConnection(sh.ctx, version, localHigh, localLow, port, remoteHigh, remoteLow,
                remotePort, path, sendBufferSize, receiveBufferSize);
        c.ownsPort = true;
        live.add(c);
        long lh = localHigh;
        long ll = localLow;
        int lp = port;
        ts.submit(() -> {
            if (sh.ctx.table.lookup(version, lh, ll, lp, remoteHigh, remoteLow, remotePort) != null) {
                c.fail(ConnectionErrors.connect("address in use"), false);
                return;
            }
            sh.ctx.table.put(c);
            long now = ts.now();
            c.open(isn(version, lh, ll, lp, remoteHigh, remoteLow, remotePort, now), now);
        });
        return c;
    }

    /** Aborts every connection (stack shutting down); runs on the shards. */
    public void abortAll() {
        for (Shard s : shards) {
            s.shard.submit(() -> {
                List<TcpConnection> all = new ArrayList<>(s.ctx.table.all());
                for (TcpConnection c : all) {
                    c.abort();
                }
            });
        }
    }
}
