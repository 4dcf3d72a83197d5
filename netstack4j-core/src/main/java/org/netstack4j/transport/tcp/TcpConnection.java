package org.netstack4j.transport.tcp;

import static org.netstack4j.wire.TcpHeader.ACK;
import static org.netstack4j.wire.TcpHeader.FIN;
import static org.netstack4j.wire.TcpHeader.RST;
import static org.netstack4j.wire.TcpHeader.SYN;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.netstack4j.time.Timer;
import org.netstack4j.time.TimerHandler;
import org.netstack4j.transport.TransportHost;
import org.netstack4j.wire.SeqNum;

/**
 * One TCP connection: the TCB and the RFC 9293 state machine, sans I/O. Segments come in through
 * {@link #segmentArrived}, timers fire from the shard's wheel, segments leave through the shard context's
 * {@link SegmentSink}. Every method except the {@code app*} ones and the buffers runs on the connection's
 * shard. Sending decisions live in {@link TcpSender}, the receive side in {@link TcpReceiver}.
 */
public final class TcpConnection implements TimerHandler {
    final TcpShardContext ctx;
    final FlowKey key = new FlowKey();
    final int ipVersion;
    final long localHigh;
    final long localLow;
    final int localPort;
    final long remoteHigh;
    final long remoteLow;
    final int remotePort;
    final TransportHost.Path path;
    /** The listener a passive connection came from (until it is accepted), else null. */
    ListenerCore listener;
    volatile TcpState state = TcpState.CLOSED;

    final SendBuffer snd;
    final ReceiveBuffer rcv;
    final TcpSender sender;
    final TcpReceiver receiver;

    // --- send sequence space (RFC 9293 §3.3.1) -----------------------------------------------------
    int iss;
    int sndUna;
    int sndNxt;
    /** Highest sequence number sent + 1 (SND.NXT can go back after a timeout). */
    int sndMax;
    long sndWnd;
    long maxSndWnd;
    int sndWl1;
    int sndWl2;
    int sndShift;
    /** Stream offset of our FIN once the application shut output, else -1. */
    long finOffset = -1;

    // --- receive sequence space -------------------------------------------------------------------
    int irs;
    int rcvNxt;
    /** Right edge of the window we advertised. */
    int rcvAdv;
    /** Our window scale, 0-14 (a byte: with the tuner's reference the object stays at 240 bytes). */
    byte rcvShift;
    boolean finReceived;
    /** Whether the receive buffer grows with the application's reading rate (off once the application sized it). */
    volatile boolean rcvAutoTuning;
    private ReceiveWindowTuner rcvTuner;

    // --- options ----------------------------------------------------------------------------------
    boolean tsOn;
    boolean sackOn;
    boolean wsOn;
    int tsRecent;
    int lastAckSent;
    /** The peer's MSS clamped to our path: largest payload + options we put in a segment. */
    int smss;
    /** Payload bytes per full segment (SMSS less the options every segment carries). */
    int effMss;
    /** The MSS we advertise. */
    int rmss;

    // --- timers -------------------------------------------------------------------------------------
    final Timer rtoTimer = new Timer(this);
    final Timer delAckTimer = new Timer(this);
    final Timer keepTimer = new Timer(this);
    int retries;
    int keepaliveProbes;
    long lastReceived;

    // --- application side ----------------------------------------------------------------------------
    volatile boolean noDelay;
    volatile boolean keepAlive;
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private volatile boolean abortRequested;
    private final Runnable wakeTask = this::wakeOnShard;
    final CompletableFuture<TcpConnection> established = new CompletableFuture<>();

    // --- TIME-WAIT list ------------------------------------------------------------------------------
    TcpConnection twPrev;
    TcpConnection twNext;
    boolean inTimeWaitList;
    /** Terminated: never revived; read by application threads so that they do not wake the shard for nothing. */
    private volatile boolean gone;
    /** Whether the local port was reserved for this connection (active open) and is freed with it. */
    boolean ownsPort;

