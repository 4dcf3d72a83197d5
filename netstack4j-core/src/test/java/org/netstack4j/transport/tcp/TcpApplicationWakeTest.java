package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.netstack4j.wire.TcpHeader.RST;

import org.junit.jupiter.api.Test;

/**
 * Application calls that have nothing for the shard to do hand it no task (in a stack, each task wakes the
 * shard thread): an option set to the value it has, and any wake of a connection that is gone.
 */
class TcpApplicationWakeTest {
    private final TcpHarness h = new TcpHarness(TcpConfig.builder().build());

    @Test
    void settingAnOptionToItsCurrentValueSubmitsNothingAndAChangeSubmitsOnce() {
        h.established();
        long before = h.submitted.get();
        h.c.noDelay(false);
        h.c.keepAlive(false);
        assertThat(h.submitted.get()).as("defaults set again, as the socket adapter does on accept").isEqualTo(before);
        h.c.noDelay(true);
        h.c.keepAlive(true);
        assertThat(h.submitted.get()).isEqualTo(before + 2);
        h.c.noDelay(true);
        h.c.keepAlive(true);
        assertThat(h.submitted.get()).isEqualTo(before + 2);
        h.c.keepAlive(false);
        assertThat(h.submitted.get()).isEqualTo(before + 3);
    }

    @Test
    void aConnectionResetBeforeTheApplicationClosesItGetsNoTaskForTheClose() {
        h.established();
        h.c.appWake();
        long live = h.submitted.get();
        assertThat(live).as("a live connection is woken").isPositive();
        h.c.segmentArrived(h.segment(5001, 0, RST, 0, 0), h.clock.nanoTime());
        assertThat(h.c.state()).isEqualTo(TcpState.CLOSED);
        h.c.appShutdownOutput();
        h.c.appAbort();
        h.c.appWake();
        assertThat(h.submitted.get()).isEqualTo(live);
    }
}
