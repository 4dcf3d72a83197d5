package org.netstack4j.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/** TCP echo (RFC 862): every byte received is sent back; the peer's FIN is answered with ours. */
final class TcpEcho extends TcpService {
    /** The well-known port. */
    static final int PORT = 7;

    TcpEcho(List<ServerSocket> listeners) {
        super("tcp-echo", listeners);
    }

    @Override
    void serve(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buf = BufferPool.SHARED.take();
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } finally {
            BufferPool.SHARED.give(buf);
        }
        socket.shutdownOutput();
    }
}