    TcpConnection(TcpShardContext ctx, int ipVersion, long localHigh, long localLow, int localPort,
                  long remoteHigh, long remoteLow, int remotePort, TransportHost.Path path,
                  int sendBufferSize, int receiveBufferSize) {
        this.ctx = ctx;
        this.ipVersion = ipVersion;
        this.localHigh = localHigh;
        this.localLow = localLow;
        this.localPort = localPort;
        this.remoteHigh = remoteHigh;
        this.remoteLow = remoteLow;
        this.remotePort = remotePort;
        this.path = path;
        this.key.set(ipVersion, localHigh, localLow, localPort, remoteHigh, remoteLow, remotePort);
        TcpConfig cfg = ctx.config;
        long perConn = cfg.connectionMemoryLimit();
        int rcvSize = initialReceiveBuffer(cfg, receiveBufferSize);
        int sndSize = (int) Math.min(sendBufferSize, Math.max(1024, perConn / 2));
        this.rcvAutoTuning = receiveBufferSize <= 0 && cfg.receiveAutoTuning();
        this.snd = new SendBuffer(sndSize, ctx.memory, ctx.config.globalMemoryLimit());
        this.rcv = new ReceiveBuffer(rcvSize, ctx.memory, ctx.config.globalMemoryLimit(), this::appWake);
        this.rmss = path.mtu() - (ipVersion == 4 ? 40 : 60);
        this.smss = rmss;
        this.effMss = rmss;
        this.sender = new TcpSender(this);
        this.receiver = new TcpReceiver(this);
        this.rcvShift = (byte) receiveWindowShift(cfg, receiveBufferSize);
    }

    /**
     * The receive buffer a connection starts with: {@code receiveBufferSize} when the application gave one (more
     * than 0), else the configuration's, within half the connection's memory limit.
     */
    static int initialReceiveBuffer(TcpConfig cfg, int receiveBufferSize) {
        int requested = receiveBufferSize > 0 ? receiveBufferSize : cfg.receiveBufferSize();
        return (int) Math.min(requested, Math.max(1024, cfg.connectionMemoryLimit() / 2));
    }

    /**
     * The most an auto-tuned receive buffer may grow to: the configured maximum (at least the initial size),
     * within the connection's memory limit.
     */
    static int receiveBufferCeiling(TcpConfig cfg) {
        long max = Math.max(cfg.receiveBufferMax(), cfg.receiveBufferSize());
        return (int) Math.min(max, Math.max(1024, cfg.connectionMemoryLimit()));
    }

    /**
     * The window scale we offer (RFC 7323 §2.3): from the largest buffer the connection may ever have, so an
     * auto-tuned buffer can grow past 64 KiB shifted by a scale chosen for its small initial size.
     */
    static int receiveWindowShift(TcpConfig cfg, int receiveBufferSize) {
        boolean auto = receiveBufferSize <= 0 && cfg.receiveAutoTuning();
        long largest = auto ? receiveBufferCeiling(cfg) : initialReceiveBuffer(cfg, receiveBufferSize);
        int shift = 0;
        while (shift < 14 && (largest >> shift) > 65535) {
            shift++;
        }
        return shift;
    }

    /** The receive-buffer tuner, made on the first data (an idle connection holds none). */
    ReceiveWindowTuner rcvTuner() {
        ReceiveWindowTuner t = rcvTuner;
        if (t == null) {
            t = new ReceiveWindowTuner(this);
            rcvTuner = t;
        }
        return t;
    }

    // --- opening -----------------------------------------------------------------------------------

    /** Active open: sends the SYN (RFC 9293 §3.10.1). */
    void open(int isn, long now) {
        iss = isn;
        sndUna = isn;
        sndNxt = isn;
        sndMax = isn;
        state = TcpState.SYN_SENT;
        ctx.count(TcpCounter.ACTIVE_OPENS);
        sender.sendSyn(false, now);
    }

    /** Passive open from a listener's SYN: answers SYN-ACK (RFC 9293 §3.10.7.2). */
    void accept(ListenerCore from, TcpSegment syn, int isn, long now) {
        listener = from;
        iss = isn;
        sndUna = isn;
        sndNxt = isn;
        sndMax = isn;
        irs = syn.seq;
        rcvNxt = syn.seq + 1;
        negotiate(syn, true);
        sndWnd = syn.window; // never scaled in a SYN
        maxSndWnd = sndWnd;
        sndWl1 = syn.seq;
        sndWl2 = isn;
        state = TcpState.SYN_RECEIVED;
        ctx.count(TcpCounter.PASSIVE_OPENS);
        lastReceived = now;
        sender.sendSyn(true, now);
    }

