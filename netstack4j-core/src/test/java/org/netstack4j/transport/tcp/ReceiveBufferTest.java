package org.netstack4j.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReceiveBufferTest {
    private final AtomicLong budget = new AtomicLong();
    private final ReceiveBuffer rcv = new ReceiveBuffer(64 * 1024, budget, 1L << 20, () -> { });

    /**
     * A connection that ends gracefully (TIME-WAIT over or recycled, LAST-ACK done) before a slow reader got to
     * its data: the data is still read in full, then end of stream, and the memory goes back to the budget then.
     * Freeing the array at once lost the data and left the reader spinning on an empty array.
     */
    @Test
    void dataUnreadWhenTheConnectionEndsIsStillReadThenFreed() {
        byte[] data = new byte[10_000];
        Arrays.fill(data, (byte) 7);
        assertThat(rcv.put(0, data, 0, data.length, 0)).isTrue();
        rcv.advance(data.length);
        rcv.endOfStream();
        rcv.free();
        assertThat(budget.get()).as("held while unread").isPositive();

        byte[] got = new byte[20_000];
        int n = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> rcv.read(got, 0, got.length, Long.MAX_VALUE));
        assertThat(n).isEqualTo(data.length);
        assertThat(Arrays.copyOf(got, n)).isEqualTo(data);
        assertThat(budget.get()).as("freed once read").isZero();
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> rcv.read(got, 0, got.length, Long.MAX_VALUE))).isEqualTo(-1);
    }

    /** Closing the socket discards unread data of an ended connection and frees its memory. */
    @Test
    void closingDiscardsUnreadDataOfAnEndedConnectionAndFreesIt() {
        byte[] data = new byte[5000];
        assertThat(rcv.put(0, data, 0, data.length, 0)).isTrue();
        rcv.advance(data.length);
        rcv.endOfStream();
        rcv.free();
        rcv.closeByApp();
        assertThat(budget.get()).isZero();
    }

    /** With nothing unread, freeing gives the memory back at once. */
    @Test
    void freeingWithNothingUnreadIsImmediate() throws Exception {
        byte[] data = new byte[100];
        assertThat(rcv.put(0, data, 0, data.length, 0)).isTrue();
        rcv.advance(data.length);
        assertThat(rcv.read(new byte[100], 0, 100, Long.MAX_VALUE)).isEqualTo(100);
        rcv.free();
        assertThat(budget.get()).isZero();
    }
}
