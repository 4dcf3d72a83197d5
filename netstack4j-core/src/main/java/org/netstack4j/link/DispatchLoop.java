package org.netstack4j.link;

import java.io.EOFException;
import org.netstack4j.buffer.PacketBuffer;
import org.netstack4j.buffer.PacketBufferPool;

/**
 * The body of one dispatch thread: reads batches from one channel into pooled buffers and hands
 * each packet to the endpoint. A buffer whose packet was delivered changes owner and is replaced
 * from the pool; a dropped packet's buffer is reused for the next read, so a steady state allocates
 * nothing.
 */
final class DispatchLoop implements Runnable {
    private final PacketEndpoint endpoint;
    private final PacketChannel channel;
    private final int index;
    private final PacketBufferPool pool;
    private final PacketBuffer[] buffers;
    private final int[] lengths;

    DispatchLoop(PacketEndpoint endpoint, PacketChannel channel, int index, PacketBufferPool pool, int batchSize) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.index = index;
        this.pool = pool;
        this.buffers = new PacketBuffer[batchSize];
        this.lengths = new int[batchSize];
    }

    @Override
    public void run() {
        PacketBuffer[] bufs = buffers;
        int batch = bufs.length;
        int headroom = pool.headroom();
        try {
            for (int i = 0; i < batch; i++) {
                bufs[i] = pool.acquire();
            }
            while (endpoint.isOpen()) {
                for (int i = 0; i < batch; i++) {
                    bufs[i].reset(headroom);
                }
                int n;
                try {
                    n = channel.readBatch(bufs, lengths, batch);
                } catch (Exception e) {
                    // Includes ClosedChannelException after a deliberate close, which the endpoint ignores.
                    endpoint.channelFailed(index, e);
                    return;
                }
                if (n < 0) {
                    endpoint.channelFailed(index, new EOFException("peer closed channel " + index + " (" + channel + ")"));
                    return;
                }
                for (int i = 0; i < n; i++) {
                    if (endpoint.receive(index, bufs[i], lengths[i])) {
                        bufs[i] = null; // no longer ours
                        bufs[i] = pool.acquire();
                    }
                }
                endpoint.endOfBatch(index);
            }
        } catch (Throwable t) {
            // Not expected (receive() contains dispatcher errors); still end the endpoint cleanly so
            // that the closed callback fires and awaitTermination() returns.
            endpoint.channelFailed(index, t);
            throw t;
        } finally {
            for (int i = 0; i < batch; i++) {
                if (bufs[i] != null) {
                    bufs[i].release();
                    bufs[i] = null;
                }
            }
            endpoint.loopEnded();
        }
    }
}