    /**
     * A connection made from a returning SYN cookie (RFC 4987 §3.6): the handshake's state comes from the ACK
     * and the cookie (MSS; window scale and SACK from the echoed timestamp), then it is ESTABLISHED.
     */
    void fromCookie(ListenerCore from, TcpSegment ack, int mss, long now) {
        listener = from;
        from.synQueue.incrementAndGet(); // established() gives it back
        iss = ack.ack - 1;
        irs = ack.seq - 1;
        rcvNxt = ack.seq;
        sndUna = iss;
        sndNxt = iss + 1;
        sndMax = sndNxt;
        var o = ack.options;
        tsOn = ctx.config.timestamps() && o.hasTimestamps();
        int ws = tsOn ? SynCookies.timestampWindowScale(o.tsEcr()) : -1;
        wsOn = ws >= 0;
        sndShift = wsOn ? ws : 0;
        if (!wsOn) {
            rcvShift = 0;
        }
        sackOn = tsOn && ctx.config.sack() && SynCookies.timestampSackPermitted(o.tsEcr());
        if (tsOn) {
            tsRecent = o.tsVal();
        }
        smss = Math.max(64, Math.min(mss, rmss));
        effMss = smss - (tsOn ? 12 : 0);
        rcvAdv = rcvNxt + Math.min(65535, rcv.capacity());
        sndWnd = (long) ack.window << sndShift;
        maxSndWnd = sndWnd;
        sndWl1 = ack.seq;
        sndWl2 = ack.ack;
        state = TcpState.SYN_RECEIVED;
        lastReceived = now;
        retries = 1; // no RTT sample from a handshake we kept no time of
        sender.synAcked(ack, now);
        established(now);
        if (state == TcpState.ESTABLISHED && (ack.payloadLength > 0 || ack.has(FIN))) {
            receiver.data(ack, now);
        }
        if (state != TcpState.CLOSED) {
            sender.output(now);
        }
    }

    /** Takes the options of the peer's SYN (or SYN-ACK). */
    void negotiate(TcpSegment s, boolean passive) {
        var o = s.options;
        TcpConfig cfg = ctx.config;
        wsOn = cfg.windowScale() && o.hasWindowScale();
        sndShift = wsOn ? o.windowScale() : 0;
        if (!wsOn) {
            rcvShift = 0;
        }
        sackOn = cfg.sack() && o.sackPermitted();
        tsOn = cfg.timestamps() && o.hasTimestamps();
        if (tsOn) {
            tsRecent = o.tsVal();
        }
        int peerMss = o.hasMss() ? o.mss() : (ipVersion == 4 ? 536 : 1220);
        smss = Math.max(64, Math.min(peerMss, rmss));
        effMss = smss - (tsOn ? 12 : 0);
        rcvAdv = rcvNxt + Math.min(65535, rcv.capacity());
    }

    // --- input ---------------------------------------------------------------------------------------

    /** A segment of this connection arrived (checksum verified, options parsed). */
    public void segmentArrived(TcpSegment s, long now) {
        ctx.count(TcpCounter.SEGMENTS_IN);
        try {
            switch (state) {
                case SYN_SENT -> synSent(s, now);
                case TIME_WAIT -> timeWait(s, now);
                case CLOSED, LISTEN -> { }
                default -> synchronizedInput(s, now);
            }
        } finally {
            if (state != TcpState.CLOSED && state != TcpState.TIME_WAIT) {
                sender.output(now);
            } else if (state == TcpState.TIME_WAIT && receiver.ackPending) {
                sender.sendAckNow(); // the ACK of the FIN that brought us here
            }
        }
    }

