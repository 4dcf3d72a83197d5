package org.netstack4j.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Streams that behave like a TUN descriptor opened as streams: each read returns one whole packet
 * (or as much as fits) and each write sends one. Closing the input wakes a blocked read.
 */
final class QueueStreams {
    private static final byte[] EOF = new byte[0];
    private static final byte[] CLOSED = new byte[0];

    record Pair(In in, Out out) {
        void inject(byte[] packet) {
            in.queue.add(packet.clone());
        }

        void endOfStream() {
            in.queue.add(EOF);
        }

        byte[] written() throws InterruptedException {
            byte[] b = out.queue.poll(10, TimeUnit.SECONDS);
            if (b == null) {
                throw new AssertionError("nothing written within 10 s");
            }
            return b;
        }
    }

    static Pair pair() {
        return new Pair(new In(), new Out());
    }

    static final class In extends InputStream {
        final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        volatile boolean closed;

        @Override
        public int read() {
            throw new UnsupportedOperationException("packet stream: read whole packets");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            byte[] p;
            try {
                p = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            if (p == EOF) {
                return -1;
            }
            if (p == CLOSED) {
                throw new IOException("stream closed");
            }
            int n = Math.min(len, p.length);
            System.arraycopy(p, 0, b, off, n);
            return n;
        }

        @Override
        public void close() {
            closed = true;
            queue.add(CLOSED);
        }
    }

    static final class Out extends OutputStream {
        final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();

        @Override
        public void write(int b) {
            throw new UnsupportedOperationException("packet stream: write whole packets");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            byte[] p = new byte[len];
            System.arraycopy(b, off, p, 0, len);
            queue.add(p);
        }
    }
}
