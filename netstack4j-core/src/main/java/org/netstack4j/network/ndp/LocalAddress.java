package org.netstack4j.network.ndp;

import org.netstack4j.time.Timer;
import org.netstack4j.time.TimerHandler;

/** One of our addresses, with its duplicate address detection progress and timer. */
final class LocalAddress implements TimerHandler {
    final NdpHandler handler;
    final long high;
    final long low;
    final Timer timer = new Timer(this);
    AddressState state;
    int solicitationsSent;

    LocalAddress(NdpHandler handler, long high, long low) {
        this.handler = handler;
        this.high = high;
        this.low = low;
    }

    @Override
    public void onTimer(Timer t, long nowNanos) {
        handler.onDadTimer(this, nowNanos);
    }
}