    private void synSent(TcpSegment s, long now) {
        boolean hasAck = s.has(ACK);
        if (hasAck && (SeqNum.le(s.ack, iss) || SeqNum.gt(s.ack, sndMax))) {
            if (!s.has(RST)) {
                sender.sendReset(s.ack);
            }
            return;
        }
        if (s.has(RST)) {
            if (hasAck) {
                ctx.count(TcpCounter.CONNECT_FAILED);
                fail(ConnectionErrors.connect("connection refused"), false);
            }
            return;
        }
        if (!s.has(SYN)) {
            return;
        }
        irs = s.seq;
        rcvNxt = s.seq + 1;
        negotiate(s, false);
        lastReceived = now;
        if (hasAck) {
            sndWnd = (long) s.window << sndShift;
            maxSndWnd = sndWnd;
            sndWl1 = s.seq;
            sndWl2 = s.ack;
            sender.synAcked(s, now);
            established(now);
            receiver.ackNow();
        } else {
            // Simultaneous open: answer SYN-ACK with our original ISN.
            sndWnd = s.window;
            maxSndWnd = sndWnd;
            sndWl1 = s.seq;
            sndWl2 = iss;
            state = TcpState.SYN_RECEIVED;
            sndNxt = iss;
            sender.sendSyn(true, now);
        }
    }

    private void synchronizedInput(TcpSegment s, long now) {
        var o = s.options;
        if (state == TcpState.SYN_RECEIVED && s.has(SYN) && !s.has(ACK) && !s.has(RST) && s.seq == irs) {
            // The peer's SYN again: our SYN-ACK was lost. Answer it now rather than at the next timeout
            // (counted as a retry, and no RTT sample from it: Karn).
            retries++;
            sender.sendSyn(true, now);
            return;
        }
        // PAWS (RFC 7323 §5): an old timestamp means an old duplicate.
        if (tsOn && o.hasTimestamps() && !s.has(RST) && tsRecent - o.tsVal() > 0) {
            ctx.count(TcpCounter.DROP_PAWS);
            if (sackOn && s.payloadLength > 0 && SeqNum.le(s.seq + s.payloadLength, rcvNxt)) {
                receiver.duplicate(s.seq, s.seq + s.payloadLength); // an old duplicate: a D-SACK as well
            }
            receiver.ackNow();
            return;
        }
        if (!receiver.acceptable(s)) {
            if (!s.has(RST)) {
                ctx.count(TcpCounter.DROP_OUT_OF_WINDOW);
                if (sackOn && s.payloadLength > 0 && SeqNum.le(s.seq + s.payloadLength, rcvNxt)) {
                    receiver.duplicate(s.seq, s.seq + s.payloadLength); // all old: a D-SACK (RFC 2883)
                }
                receiver.ackNow();
            }
            return;
        }
        lastReceived = now;
        keepaliveProbes = 0;
        if (s.has(RST)) {
            // RFC 5961 §3.2: only an exact match resets; anything else in the window gets a challenge ACK.
            if (s.seq == rcvNxt) {
                ctx.count(TcpCounter.RESETS_IN);
                if (state == TcpState.SYN_RECEIVED && listener != null) {
                    terminate();
                } else {
                    ctx.count(TcpCounter.CONNECTIONS_RESET);
                    fail(state == TcpState.SYN_RECEIVED ? ConnectionErrors.connect("connection refused")
                            : ConnectionErrors.socket("connection reset"), false);
                }
            } else {
                sender.challengeAck();
            }
            return;
        }
        if (s.has(SYN)) {
            // RFC 5961 §4: a SYN in a synchronized state gets a challenge ACK, never a reset.
            sender.challengeAck();
            return;
        }
        if (!s.has(ACK)) {
            return;
        }
        if (tsOn && o.hasTimestamps() && SeqNum.le(s.seq, lastAckSent)) {
            tsRecent = o.tsVal();
        }
        if (state == TcpState.SYN_RECEIVED) {
            if (SeqNum.le(s.ack, sndUna) || SeqNum.gt(s.ack, sndMax)) {
                sender.sendReset(s.ack);
                return;
            }
            sndWnd = (long) s.window << sndShift;
            maxSndWnd = sndWnd;
            sndWl1 = s.seq;
            sndWl2 = s.ack;
            sender.synAcked(s, now);
            established(now);
            if (state == TcpState.CLOSED) {
                return;
            }
        } else if (!sender.ackArrived(s, now)) {
            return;
        }
        if (finOffset >= 0 && sender.finAcked()) {
            switch (state) {
                case FIN_WAIT_1 -> {
                    state = TcpState.FIN_WAIT_2;
                    if (rcv.isClosedByApp()) {
                        ctx.wheel.schedule(rtoTimer, now + ctx.config.msl2Nanos());
                    }
                }
                case CLOSING -> {
                    enterTimeWait(now);
                    return;
                }
                case LAST_ACK -> {
                    ctx.count(TcpCounter.CONNECTIONS_CLOSED);
                    terminate();
                    return;
                }
                default -> { }
            }
        }
        if (s.payloadLength > 0 || s.has(FIN)) {
            receiver.data(s, now);
        }
    }

