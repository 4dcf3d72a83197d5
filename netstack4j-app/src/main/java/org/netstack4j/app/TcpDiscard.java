package org.netstack4j.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/** TCP discard (RFC 863): reads and drops everything until the peer closes. */
final class TcpDiscard extends TcpService {
    /** The well-known port. */
    static final int PORT = 9;

    TcpDiscard(List<ServerSocket> listeners) {
        super("tcp-discard", listeners);
    }

    @Override
    void serve(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buf = BufferPool.SHARED.take();
        try {
            while (in.read(buf) >= 0) {
                // Dropped.
            }
        } finally {
            BufferPool.SHARED.give(buf);
        }
    }
}