    private void timeWait(TcpSegment s, long now) {
        if (s.has(RST)) {
            return; // RFC 1337: ignore resets in TIME-WAIT
        }
        if (s.has(FIN) || s.payloadLength > 0) {
            // A retransmitted FIN: acknowledge it again and restart 2 MSL.
            sender.sendAckNow();
            ctx.wheel.schedule(rtoTimer, now + ctx.config.msl2Nanos());
        }
    }

    /** The peer's FIN was reached in order. */
    void finReached(long now) {
        finReceived = true;
        rcv.endOfStream();
        switch (state) {
            case ESTABLISHED -> state = TcpState.CLOSE_WAIT;
            case FIN_WAIT_1 -> {
                if (finOffset >= 0 && sender.finAcked()) {
                    enterTimeWait(now);
                } else {
                    state = TcpState.CLOSING;
                }
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            default -> { }
        }
    }

    private void established(long now) {
        ctx.count(TcpCounter.ESTABLISHED);
        state = TcpState.ESTABLISHED;
        retries = 0;
        ctx.wheel.cancel(rtoTimer);
        armKeepalive(now);
        if (listener != null) {
            ListenerCore l = listener;
            l.synQueue.decrementAndGet();
            if (!l.offer(this)) {
                abort();
                return;
            }
        }
        established.complete(this);
        // The application may have shut output or written before the handshake ended.
        wakeOnShard();
    }

    // --- ICMP ------------------------------------------------------------------------------------------

    /**
     * A "fragmentation needed" / "packet too big" for our segment (RFC 1191, RFC 8201): segments shrink to
     * the reported MTU (never below the IPv4 576 / IPv6 1280 minimums) and what is in flight goes again.
     */
    void mtuReduced(int mtu, long now) {
        int floor = ipVersion == 4 ? 576 : 1280;
        int newSmss = Math.max(floor, mtu) - (ipVersion == 4 ? 40 : 60);
        if (newSmss >= smss) {
            return;
        }
        smss = newSmss;
        effMss = smss - (tsOn ? 12 : 0);
        ctx.count(TcpCounter.MTU_REDUCED);
        if (sender.cc != null) {
            sender.cc.mssChanged(effMss);
        }
        if (state.synchronizedState() && sndUna != sndMax) {
            sndNxt = sndUna; // the big segments were dropped on the way: send them again, smaller
            sender.output(now);
        }
    }

    /** Port or protocol unreachable: fatal while connecting (as Linux does), ignored once established. */
    void unreachable(long now) {
        if (state == TcpState.SYN_SENT) {
            ctx.count(TcpCounter.CONNECT_FAILED);
            fail(ConnectionErrors.connect("connection refused (unreachable)"), false);
        }
    }

    // --- timers --------------------------------------------------------------------------------------

    @Override
    public void onTimer(Timer timer, long now) {
        try {
            if (timer == rtoTimer) {
                if (state == TcpState.TIME_WAIT) {
                    terminate();
                } else if (state == TcpState.FIN_WAIT_2) {
                    if (rcv.isClosedByApp()) {
                        terminate(); // orphaned and the peer never closed: give up, like Linux's tcp_fin_timeout
                    }
                } else {
                    sender.retransmitTimeout(now);
                }
            } else if (timer == delAckTimer) {
                sender.sendAckNow();
            } else if (timer == keepTimer) {
                keepaliveTimeout(now);
            }
        } catch (RuntimeException e) {
            // Never let one connection's bug stop the shard's wheel: drop the connection.
            ctx.count(TcpCounter.INTERNAL_ERRORS);
            abort();
        }
    }

    void armKeepalive(long now) {
        if (keepAlive && state.synchronizedState()) {
            ctx.wheel.schedule(keepTimer, now + ctx.config.keepaliveIdleNanos());
        }
    }

    private void keepaliveTimeout(long now) {
        if (!keepAlive || !state.synchronizedState() || state == TcpState.TIME_WAIT) {
            return;
        }
        TcpConfig cfg = ctx.config;
        long idle = now - lastReceived;
        if (idle < cfg.keepaliveIdleNanos() && keepaliveProbes == 0) {
            ctx.wheel.schedule(keepTimer, lastReceived + cfg.keepaliveIdleNanos());
            return;
        }
        if (keepaliveProbes >= cfg.keepaliveCount()) {
            fail(ConnectionErrors.socket("connection timed out (keepalive)"), true);
            return;
        }
        keepaliveProbes++;
        ctx.count(TcpCounter.KEEPALIVE_PROBES);
        sender.sendKeepalive();
        ctx.wheel.schedule(keepTimer, now + cfg.keepaliveIntervalNanos());
    }

    // --- closing -------------------------------------------------------------------------------------

    void enterTimeWait(long now) {
        state = TcpState.TIME_WAIT;
        ctx.count(TcpCounter.CONNECTIONS_CLOSED);
        ctx.wheel.cancel(delAckTimer);
        ctx.wheel.cancel(keepTimer);
        snd.free();
        rcv.endOfStream();
        ctx.wheel.schedule(rtoTimer, now + ctx.config.msl2Nanos());
        TcpConnection recycle = ctx.timeWait.add(this);
        if (recycle != null) {
            ctx.count(TcpCounter.TIME_WAIT_RECYCLED);
            recycle.terminate();
        }
    }

    /** Fails the application's calls with {@code e}, optionally sends RST, and forgets the connection. */
    void fail(IOException e, boolean sendReset) {
        if (sendReset && state != TcpState.SYN_SENT && state != TcpState.CLOSED) {
            sender.sendReset(sndNxt);
        }
        established.completeExceptionally(e);
        snd.fail(e);
        rcv.failNow(e);
        terminate();
    }

    /** The stack closed: fails the application's calls from the closing thread (the shard is stopping). */
    void failFromOutside(IOException e) {
        established.completeExceptionally(e);
        snd.fail(e);
        rcv.failNow(e);
    }

    /** Aborts with RST (linger 0, listener closed, internal error). */
    void abort() {
        if (state == TcpState.CLOSED) {
            return;
        }
        if (state.synchronizedState() || state == TcpState.SYN_RECEIVED) {
            ctx.count(TcpCounter.CONNECTIONS_RESET);
        }
        fail(ConnectionErrors.socket("connection aborted"), state != TcpState.TIME_WAIT);
    }

    /** Gone: timers cancelled, memory freed, removed from the table. */
    void terminate() {
        if (gone) {
            return;
        }
        gone = true;
        if (state == TcpState.SYN_RECEIVED && listener != null) {
            listener.synQueue.decrementAndGet();
            listener = null;
        }
        state = TcpState.CLOSED;
        ctx.wheel.cancel(rtoTimer);
        ctx.wheel.cancel(delAckTimer);
        ctx.wheel.cancel(keepTimer);
        ctx.timeWait.remove(this);
        if (!established.isDone()) {
            established.completeExceptionally(ConnectionErrors.connect("connection closed"));
        }
        rcv.endOfStream();
        snd.fail(ConnectionErrors.socket("socket closed"));
        rcv.free();
        ctx.table.remove(this);
        ctx.onGone.accept(this);
    }

    // --- application requests (any thread) -----------------------------------------------------------

    /** Asks the shard to look at the buffers and requests again (after a write, read or close). */
    public void appWake() {
        // A connection that is gone (reset, say, before the application closes it) has nothing left for
        // the shard to do: no task and no wake-up of the shard thread.
        if (!gone && wakeScheduled.compareAndSet(false, true)) {
            ctx.submit.accept(wakeTask);
        }
    }

    /** Shuts output: FIN after the data written so far. */
    public void appShutdownOutput() {
        snd.shut();
        appWake();
    }

    /** Aborts with RST. */
    public void appAbort() {
        abortRequested = true;
        appWake();
    }

    private void wakeOnShard() {
        wakeScheduled.set(false);
        long now = ctx.now();
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT) {
            return;
        }
        if (abortRequested) {
            abort();
            return;
        }
        if (finOffset < 0 && snd.isShut()) {
            // Before the handshake ends the FIN waits: established() wakes us again.
            if (state != TcpState.SYN_RECEIVED && state != TcpState.SYN_SENT) {
                finOffset = snd.tail();
                if (state == TcpState.ESTABLISHED) {
                    state = TcpState.FIN_WAIT_1;
                } else if (state == TcpState.CLOSE_WAIT) {
                    state = TcpState.LAST_ACK;
                }
            }
        }
        if (state.synchronizedState()) {
            receiver.windowUpdate();
            sender.output(now);
        }
    }

    // --- queries -------------------------------------------------------------------------------------

    /** The state. */
    public TcpState state() {
        return state;
    }

    /** The send buffer. */
    public SendBuffer sendBuffer() {
        return snd;
    }

    /** The receive buffer. */
    public ReceiveBuffer receiveBuffer() {
        return rcv;
    }

    /** Completes when established; exceptionally when the attempt failed. */
    public CompletableFuture<TcpConnection> establishedFuture() {
        return established;
    }

    /** IP version. */
    public int ipVersion() {
        return ipVersion;
    }

    public long localHigh() {
        return localHigh;
    }

    public long localLow() {
        return localLow;
    }

    public int localPort() {
        return localPort;
    }

    public long remoteHigh() {
        return remoteHigh;
    }

    public long remoteLow() {
        return remoteLow;
    }

    public int remotePort() {
        return remotePort;
    }

    /** The path the connection sends on. */
    public TransportHost.Path path() {
        return path;
    }

    /** TCP_NODELAY. */
    public void noDelay(boolean on) {
        if (noDelay == on) {
            return; // no change, nothing to flush: the socket adapter sets every option on each accept
        }
        noDelay = on;
        appWake();
    }

    /** SO_KEEPALIVE. */
    public void keepAlive(boolean on) {
        if (keepAlive == on) {
            return; // no task and no shard wake-up per accepted connection for a default left alone
        }
        keepAlive = on;
        ctx.submit.accept(() -> {
            if (on) {
                armKeepalive(ctx.now());
            } else {
                ctx.wheel.cancel(keepTimer);
            }
        });
    }

    /** Whether the receive buffer is auto-tuned (see {@link TcpConfig#receiveAutoTuning()}). */
    public boolean receiveAutoTuning() {
        return rcvAutoTuning;
    }

    /**
     * The application set the receive buffer size (SO_RCVBUF): auto-tuning stops for good, as on Linux. The
     * buffer grows to {@code bytes} when that is larger, within what the window scale agreed in the handshake
     * can express and the connection's memory limit; a smaller size keeps the current one (a window offered is
     * never taken back, RFC 9293 §3.8.6.2.2).
     */
    public void appReceiveBufferSize(int bytes) {
        rcvAutoTuning = false;
        long limit = Math.min(65535L << rcvShift, ctx.config.connectionMemoryLimit() - snd.ceiling());
        int size = (int) Math.min(bytes, limit);
        if (size > rcv.capacity()) {
            rcv.capacity(size);
            appWake(); // the larger window goes out with the next segment or a window update
        }
    }

    /** Sender MSS in payload bytes per segment. */
    public int effectiveMss() {
        return effMss;
    }

    @Override
    public String toString() {
        return "TcpConnection{" + key + " " + state + " una=" + Integer.toUnsignedString(sndUna) + " nxt="
                + Integer.toUnsignedString(sndNxt) + " rcvNxt=" + Integer.toUnsignedString(rcvNxt) + '}';
    }
}
